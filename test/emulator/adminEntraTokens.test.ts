/** `POST /_emulator/api/entra/tokens`: test Entra tokens minted at the emulator's time, with the admin API's access rules. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwtPayload } from "../../src/credentials/jwt.js";
import { mintEntraTestToken, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { send, type RawResponse } from "./helpers.js";
import { TENANT, USER, APP, GROUP } from "../helpers/entraIds.js";

const START = Date.parse("2026-03-01T12:00:00.000Z");
const PATH = "/_emulator/api/entra/tokens";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ now: () => START });
});
afterAll(() => emulator.close());

function mint(body: unknown, headers: Record<string, string | undefined> = {}, method = "POST"): Promise<RawResponse> {
  return send(emulator.endpoint, {
    method,
    path: PATH,
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
}

const refused = (message: string) => ({ error: { code: "InvalidEntraTokenRequest", message } });

describe("POST /_emulator/api/entra/tokens", () => {
  it("mints a token at the emulator's time: 200 {token, expiresOn, claims}, the claims mintEntraTestToken writes", async () => {
    const options = {
      tenantId: TENANT,
      objectId: USER,
      clientId: APP,
      groups: [GROUP],
      scopes: ["https://communication.azure.com/clients/Chat"],
      expiresInMinutes: 30,
    };
    const response = await mint(options);
    expect(response.status).toBe(200);
    const { token, expiresOn, claims } = response.json as { token: string; expiresOn: string; claims: Record<string, unknown> };
    expect(expiresOn).toBe("2026-03-01T12:30:00.000Z");
    expect(decodeJwtPayload(token)).toStrictEqual(claims);
    // sub and uti are random per token; the rest is exactly what the mint writes at the emulator's clock.
    const expected = mintEntraTestToken({ ...options, now: START }).claims;
    expect({ ...claims, sub: "-", uti: "-" }).toStrictEqual({ ...expected, sub: "-", uti: "-" });
    expect({ iat: claims["iat"], exp: claims["exp"], scp: claims["scp"] }).toStrictEqual({
      iat: START / 1000,
      exp: START / 1000 + 1800,
      scp: "Chat",
    });
  });

  it("mints v1 tokens with the defaults (clients .default, 60 minutes)", async () => {
    const response = await mint({ tenantId: TENANT, objectId: USER, clientId: APP, version: 1 });
    expect(response.status).toBe(200);
    expect(response.json.expiresOn).toBe("2026-03-01T13:00:00.000Z");
    expect(response.json.claims).toMatchObject({
      appid: APP,
      ver: "1.0",
      iss: `https://sts.windows.net/${TENANT}/`,
      scp: "Chat Chat.Join Chat.Join.Limited VoIP VoIP.Join",
    });
  });

  it.each([
    [{ tenantId: "t", objectId: USER, clientId: APP }, 'tenantId must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got "t".'],
    [{ objectId: USER, clientId: APP }, "tenantId must be a GUID string."],
    [
      { tenantId: TENANT, objectId: USER, clientId: APP, groups: ["g"] },
      'groups[0] must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); got "g".',
    ],
    [
      { tenantId: TENANT, objectId: USER, clientId: APP, expiresInMinutes: 1441 },
      "expiresInMinutes must be a whole number from 1 to 1440; got 1441.",
    ],
    [{ tenantId: TENANT, objectId: USER, clientId: APP, scopes: [] }, "scopes must name at least one scope."],
    [{ tenantId: TENANT, objectId: USER, clientId: APP, version: "2" }, "version must be 1 or 2; got 2."],
    [
      { tenantId: TENANT, objectId: USER, clientId: APP, now: 0 },
      'Unknown field "now"; known: tenantId, objectId, clientId, scopes, groups, expiresInMinutes, version.',
    ],
    ["[1]", 'The body must be a JSON object, e.g. {"tenantId":"<GUID>","objectId":"<GUID>","clientId":"<GUID>"}.'],
    ["{", 'The body must be a JSON object, e.g. {"tenantId":"<GUID>","objectId":"<GUID>","clientId":"<GUID>"}.'],
  ])("answers 400 for %j with the reason", async (body, message) => {
    const response = await mint(body);
    expect({ status: response.status, body: response.json }).toStrictEqual({ status: 400, body: refused(message) });
  });

  it("takes only POST, from the emulator's own address and no other origin, in JSON", async () => {
    const body = { tenantId: TENANT, objectId: USER, clientId: APP };
    const get = await send(emulator.endpoint, { method: "GET", path: PATH });
    expect({ status: get.status, allow: get.headers.allow, body: get.json }).toStrictEqual({
      status: 405,
      allow: "POST",
      body: { error: { code: "MethodNotAllowed", message: "The method GET is not allowed here." } },
    });
    expect((await mint(body, { origin: "https://evil.test" })).status).toBe(403);
    expect((await mint(body, { host: "rebound.test" })).status).toBe(403);
    expect((await mint(body, { "content-type": "text/plain" })).status).toBe(415);
    expect((await mint(body, { origin: emulator.endpoint })).status).toBe(200);
  });

  it("is not there without the dashboard", async () => {
    const bare = await startEmulator({ dashboard: false });
    try {
      const response = await send(bare.endpoint, {
        method: "POST",
        path: PATH,
        body: JSON.stringify({ tenantId: TENANT, objectId: USER, clientId: APP }),
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
