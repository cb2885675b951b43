import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AutoRefreshingTokenCredential } from "../../src/credentials/autoRefreshingTokenCredential.js";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { inspectToken } from "../../src/credentials/inspectToken.js";
import { jwt, seconds } from "../helpers/jwt.js";

let emulator: Emulator;
let client: CommunicationIdentityClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = new CommunicationIdentityClient(emulator.connectionString, {
    apiVersion: "2025-03-02-preview",
    retryOptions: { retryDelayInMs: 1 },
  });
});
afterAll(async () => {
  await emulator.close();
});

describe("custom ids against the emulator (2025-03-02-preview)", () => {
  it("returns the same user for the same customId", async () => {
    const first = await client.createUser({ customId: "integration-alice" });
    const second = await client.createUser({ customId: "integration-alice" });
    expect(second).toEqual(first);
    expect(emulator.identity(first.communicationUserId)?.customId).toBe("integration-alice");
  });

  it("returns one user to concurrent creates with the same customId", async () => {
    const users = await Promise.all([
      client.createUser({ customId: "integration-bob" }),
      client.createUser({ customId: "integration-bob" }),
      client.createUserAndToken(["chat"], { customId: "integration-bob" }),
    ]);
    expect(users[1]).toEqual(users[0]);
    expect(users[2].user).toEqual(users[0]);
    expect(emulator.identities().filter((identity) => identity.customId === "integration-bob")).toHaveLength(1);
  });

  it("gives different customIds different users", async () => {
    const [a, b] = await Promise.all([
      client.createUser({ customId: "integration-c1" }),
      client.createUser({ customId: "integration-c2" }),
    ]);
    expect(a.communicationUserId).not.toBe(b.communicationUserId);
  });

  it("getUser reports the customId, and lastTokenIssuedAt once a token was issued", async () => {
    const user = await client.createUser({ customId: "integration-dana" });
    expect(await client.getUser(user)).toEqual({ user, customId: "integration-dana" });
    const before = Date.now();
    await client.issueToken(user, ["chat"]);
    const details = await client.getUser(user.communicationUserId);
    expect(details.user).toEqual(user);
    expect(details.customId).toBe("integration-dana");
    expect(details.lastTokenIssuedAt).toBeInstanceOf(Date);
    expect(details.lastTokenIssuedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(details.lastTokenIssuedAt!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("getUser of a user without a customId reports only the user", async () => {
    const user = await client.createUser();
    expect(await client.getUser(user)).toEqual({ user });
  });

  it("refuses customId on the default version without reaching the emulator", async () => {
    const stable = new CommunicationIdentityClient(emulator.connectionString);
    const count = emulator.identities().length;
    await expect(stable.createUser({ customId: "integration-erin" })).rejects.toThrow(RangeError);
    await expect(stable.getUser("8:acs:x")).rejects.toThrow(RangeError);
    expect(emulator.identities()).toHaveLength(count);
  });
});

describe("token helpers against the emulator", () => {
  it("inspectToken reads what the emulator issued", async () => {
    const { user, token, expiresOn } = await client.createUserAndToken(["chat", "voip"], { tokenExpiresInMinutes: 60 });
    expect(inspectToken(token)).toEqual({
      decodable: true,
      expiresOn: new Date(seconds(expiresOn) * 1000),
      scopes: ["chat", "voip"],
      communicationUserId: user.communicationUserId,
      resourceId: emulator.resourceId,
    });
  });

  it("AutoRefreshingTokenCredential gets its tokens from issueToken", async () => {
    const user = await client.createUser();
    let refreshes = 0;
    const credential = new AutoRefreshingTokenCredential({
      tokenRefresher: async () => {
        refreshes += 1;
        return client.issueToken(user, ["chat"], { tokenExpiresInMinutes: 60 });
      },
    });
    const [a, b] = await Promise.all([credential.getToken(), credential.getToken()]);
    expect(a).toBe(b);
    expect(refreshes).toBe(1);
    expect(inspectToken(a.token).communicationUserId).toBe(user.communicationUserId);
    credential.dispose();
  });

  it("the Teams pre-check passes a matching token on to the emulator", async () => {
    const oid = "aaaaaaaa-0000-0000-0000-000000000001";
    const appid = "bbbbbbbb-0000-0000-0000-000000000002";
    const teamsUserAadToken = jwt({ oid, appid, tid: "cccccccc-0000-0000-0000-000000000003", exp: seconds(Date.now() + 3600_000) });
    const { token } = await client.getTokenForTeamsUser({ teamsUserAadToken, userObjectId: oid, clientId: appid });
    expect(inspectToken(token).decodable).toBe(true);
  });
});
