/**
 * Replays every exchange recorded against the real Communication Identity service (see
 * recorded-exchanges.json and README.md in this folder) against a started emulator, signed with
 * its key, and compares what a client can see: the status, the error's code, message and target,
 * the body's field names (in order) and value formats, and the headers clients read.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { signedSend, teamsJwt, type RawResponse } from "../emulator/helpers.js";

interface RecordedEntry {
  entry: number;
  operation: string;
  request: { method: string; path: string; body: unknown };
  response: {
    status: number;
    headers: { "content-type": string | null; "api-supported-versions": string | null; "accept-ranges": string | null };
    body: unknown;
  };
  /** The lifetime asked for, when the request names one. */
  expiresInMinutes?: number;
}

interface Scenario {
  name: string;
  file: string;
  given?: string;
  entries: RecordedEntry[];
}

interface Recorded {
  source: { commit: string; folder: string; apiVersion: string };
  foreignIdentity: string;
  formats: Record<string, { pattern: string }>;
  apiSupportedVersions: Record<string, string>;
  scenarios: Scenario[];
}

const RECORDED = JSON.parse(readFileSync(new URL("recorded-exchanges.json", import.meta.url), "utf8")) as Recorded;

/**
 * Where the emulator knowingly answers otherwise, and why. Nothing a client reads is here: only
 * infrastructure headers of Azure's front door, which no client reads and which would be false
 * on a loopback emulator.
 */
export const DELIBERATE_DIFFERENCES = [
  "Request-Context, X-Cache, X-Processing-Time and x-azure-ref are not sent: they describe Azure's front door, and no client reads them.",
  "Strict-Transport-Security is not sent: the emulator serves plain HTTP on loopback, where the header means nothing.",
  "Error bodies carry Content-Length instead of Transfer-Encoding: chunked; the framing is invisible to clients.",
] as const;

/** The Teams user and application of the exchanges (GUIDs, as Entra writes them). */
const APP_ID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac";
const USER_ID = "32c0a5db-05ec-78ea-51ab-3f06b329397e";
/** The recorded exchange answered about 90 minutes ahead: an Entra token's usual remaining life. */
const ENTRA_TOKEN_MINUTES = 90;
const DEFAULT_TOKEN_MINUTES = 1440;

/** The values the recordings hid, as the recorded test sent them. */
function placeholders(now: number): Record<string, string> {
  return {
    "<appId>": APP_ID,
    "<userId>": USER_ID,
    "<entraToken>": teamsJwt({ appid: APP_ID, oid: USER_ID, exp: Math.floor(now / 1000) + ENTRA_TOKEN_MINUTES * 60 }),
    "<expiredEntraToken>": teamsJwt({ appid: APP_ID, oid: USER_ID, exp: Math.floor(now / 1000) - 600 }),
  };
}

function fillIn(value: unknown, values: Record<string, string>): unknown {
  if (typeof value === "string") return values[value] ?? value;
  if (Array.isArray(value)) return value.map((item) => fillIn(item, values));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillIn(item, values)]));
  }
  return value;
}

/**
 * Where `actual` differs from the recorded `expected`: the same field names in the same order,
 * literal values equal, `<format>` values matching the recorded format. Empty when they conform.
 */
export function differences(expected: unknown, actual: unknown, at = "body"): string[] {
  if (typeof expected === "string" && /^<\w+>$/.test(expected)) {
    const format = RECORDED.formats[expected.slice(1, -1)]!;
    return typeof actual === "string" && new RegExp(format.pattern).test(actual)
      ? []
      : [`${at}: ${JSON.stringify(actual)} is not ${expected}`];
  }
  if (typeof expected === "object" && expected !== null && !Array.isArray(expected)) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual))
      return [`${at}: ${JSON.stringify(actual)} is not an object`];
    const names = Object.keys(expected);
    if (JSON.stringify(Object.keys(actual)) !== JSON.stringify(names)) {
      return [`${at}: fields ${JSON.stringify(Object.keys(actual))} instead of ${JSON.stringify(names)}`];
    }
    return names.flatMap((name) =>
      differences((expected as Record<string, unknown>)[name], (actual as Record<string, unknown>)[name], `${at}.${name}`),
    );
  }
  return JSON.stringify(actual) === JSON.stringify(expected)
    ? []
    : [`${at}: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`];
}

/** The headers a client reads, as the recording had them (`null` for absent). */
function expectedHeaders(entry: RecordedEntry, clientRequestId: string): Record<string, unknown> {
  const versions = entry.response.headers["api-supported-versions"];
  return {
    "content-type": entry.response.headers["content-type"],
    "api-supported-versions": versions === null ? null : RECORDED.apiSupportedVersions[versions],
    "accept-ranges": entry.response.headers["accept-ranges"],
    "x-ms-client-request-id": clientRequestId,
    "ms-cv": true,
  };
}

