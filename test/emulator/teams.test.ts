import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { checkTeamsExchange } from "../../src/emulator/teams.js";
import { API, decodeJwt, signedSend, teamsJwt } from "./helpers.js";

const APP = "aaaaaaaa-0000-0000-0000-000000000001";
const USER = "bbbbbbbb-0000-0000-0000-000000000002";
const NOW = Date.UTC(2024, 0, 1);
const EXP = NOW / 1000 + 3600;

describe("checkTeamsExchange", () => {
  it("accepts a JWT for the same app and user that is not expired", () => {
    expect(checkTeamsExchange({ token: teamsJwt({ appid: APP, oid: USER, exp: EXP }), appId: APP, userId: USER }, NOW)).toEqual({
      userId: USER,
      expiresAt: EXP * 1000,
    });
  });

  it("compares the app and user GUIDs without regard to case", () => {
    const token = teamsJwt({ appid: APP, oid: USER, exp: EXP });
    expect(checkTeamsExchange({ token, appId: APP.toUpperCase(), userId: USER.toUpperCase() }, NOW)).toEqual({
      userId: USER,
      expiresAt: EXP * 1000,
    });
  });

  it.each([
    ["empty", ""],
    ["garbage", "not a jwt"],
    ["two parts", "abc.def"],
    ["a payload that is not JSON", `a.${Buffer.from("nope").toString("base64url")}.c`],
    ["expired", teamsJwt({ appid: APP, oid: USER, exp: NOW / 1000 })],
    ["without exp", teamsJwt({ appid: APP, oid: USER })],
  ])("refuses a token that is %s with 401", (_kind, token) => {
    expect(() => checkTeamsExchange({ token, appId: APP, userId: USER }, NOW)).toThrow(
      expect.objectContaining({ status: 401, code: "InvalidAccessToken" }),
    );
  });

  it.each([
    ["appId", { appId: "other", userId: USER }, "The appId does not match the Entra ID token's appid claim."],
    ["userId", { appId: APP, userId: "other" }, "The userId does not match the Entra ID token's oid claim."],
    ["missing appId", { userId: USER }, "The appId field is required."],
    ["missing userId", { appId: APP }, "The userId field is required."],
  ])("refuses a mismatched or missing %s with 400", (_kind, fields, message) => {
    expect(() => checkTeamsExchange({ token: teamsJwt({ appid: APP, oid: USER, exp: EXP }), ...fields }, NOW)).toThrow(
      expect.objectContaining({ status: 400, message }),
    );
  });
});

describe("POST /teamsUser/:exchangeAccessToken", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());
  const exchange = (body: unknown) =>
    signedSend(emulator, { method: "POST", path: `/teamsUser/:exchangeAccessToken?api-version=${API}`, body });

  it("exchanges a valid Entra token for an ACS token of 8:orgid:<oid> expiring with it", async () => {
    const exp = Math.floor(Date.now() / 1000) + 1800;
    const response = await exchange({ token: teamsJwt({ appid: APP, oid: USER, exp }), appId: APP, userId: USER });
    expect(response.status).toBe(200);
    expect(response.json.expiresOn).toBe(new Date(exp * 1000).toISOString().replace("Z", "0000+00:00"));
    expect(decodeJwt(response.json.token).payload).toMatchObject({ skypeid: `orgid:${USER}`, exp, acsScope: "voip,chat" });
  });

  it("answers 401 for garbage and 400 for a mismatch", async () => {
    expect((await exchange({ token: "garbage", appId: APP, userId: USER })).status).toBe(401);
    const exp = Math.floor(Date.now() / 1000) + 1800;
    expect((await exchange({ token: teamsJwt({ appid: APP, oid: USER, exp }), appId: APP, userId: "someone-else" })).status).toBe(400);
  });
});
