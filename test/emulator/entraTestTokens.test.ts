import { describe, expect, it } from "vitest";
import { decodeJwtPayload } from "../../src/credentials/jwt.js";
import { mintEntraTestToken } from "../../src/emulator/entra/entraTestTokens.js";
import { TENANT, USER, APP, GROUP, NOW } from "../helpers/entraIds.js";

describe("mintEntraTestToken", () => {
  it("writes a v2 token for Entra ID user scopes: aud the clients resource, scp the permissions, azp the app", () => {
    const minted = mintEntraTestToken({
      tenantId: TENANT,
      objectId: USER,
      clientId: APP,
      groups: [GROUP],
      now: NOW,
      scopes: ["https://communication.azure.com/clients/VoIP", "https://communication.azure.com/clients/Chat"],
    });
    const claims = decodeJwtPayload(minted.token)!;
    expect(claims).toStrictEqual(minted.claims);
    expect({ ...claims, sub: "-", uti: "-" }).toStrictEqual({
      aud: "https://communication.azure.com/clients",
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      iat: NOW / 1000,
      nbf: NOW / 1000,
      exp: NOW / 1000 + 3600,
      azp: APP,
      groups: [GROUP],
      oid: USER,
      scp: "VoIP Chat",
      sub: "-",
      tid: TENANT,
      uti: "-",
      ver: "2.0",
    });
    expect(minted.expiresOn).toStrictEqual(new Date(NOW + 3_600_000));
  });

  it("writes a v1 token for the Teams extension family, .default granting its permission", () => {
    const { claims } = mintEntraTestToken({
      tenantId: TENANT,
      objectId: USER,
      clientId: APP,
      version: 1,
      expiresInMinutes: 5,
      now: NOW,
      scopes: ["https://auth.msft.communication.azure.com/.default"],
    });
    expect(claims).toMatchObject({
      aud: "https://auth.msft.communication.azure.com",
      appid: APP,
      scp: "TeamsExtension.ManageCalls",
      iss: `https://sts.windows.net/${TENANT}/`,
      ver: "1.0",
      exp: NOW / 1000 + 300,
    });
    expect(claims).not.toHaveProperty("azp");
    expect(claims).not.toHaveProperty("groups");
  });

  it("defaults to the Entra clients .default scope: every clients permission", () => {
    const { claims } = mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP, now: NOW });
    expect(claims["scp"]).toBe("Chat Chat.Join Chat.Join.Limited VoIP VoIP.Join");
  });

  it("signs RS256 with a kid, so strict JWT parsers take it", () => {
    const { token } = mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP });
    const header: unknown = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
    expect(header).toStrictEqual({ alg: "RS256", typ: "JWT", kid: "acs-identity-emulator-entra-test" });
  });

  it.each([
    [{ tenantId: "tenant" }, new RangeError('tenantId must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got "tenant".')],
    [{ objectId: 7 }, new TypeError("objectId must be a GUID string.")],
    [{ groups: ["g"] }, new RangeError('groups[0] must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got "g".')],
    [{ expiresInMinutes: 0 }, new RangeError("expiresInMinutes must be a whole number from 1 to 1440; got 0.")],
    [{ version: 3 }, new RangeError("version must be 1 or 2; got 3.")],
    [{ scopes: [] }, new RangeError("scopes must name at least one scope.")],
    [
      { scopes: ["https://communication.azure.com/clients/VoIP", "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"] },
      new RangeError(
        'scopes must all be Teams Phone extensibility scopes or all Entra ID user scopes; got ["https://communication.azure.com/clients/VoIP","https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"].',
      ),
    ],
    [
      { scopes: ["https://auth.msft.communication.azure.com/A", "https://auth.msft.communication.azure.us/A"] },
      new RangeError(
        'scopes must be of one resource, as an Entra token is; got ["https://auth.msft.communication.azure.com/A","https://auth.msft.communication.azure.us/A"].',
      ),
    ],
  ])("refuses %j", (bad, error) => {
    expect(() => mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP, ...(bad as object) })).toThrow(error);
  });
});
