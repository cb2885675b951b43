/**
 * The recorded exchanges (recorded-exchanges.json) and the one way to play them: the conformance
 * test plays them against the emulator and compares; scripts/record-conformance.ts plays them
 * against a real resource and writes what it saw in the same format.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

/** What a client reads of an answer; `null` for an absent header or body. */
export interface RecordedResponse {
  status: number;
  headers: { "content-type": string | null; "api-supported-versions": string | null; "accept-ranges": string | null };
  body: unknown;
}

/** One request and its answer. */
export interface RecordedEntry {
  /** Its index in the recording's `Entries`. */
  entry: number;
  operation: string;
  /** `path` may hold `{created}` (the identity an earlier create made) or `{foreign}`; the body `<placeholders>`. */
  request: { method: string; path: string; body: unknown };
  response: RecordedResponse;
  /** The lifetime asked for, when the request names one. */
  expiresInMinutes?: number;
}

/** One recording: its exchanges in order, and what had to exist before it. */
export interface Scenario {
  name: string;
  file: string;
  given?: string;
  entries: RecordedEntry[];
}

/** The whole file. */
export interface Recorded {
  source: Record<string, string>;
  foreignIdentity: string;
  formats: Record<string, { pattern: string; evidence?: string }>;
  /** The `api-supported-versions` value of each path family; entries name the family. */
  apiSupportedVersions: Record<string, string>;
  scenarios: Scenario[];
}

/** The exchanges recorded against the real service. */
export const RECORDED = JSON.parse(readFileSync(new URL("recorded-exchanges.json", import.meta.url), "utf8")) as Recorded;

/** A response as received. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** Sends one correctly signed request (to the emulator or to a real resource). */
export type SignedSend = (request: {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}) => Promise<RawResponse>;

/** What one replayed exchange yielded. */
export interface Observed {
  entry: RecordedEntry;
  /** When the request was sent, milliseconds since the epoch. */
  sentAt: number;
  /** The `x-ms-client-request-id` it sent. */
  clientRequestId: string;
  response: RawResponse;
}

/** The values a recording hid, as the recorded tests sent them; a real run brings its own Teams user. */
export type Inputs = Readonly<Record<"<appId>" | "<userId>" | "<entraToken>" | "<expiredEntraToken>", string>>;

/** The path of an entry, with its identity filled in, at the recorded api-version. */
function pathOf(template: string, created: string | undefined, apiVersion: string): string {
  const path = template
    .replace("{created}", encodeURIComponent(created ?? ""))
    .replace("{foreign}", encodeURIComponent(RECORDED.foreignIdentity));
  return `${path}?api-version=${apiVersion}`;
}

function fillIn(value: unknown, inputs: Inputs): unknown {
  if (typeof value === "string") return (inputs as Record<string, string>)[value] ?? value;
  if (Array.isArray(value)) return value.map((item) => fillIn(item, inputs));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillIn(item, inputs)]));
  }
  return value;
}

/**
 * Plays one recording's exchanges in order, after setting the scene it started from (the
 * recorded customId existed and had been issued a token), each with its own client request id.
 */
export async function playScenario(scenario: Scenario, send: SignedSend, inputs: Inputs): Promise<Observed[]> {
  const apiVersion = RECORDED.source["apiVersion"]!;
  if (scenario.given !== undefined) {
    const body = scenario.entries[0]!.request.body;
    const existing = await send({ method: "POST", path: pathOf("/identities", undefined, apiVersion), body });
    const id = existing.json.identity.id as string;
    await send({ method: "POST", path: pathOf("/identities/{created}/:issueAccessToken", id, apiVersion), body: { scopes: ["chat"] } });
  }
  const observed: Observed[] = [];
  let created: string | undefined;
  for (const entry of scenario.entries) {
    const clientRequestId = randomUUID();
    const sentAt = Date.now();
    const response = await send({
      method: entry.request.method,
      path: pathOf(entry.request.path, created, apiVersion),
      ...(entry.request.body === null ? {} : { body: fillIn(entry.request.body, inputs) }),
      headers: { "x-ms-client-request-id": clientRequestId },
    });
    observed.push({ entry, sentAt, clientRequestId, response });
    if (entry.operation === "createUser" && response.status === 201) created = response.json.identity.id as string;
  }
  return observed;
}

/** The body fields whose values the recordings keep as a format, and the format's name. */
const FORMATTED_FIELDS: Readonly<Record<string, string>> = {
  id: "identityId",
  token: "token",
  expiresOn: "expiresOn",
  lastTokenIssuedAt: "lastTokenIssuedAt",
};

/**
 * A field's value as the recordings keep it: `<format>` when the field has a recorded format and
 * the value matches it; a token that does not is never kept, whatever it is; anything else as is.
 */
function keptValue(field: string, value: string): string {
  const format = FORMATTED_FIELDS[field];
  if (format === undefined) return value;
  if (new RegExp(RECORDED.formats[format]!.pattern).test(value)) return `<${format}>`;
  return field === "token" ? "<a token of another format>" : value;
}

/**
 * A body as the recordings keep it: the field names in their order, the values of the formatted
 * fields replaced by their format's name (so no token or id is kept), the others as they are.
 */
export function sanitised(value: unknown, field = ""): unknown {
  if (typeof value === "string") return keptValue(field, value);
  if (Array.isArray(value)) return value.map((item) => sanitised(item, field));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, sanitised(item, key)]));
  }
  return value;
}

/** A header as received, or `null` when absent. */
export function headerOf(response: RawResponse, name: string): string | null {
  const value = response.headers[name];
  return typeof value === "string" ? value : null;
}

/** The path family whose `api-supported-versions` an operation's answers carry. */
export function familyOf(operation: string): string {
  if (operation === "issueToken") return "issueAccessToken";
  if (operation === "exchangeTeamsToken") return "teamsUser";
  return "identities";
}

/**
 * What a client reads of an observed answer, in the recordings' form: `api-supported-versions`
 * as the name of its value in `versions` (or the value itself when it is none of them), the body
 * {@link sanitised}.
 */
export function responseOf(observed: Observed, versions: Readonly<Record<string, string>>): RecordedResponse {
  const { response } = observed;
  const supported = headerOf(response, "api-supported-versions");
  const family = Object.keys(versions).find((name) => versions[name] === supported);
  return {
    status: response.status,
    headers: {
      "content-type": headerOf(response, "content-type"),
      "api-supported-versions": supported === null ? null : (family ?? supported),
      "accept-ranges": headerOf(response, "accept-ranges"),
    },
    body: response.text === "" ? null : sanitised(response.json),
  };
}
