import { describe, expect, it } from "vitest";
import { decodeJwtPayload } from "../../src/credentials/jwt.js";
import { EntraTestCredential } from "../../src/emulator/index.js";

const TENANT = "c70d068c-2f32-484d-9455-73070cd5aadd";
const USER = "b27b64b9-39d2-44a3-869d-67700b74e805";
const APP = "617d08b5-f35b-4270-87d6-56833d2dee1b";
const GROUP = "fd63f3cb-3731-4d15-8e47-9d062aba58c5";
const NOW = Date.UTC(2026, 11, 2, 9, 0, 0);

describe("EntraTestCredential", () => {
  const credential = new EntraTestCredential({ tenantId: TENANT, objectId: USER, clientId: APP, groups: [GROUP], now: () => NOW });

  it("mints for exactly the scopes it is asked for, one or several", async () => {
    const one = await credential.getToken("https://communication.azure.com/clients/.default");
    expect({ ...one, token: "-" }).toStrictEqual({ token: "-", expiresOnTimestamp: NOW + 3_600_000, tokenType: "Bearer" });
    expect(decodeJwtPayload(one.token)).toMatchObject({
      aud: "https://communication.azure.com/clients",
      scp: "Chat Chat.Join Chat.Join.Limited VoIP VoIP.Join",
      tid: TENANT,
      oid: USER,
      azp: APP,
      groups: [GROUP],
      iat: NOW / 1000,
      exp: NOW / 1000 + 3600,
    });
    const several = await credential.getToken([
      "https://communication.azure.com/clients/VoIP",
      "https://communication.azure.com/clients/Chat",
    ]);
    expect(decodeJwtPayload(several.token)).toMatchObject({ aud: "https://communication.azure.com/clients", scp: "VoIP Chat" });
    const teams = await credential.getToken(["https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"]);
    expect(decodeJwtPayload(teams.token)).toMatchObject({
      aud: "https://auth.msft.communication.azure.com",
      scp: "TeamsExtension.ManageCalls",
    });
  });

  it("writes v1 tokens and other lifetimes when told, and reads the clock at each call", async () => {
    let clock = NOW;
    const v1 = new EntraTestCredential({
      tenantId: TENANT,
      objectId: USER,
      clientId: APP,
      version: 1,
      expiresInMinutes: 5,
      now: () => clock,
    });
    clock += 60_000;
    const token = await v1.getToken("https://auth.msft.communication.azure.com/.default");
    expect(token.expiresOnTimestamp).toBe(NOW + 60_000 + 300_000);
    const claims = decodeJwtPayload(token.token)!;
    expect({ appid: claims["appid"], ver: claims["ver"], azp: claims["azp"] }).toStrictEqual({ appid: APP, ver: "1.0", azp: undefined });
  });

  it("refuses bad ids at construction and bad scopes at getToken, with the mint's messages", async () => {
    expect(() => new EntraTestCredential({ tenantId: "tenant", objectId: USER, clientId: APP })).toThrow(
      new RangeError('tenantId must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got "tenant".'),
    );
    expect(() => new EntraTestCredential({ tenantId: TENANT, objectId: USER, clientId: APP, expiresInMinutes: 0 })).toThrow(
      new RangeError("expiresInMinutes must be a whole number from 1 to 1440; got 0."),
    );
    await expect(credential.getToken(["https://graph.microsoft.com/.default"])).rejects.toThrow(
      new RangeError(
        'scopes must all be Teams Phone extensibility scopes or all Entra ID user scopes; got ["https://graph.microsoft.com/.default"].',
      ),
    );
  });

  it("rejects with an AbortError when the signal has fired", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      credential.getToken("https://communication.azure.com/clients/.default", { abortSignal: controller.signal }),
    ).rejects.toMatchObject({
      name: "AbortError",
      message: "The operation was aborted.",
    });
  });
});
