// The official @azure/communication-identity client against the emulator: if the emulator did not
// speak the real protocol (signing, paths, bodies, status codes), these calls would fail.
import { CommunicationIdentityClient, type CommunicationIdentityClientOptions } from "@azure/communication-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { decodeJwt, teamsJwt } from "./helpers.js";

// The emulator is plain HTTP on loopback; the pipeline refuses http unless told otherwise.
const OPTIONS = { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } } as CommunicationIdentityClientOptions;

describe("the official client against the emulator", () => {
  let emulator: Emulator;
  let client: CommunicationIdentityClient;
  beforeAll(async () => {
    emulator = await startEmulator();
    client = new CommunicationIdentityClient(emulator.connectionString, OPTIONS);
  });
  afterAll(() => emulator.close());

  it("createUser", async () => {
    const user = await client.createUser();
    expect(user.communicationUserId).toMatch(new RegExp(`^8:acs:${emulator.resourceId}_`));
    expect(emulator.identity(user.communicationUserId)).toBeDefined();
  });

  it("getToken", async () => {
    const user = await client.createUser();
    const token = await client.getToken(user, ["chat", "voip"], { tokenExpiresInMinutes: 60 });
    expect(decodeJwt(token.token).payload.acsScope).toBe("chat,voip");
    expect(Math.round((token.expiresOn.getTime() - Date.now()) / 60_000)).toBe(60);
  });

  it("createUserAndToken", async () => {
    const result = await client.createUserAndToken(["chat"]);
    expect(decodeJwt(result.token).payload.skypeid).toBe(result.user.communicationUserId.slice(2));
  });

  it("revokeTokens", async () => {
    const user = await client.createUser();
    await client.revokeTokens(user);
    expect(emulator.identity(user.communicationUserId)?.revokedAt).toBeTypeOf("number");
  });

  it("deleteUser, after which getToken is refused with 401", async () => {
    const user = await client.createUser();
    await client.deleteUser(user);
    expect(emulator.identity(user.communicationUserId)).toBeUndefined();
    await expect(client.getToken(user, ["chat"])).rejects.toMatchObject({ statusCode: 401 });
  });

  it("getTokenForTeamsUser", async () => {
    // Entra ids are GUIDs: the service refuses other values as malformed.
    const [APP_ID, USER_ID] = ["aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"];
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = await client.getTokenForTeamsUser({
      teamsUserAadToken: teamsJwt({ appid: APP_ID, oid: USER_ID, exp }),
      clientId: APP_ID,
      userObjectId: USER_ID,
    });
    expect(token.expiresOn.getTime()).toBe(exp * 1000);
  });

  it("gets 401 with a wrong key", async () => {
    const wrong = new CommunicationIdentityClient(
      `endpoint=${emulator.endpoint}/;accesskey=${Buffer.alloc(64, 9).toString("base64")}`,
      OPTIONS,
    );
    await expect(wrong.createUser()).rejects.toMatchObject({ statusCode: 401, code: "Denied" });
  });
});
