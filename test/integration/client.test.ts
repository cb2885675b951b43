import { verify } from "node:crypto";
import { Agent } from "node:http";
import { AzureKeyCredential, type TokenCredential } from "@azure/core-auth";
import { isRestError, type RestError } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";

let emulator: Emulator;
let client: CommunicationIdentityClient;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const entraToken = (claims: Record<string, unknown>) => `${base64url({ typ: "JWT", alg: "RS256" })}.${base64url(claims)}.c2ln`;
const hour = () => Math.floor(Date.now() / 1000) + 3600;
/** A Teams application and user: Entra ids are GUIDs, and the service refuses anything else. */
const APP_ID = "aaaaaaaa-0000-4000-8000-000000000001";
const OBJECT_ID = "bbbbbbbb-0000-4000-8000-000000000002";

async function failure(promise: Promise<unknown>): Promise<RestError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isRestError(error)) throw new Error(`expected a RestError, got ${String(error)}`);
  return error;
}

function claimsOf(token: string): Record<string, unknown> {
  const [header, payload, signature] = token.split(".");
  const valid = verify("sha256", Buffer.from(`${header}.${payload}`), emulator.tokenPublicKey, Buffer.from(signature!, "base64url"));
  expect(valid).toBe(true);
  return JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>;
}

beforeAll(async () => {
  emulator = await startEmulator();
  client = new CommunicationIdentityClient(emulator.connectionString, { retryOptions: { retryDelayInMs: 1 } });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.faults.clear());

describe("every operation against the emulator", () => {
  it("creates a user that the service stores", async () => {
    const user = await client.createUser();
    expect(user.communicationUserId).toMatch(new RegExp(`^8:acs:${emulator.resourceId}_[0-9a-f-]{36}$`));
    expect(emulator.identity(user.communicationUserId)?.id).toBe(user.communicationUserId);
  });

  it("issues a verifiable token whose expiry follows tokenExpiresInMinutes", async () => {
    const user = await client.createUser();
    const before = Date.now();
    const { token, expiresOn, user: owner } = await client.issueToken(user, ["chat", "voip"], { tokenExpiresInMinutes: 60 });
    expect(owner).toEqual(user);
    expect(Math.abs(expiresOn.getTime() - (before + 60 * 60_000))).toBeLessThan(2000);
    const claims = claimsOf(token);
    expect(claims["skypeid"]).toBe(user.communicationUserId.slice(2));
    expect(claims["acsScope"]).toBe("chat,voip");
    expect(claims["scp"]).toBe(1792);
    expect(claims["exp"]).toBe(Math.floor(expiresOn.getTime() / 1000));
  });

  it("defaults the token lifetime to 24 hours", async () => {
    const before = Date.now();
    const { expiresOn } = await client.createUserAndToken(["chat"]);
    expect(Math.abs(expiresOn.getTime() - (before + 1440 * 60_000))).toBeLessThan(2000);
  });

  it("creates a user and token together", async () => {
    const { user, token } = await client.createUserAndToken(["voip.join"], { tokenExpiresInMinutes: 120 });
    expect(claimsOf(token)["skypeid"]).toBe(user.communicationUserId.slice(2));
    expect(emulator.identities().some((record) => record.id === user.communicationUserId)).toBe(true);
  });

  it("revokes tokens and records when", async () => {
    const user = await client.createUser();
    await client.revokeTokens(user);
    expect(emulator.identity(user.communicationUserId)?.revokedAt).toBeTypeOf("number");
    expect((await client.issueToken(user, ["chat"])).token).toContain(".");
  });

  it("deletes a user; later calls for it get 401", async () => {
    const user = await client.createUser();
    await client.deleteUser(user);
    expect(emulator.identity(user.communicationUserId)).toBeUndefined();
    const error = await failure(client.issueToken(user, ["chat"]));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("IdentityNotOwned");
    await expect(client.deleteUser(user)).rejects.toMatchObject({ statusCode: 401, code: "IdentityNotOwned" });
    await expect(client.revokeTokens(user)).rejects.toMatchObject({ statusCode: 401, code: "IdentityNotOwned" });
  });

  it("exchanges a Teams user's Entra token", async () => {
    const teamsUserAadToken = entraToken({ appid: APP_ID, oid: OBJECT_ID, exp: hour() });
    const { token, expiresOn } = await client.getTokenForTeamsUser({ teamsUserAadToken, clientId: APP_ID, userObjectId: OBJECT_ID });
    expect(token.split(".")).toHaveLength(3);
    expect(expiresOn.getTime()).toBeGreaterThan(Date.now());
  });

  it("authenticates with a TokenCredential when the emulator allows bearer tokens", async () => {
    const bearer = await startEmulator({ allowBearer: true });
    try {
      const credential: TokenCredential = { getToken: async () => ({ token: "any", expiresOnTimestamp: Date.now() + 3_600_000 }) };
      const user = await new CommunicationIdentityClient(bearer.endpoint, credential).createUser();
      expect(bearer.identity(user.communicationUserId)).toBeDefined();
    } finally {
      await bearer.close();
    }
  });
});

describe("error paths against the emulator", () => {
  it("a wrong key gets 401 Denied", async () => {
    const wrong = new CommunicationIdentityClient(emulator.endpoint, new AzureKeyCredential(Buffer.alloc(64, 7).toString("base64")));
    const error = await failure(wrong.createUser());
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("Denied");
    expect(error.message.startsWith("Denied by the resource provider.")).toBe(true);
  });

  it("an unknown user gets the service's 401 IdentityNotOwned, with a hint about the user id, not the key", async () => {
    const error = await failure(client.issueToken(`8:acs:${emulator.resourceId}_00000000-0000-0000-0000-000000000000`, ["chat"]));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("IdentityNotOwned");
    expect(error.message).toBe(
      "Provided identity doesn't belong to the resource. Check the user id: the user was deleted, or belongs to another resource than this endpoint's.",
    );
  });

  it("an unknown api-version gets 400 naming the supported ones", async () => {
    const old = new CommunicationIdentityClient(emulator.connectionString, { apiVersion: "2020-01-01" });
    const error = await failure(old.createUser());
    expect(error.statusCode).toBe(400);
    expect(error.response?.headers.get("api-supported-versions")).toContain("2023-10-01");
  });

  it("a Teams token that is garbage gets 401 from the service; expired or foreign JWTs are refused before sending", async () => {
    const expired = entraToken({ appid: APP_ID, oid: OBJECT_ID, exp: Math.floor(Date.now() / 1000) - 600 });
    const other = entraToken({ appid: "cccccccc-0000-4000-8000-000000000003", oid: OBJECT_ID, exp: hour() });
    const ids = { clientId: APP_ID, userObjectId: OBJECT_ID };
    const garbage = await failure(client.getTokenForTeamsUser({ teamsUserAadToken: "garbage", ...ids }));
    expect(garbage.statusCode).toBe(401);
    expect(garbage.message).toContain("Check that teamsUserAadToken is a current Microsoft Entra access token of the Teams user");
    await expect(client.getTokenForTeamsUser({ teamsUserAadToken: expired, ...ids })).rejects.toThrow(RangeError);
    await expect(client.getTokenForTeamsUser({ teamsUserAadToken: other, ...ids })).rejects.toThrow(RangeError);
  });

  it("every response carries ms-cv, surfaced in the error details", async () => {
    const error = await failure(client.revokeTokens(`8:acs:${emulator.resourceId}_00000000-0000-0000-0000-000000000000`));
    expect((error.details as { correlationVector?: string }).correlationVector).toMatch(/.+/);
  });
});

describe("faults", () => {
  it("every operation succeeds through 429 then 503 on its first two attempts", async () => {
    const user = await client.createUser();
    const teamsUserAadToken = entraToken({ appid: APP_ID, oid: OBJECT_ID, exp: hour() });
    const operations: Array<[string, () => Promise<unknown>]> = [
      ["createUser", () => client.createUser()],
      ["issueToken", () => client.issueToken(user, ["chat"])],
      ["createUser", () => client.createUserAndToken(["chat"])],
      ["exchangeTeamsToken", () => client.getTokenForTeamsUser({ teamsUserAadToken, clientId: APP_ID, userObjectId: OBJECT_ID })],
      ["revokeTokens", () => client.revokeTokens(user)],
      ["deleteUser", () => client.deleteUser(user)],
    ];
    for (const [operation, call] of operations) {
      emulator.faults.add({ status: 429, retryAfterSeconds: 0, count: 1, operation: operation as "createUser" });
      emulator.faults.add({ status: 503, retryAfterMs: 1, count: 1, operation: operation as "createUser" });
      await expect(call()).resolves.not.toBeInstanceOf(Error);
      expect(emulator.faults.remaining()).toBe(0);
    }
  });

  it("a create whose connection drops after the service stored it yields neither a second identity nor a lost one", async () => {
    const fresh = new CommunicationIdentityClient(emulator.connectionString, { retryOptions: { retryDelayInMs: 1 } });
    await fresh.createUser(); // teaches the client that this service honours Repeatability-Request-ID
    const before = emulator.identities().length;
    emulator.faults.add({ drop: "after", operation: "createUser", count: 1 });
    const user = await fresh.createUser();
    expect(emulator.identities().length).toBe(before + 1);
    expect(emulator.identity(user.communicationUserId)).toBeDefined();
  });

  it("a delete whose reply was lost is retried and reported done, though the retry finds the user gone", async () => {
    const user = await client.createUser();
    emulator.faults.add({ drop: "after", operation: "deleteUser", count: 1 });
    await expect(client.deleteUser(user)).resolves.toBeUndefined();
    expect(emulator.identity(user.communicationUserId)).toBeUndefined();
    expect(emulator.faults.remaining()).toBe(0);
  });

  it("a lost-reply delete from a client whose key was never accepted reports the 401, not success", async () => {
    const user = await client.createUser();
    const wrongKey = new CommunicationIdentityClient(emulator.endpoint, new AzureKeyCredential(Buffer.alloc(64, 5).toString("base64")), {
      retryOptions: { retryDelayInMs: 1 },
    });
    emulator.faults.add({ drop: "after", operation: "deleteUser", count: 1 });
    await expect(wrongKey.deleteUser(user)).rejects.toMatchObject({ statusCode: 401, code: "Denied" });
    expect(emulator.identity(user.communicationUserId)).toBeDefined();
  });

  it("a lost-reply delete whose retry gets 401 Denied (not the service's IdentityNotOwned) reports the 401, not success", async () => {
    const user = await client.createUser();
    emulator.faults.add({ drop: "after", operation: "deleteUser", count: 1 });
    const denied = { error: { code: "Denied", message: "Denied by the resource provider." } };
    emulator.faults.add({ status: 401, body: denied, operation: "deleteUser", count: 1 });
    await expect(client.deleteUser(user)).rejects.toMatchObject({ statusCode: 401, code: "Denied" });
    expect(emulator.faults.remaining()).toBe(0);
  });

  it("a delete of an unknown user still fails with 401 IdentityNotOwned when nothing was lost", async () => {
    await expect(client.deleteUser(`8:acs:${emulator.resourceId}_00000000-0000-0000-0000-000000000000`)).rejects.toMatchObject({
      statusCode: 401,
      code: "IdentityNotOwned",
    });
  });

  it("a revoke whose reply was lost is simply repeated", async () => {
    const user = await client.createUser();
    emulator.faults.add({ drop: "after", operation: "revokeTokens", count: 1 });
    await expect(client.revokeTokens(user)).resolves.toBeUndefined();
    expect(emulator.faults.remaining()).toBe(0);
  });

  it("a client that has not seen repeatability honoured does not retry an outcome-unknown create", async () => {
    // A connection of its own: a drop on a reused one would pass for a stale keep-alive connection, which is sent again.
    const fresh = new CommunicationIdentityClient(emulator.connectionString, { retryOptions: { retryDelayInMs: 1 }, agent: new Agent() });
    const before = emulator.identities().length;
    emulator.faults.add({ drop: "after", operation: "createUser", count: 1 });
    const error = await failure(fresh.createUser());
    expect(error.message).toContain("so the identity may or may not exist");
    expect(emulator.identities().length).toBe(before + 1);
  });
});