function receivedHeaders(response: RawResponse): Record<string, unknown> {
  const header = (name: string) => response.headers[name] ?? null;
  return {
    "content-type": header("content-type"),
    "api-supported-versions": header("api-supported-versions"),
    "accept-ranges": header("accept-ranges"),
    "x-ms-client-request-id": header("x-ms-client-request-id"),
    "ms-cv": typeof response.headers["ms-cv"] === "string" && response.headers["ms-cv"] !== "",
  };
}

/** The token lifetime the answer must show, in minutes, or `undefined` when it has no token. */
function lifetimeOf(entry: RecordedEntry): number | undefined {
  if (entry.response.status >= 300 || entry.operation === "revokeTokens" || entry.operation === "deleteUser") return undefined;
  if (entry.operation === "exchangeTeamsToken") return ENTRA_TOKEN_MINUTES;
  const body = entry.request.body as Record<string, unknown> | null;
  const asksToken = entry.operation === "issueToken" || Array.isArray(body?.["createTokenWithScopes"]);
  return asksToken ? (entry.expiresInMinutes ?? DEFAULT_TOKEN_MINUTES) : undefined;
}

function expiresOnOf(json: any): string {
  return (json.accessToken ?? json).expiresOn as string;
}

describe("the emulator against the real service's recorded exchanges", () => {
  let emulator: Emulator;
  const path = (template: string, created: string | undefined) =>
    `${template.replace("{created}", encodeURIComponent(created ?? "")).replace("{foreign}", encodeURIComponent(RECORDED.foreignIdentity))}?api-version=${RECORDED.source.apiVersion}`;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  /** Sets the scene the recording started from: the customId existed and had had a token. */
  async function prepare(scenario: Scenario): Promise<void> {
    if (scenario.given === undefined) return;
    const created = await signedSend(emulator, {
      method: "POST",
      path: path("/identities", undefined),
      body: { customId: "alice@contoso.com" },
    });
    const id = created.json.identity.id as string;
    await signedSend(emulator, { method: "POST", path: path("/identities/{created}/:issueAccessToken", id), body: { scopes: ["chat"] } });
  }

  it.each(RECORDED.scenarios.map((scenario) => [scenario.name, scenario] as const))("%s", async (_name, scenario) => {
    await prepare(scenario);
    let created: string | undefined;
    for (const entry of scenario.entries) {
      const clientRequestId = randomUUID();
      const now = Date.now();
      const body = entry.request.body === null ? undefined : fillIn(entry.request.body, placeholders(now));
      const response = await signedSend(emulator, {
        method: entry.request.method,
        path: path(entry.request.path, created),
        ...(body === undefined ? {} : { body }),
        headers: { "x-ms-client-request-id": clientRequestId },
      });
      const where = `${scenario.file} entry ${entry.entry}`;
      expect({ where, status: response.status }).toStrictEqual({ where, status: entry.response.status });
      expect({ where, headers: receivedHeaders(response) }).toStrictEqual({ where, headers: expectedHeaders(entry, clientRequestId) });
      expect({ where, differences: differences(entry.response.body, response.json ?? null) }).toStrictEqual({ where, differences: [] });
      const minutes = lifetimeOf(entry);
      if (minutes !== undefined) {
        const lifetime = Date.parse(expiresOnOf(response.json)) - now;
        expect({ where, minutes: Math.round(lifetime / 60_000) }).toStrictEqual({ where, minutes });
      }
      if (entry.operation === "createUser" && entry.response.status === 201) created = response.json.identity.id as string;
    }
  });

  it("covers every recorded operation and error answer", () => {
    const covered = RECORDED.scenarios.flatMap((scenario) =>
      scenario.entries.map((entry) => {
        const error = (entry.response.body as { error?: { code: string; target?: string } } | null)?.error;
        return `${entry.operation} ${entry.response.status}${error ? ` ${error.code}${error.target ? ` ${error.target}` : ""}` : ""}`;
      }),
    );
    const counts = Object.fromEntries([...new Set(covered)].sort().map((key) => [key, covered.filter((item) => item === key).length]));
    expect(counts).toStrictEqual({
      "createUser 201": 29,
      "createUser 400 ValidationError ExpiresInMinutes": 2,
      "deleteUser 204": 1,
      "deleteUser 401 IdentityNotOwned": 1,
      "exchangeTeamsToken 200": 1,
      "exchangeTeamsToken 400 ValidationError AppId": 1,
      "exchangeTeamsToken 400 ValidationError UserId": 1,
      "exchangeTeamsToken 400 ValidationError appId": 2,
      "exchangeTeamsToken 400 ValidationError userId": 2,
      "exchangeTeamsToken 401 InvalidAccessToken": 3,
      "getUser 200": 1,
      "issueToken 200": 11,
      "issueToken 400 ValidationError ExpiresInMinutes": 2,
      "issueToken 400 ValidationError scopes": 1,
      "issueToken 401 IdentityNotOwned": 1,
      "revokeTokens 204": 1,
      "revokeTokens 401 IdentityNotOwned": 1,
    });
  });
});
