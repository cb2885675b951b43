/**
 * The client's scenarios from a page in real Chromium against the emulator that globalSetup.ts
 * starts in Node.js: every request crosses origins over loopback with fetch, so CORS, the signing
 * headers and the browser's own `Host` are all exercised for real.
 */
import { createDefaultHttpClient, isRestError, type HttpClient, type RestError } from "@azure/core-rest-pipeline";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { commands } from "vitest/browser";
import { CommunicationIdentityClient, type ServiceErrorDetails } from "../../src/index.js";

const MINUTE = 60_000;
/** What the service (recorded) and so the emulator say about an id the resource does not own. */
const UNKNOWN_IDENTITY = "Provided identity doesn't belong to the resource.";
/** A Teams application and user: Entra ids are GUIDs, and the service refuses anything else. */
const APP_ID = "aaaaaaaa-0000-4000-8000-000000000001";
const OBJECT_ID = "bbbbbbbb-0000-4000-8000-000000000002";
const resourceId = inject("resourceId");
const USER_ID = new RegExp(`^8:acs:${resourceId}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);

/** The headers of every request the page sent, as the pipeline handed them to fetch. */
const sent: Array<Record<string, string>> = [];
const recording: HttpClient = {
  sendRequest(request) {
    sent.push(request.headers.toJSON());
    return fetchClient.sendRequest(request);
  },
};
const fetchClient = createDefaultHttpClient();

let client: CommunicationIdentityClient;

async function failure(promise: Promise<unknown>): Promise<RestError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isRestError(error)) throw new Error(`expected a RestError, got ${String(error)}`);
  return error;
}

/** An unsigned Entra ID token for a Teams user: the emulator reads `appid`, `oid` and `exp` only. */
function teamsUserToken(claims: { appid: string; oid: string; exp: number }): string {
  const part = (value: unknown) => btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return `${part({ typ: "JWT", alg: "RS256" })}.${part(claims)}.${part("signature")}`;
}

beforeAll(() => {
  client = new CommunicationIdentityClient(inject("connectionString"), { httpClient: recording, retryOptions: { maxRetries: 0 } });
});
afterEach(async () => {
  await commands.clearFaults();
});

describe("CommunicationIdentityClient in Chromium against the emulator", () => {
  it("creates a user", async () => {
    const user = await client.createUser();
    expect(Object.keys(user)).toEqual(["communicationUserId"]);
    expect(user.communicationUserId).toMatch(USER_ID);
  });

  it("issues a token that expires after the 60 minutes asked for", async () => {
    const user = await client.createUser();
    const { token, expiresOn, user: owner } = await client.issueToken(user, ["chat", "voip"], { tokenExpiresInMinutes: 60 });
    expect(owner).toEqual(user);
    expect(token.split(".")).toHaveLength(3);
    expect(expiresOn).toBeInstanceOf(Date);
    expect(Math.abs(expiresOn.getTime() - (Date.now() + 60 * MINUTE))).toBeLessThan(1000);
  });

  it("creates a user and a token in one call, for 24 hours by default", async () => {
    const { user, token, expiresOn } = await client.createUserAndToken(["chat"]);
    expect(user.communicationUserId).toMatch(USER_ID);
    expect(token.split(".")).toHaveLength(3);
    expect(Math.abs(expiresOn.getTime() - (Date.now() + 1440 * MINUTE))).toBeLessThan(1000);
  });

  it("revokes a user's tokens", async () => {
    const user = await client.createUser();
    await client.issueToken(user, ["chat"]);
    await expect(client.revokeTokens(user)).resolves.toBeUndefined();
  });

  it("deletes a user, after which issuing a token for it fails with 401", async () => {
    const user = await client.createUser();
    await expect(client.deleteUser(user)).resolves.toBeUndefined();
    const error = await failure(client.issueToken(user, ["chat"]));
    expect(error.name).toBe("RestError");
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("IdentityNotOwned");
  });

  it("exchanges a Teams user's Entra ID token for a token that expires with it", async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const teamsUserAadToken = teamsUserToken({ appid: APP_ID, oid: OBJECT_ID, exp });
    const { token, expiresOn } = await client.getTokenForTeamsUser({ teamsUserAadToken, clientId: APP_ID, userObjectId: OBJECT_ID });
    expect(token.split(".")).toHaveLength(3);
    expect(expiresOn.getTime()).toBe(exp * 1000);
  });

  it("turns a service error into a RestError with the service's code, message and correlation id", async () => {
    const error = await failure(client.issueToken(`8:acs:${resourceId}_00000000-0000-0000-0000-000000000000`, ["chat"]));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("IdentityNotOwned");
    const { error: body, correlationVector } = error.details as ServiceErrorDetails;
    expect(body).toStrictEqual({ code: "IdentityNotOwned", message: UNKNOWN_IDENTITY });
    expect(error.message.startsWith(`${UNKNOWN_IDENTITY} Check the user id`)).toBe(true);
    expect(correlationVector).toMatch(/^\S+$/);
    expect(correlationVector).toBe(error.response?.headers.get("ms-cv"));
  });

  it("rejects with an AbortError when aborted while the request is in flight", async () => {
    await commands.addFault({ operation: "createUser", latencyMs: 5000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    const error: unknown = await client.createUser({ abortSignal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("never sets Host: the browser sends its own, and the emulator verified the signature over it", () => {
    expect(sent.length).toBeGreaterThanOrEqual(10);
    for (const headers of sent) {
      expect(Object.keys(headers)).not.toContain("host");
      expect(headers["authorization"]).toMatch(
        /^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=[A-Za-z0-9+/]{43}=$/,
      );
    }
  });
});
