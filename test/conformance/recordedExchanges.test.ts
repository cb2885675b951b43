/**
 * Replays every exchange recorded against the real Communication Identity service (see
 * recorded-exchanges.json and README.md in this folder) against a started emulator, signed with
 * its key, and compares what a client can see: the status, the error's code, message and target,
 * the body's field names (in order) and value formats, and the headers clients read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { signedSend, teamsJwt } from "../emulator/helpers.js";
import { headerOf, playScenario, RECORDED, responseOf, type Inputs, type Observed } from "./exchanges.js";

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

function inputs(): Inputs {
  const now = Math.floor(Date.now() / 1000);
  return {
    "<appId>": APP_ID,
    "<userId>": USER_ID,
    "<entraToken>": teamsJwt({ appid: APP_ID, oid: USER_ID, exp: now + ENTRA_TOKEN_MINUTES * 60 }),
    "<expiredEntraToken>": teamsJwt({ appid: APP_ID, oid: USER_ID, exp: now - 600 }),
  };
}

/** The token lifetime an answer must show, in minutes, or `undefined` when it has no token. */
function lifetimeOf({ entry }: Observed): number | undefined {
  if (entry.response.status >= 300 || entry.operation === "revokeTokens" || entry.operation === "deleteUser") return undefined;
  if (entry.operation === "exchangeTeamsToken") return ENTRA_TOKEN_MINUTES;
  const body = entry.request.body as Record<string, unknown> | null;
  const asksToken = entry.operation === "issueToken" || Array.isArray(body?.["createTokenWithScopes"]);
  return asksToken ? (entry.expiresInMinutes ?? DEFAULT_TOKEN_MINUTES) : undefined;
}

describe("the emulator against the real service's recorded exchanges", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it.each(RECORDED.scenarios.map((scenario) => [scenario.name, scenario] as const))("%s", async (_name, scenario) => {
    for (const observed of await playScenario(scenario, (request) => signedSend(emulator, request), inputs())) {
      const { entry, response } = observed;
      const where = `${scenario.file} entry ${entry.entry}`;
      const seen = responseOf(observed, RECORDED.apiSupportedVersions);
      // Compared as JSON text, so that the order of the fields counts too.
      expect({ where, response: JSON.stringify(seen, null, 1) }).toStrictEqual({
        where,
        response: JSON.stringify(entry.response, null, 1),
      });
      expect({ where, echo: headerOf(response, "x-ms-client-request-id"), cv: /\S/.test(headerOf(response, "ms-cv") ?? "") }).toStrictEqual(
        {
          where,
          echo: observed.clientRequestId,
          cv: true,
        },
      );
      const minutes = lifetimeOf(observed);
      if (minutes !== undefined) {
        const lifetime = Date.parse((response.json.accessToken ?? response.json).expiresOn as string) - observed.sentAt;
        expect({ where, minutes: Math.round(lifetime / 60_000) }).toStrictEqual({ where, minutes });
      }
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
