import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { checkTeamsExchange } from "../../src/emulator/routes/teams.js";
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

  const OTHER = "cccccccc-0000-0000-0000-000000000003";
  it.each([
    ["missing appId", { userId: USER }, "AppId: The AppId field is required.", "AppId", true],
    ["empty appId", { appId: "", userId: USER }, "AppId: The AppId field is required.", "AppId", true],
    ["missing userId", { appId: APP }, "UserId: The UserId field is required.", "UserId", true],
    ["malformed appId", { appId: "other", userId: USER }, "Provided AppId has invalid format.", "appId", false],
    ["malformed userId", { appId: APP, userId: "other" }, "Provided UserId has invalid format.", "userId", false],
    ["mismatched appId", { appId: OTHER, userId: USER }, "Provided AppId doesn't match the access token.", "appId", false],
    ["mismatched userId", { appId: APP, userId: OTHER }, "Provided UserId doesn't match the access token.", "userId", false],
  ])("refuses a %s with 400 ValidationError, the service's text and target", (_kind, fields, message, target, unversioned) => {
    expect(() => checkTeamsExchange({ token: teamsJwt({ appid: APP, oid: USER, exp: EXP }), ...fields }, NOW)).toThrow(
      expect.objectContaining({ status: 400, code: "ValidationError", message, target, unversioned }),
    );
  });

  it("checks the token before the format of the ids (an invalid token with any ids is 401)", () => {
    expect(() => checkTeamsExchange({ token: "invalid", appId: "not-a-guid", userId: APP }, NOW)).toThrow(
      expect.objectContaining({
        status: 401,
        code: "InvalidAccessToken",
        message: "Provided access token is not valid.",
        unversioned: true,
      }),
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
    expect(response.json.expiresOn).toBe(new Date(exp * 1000).toISOString().replace(".000Z", "+00:00"));
    expect(decodeJwt(response.json.token).payload).toMatchObject({ skypeid: `orgid:${USER}`, exp, acsScope: "voip,chat" });
  });

  it("answers 401 for garbage and 400 for a mismatch; only the format and mismatch answers carry api-supported-versions", async () => {
    const garbage = await exchange({ token: "garbage", appId: APP, userId: USER });
    expect(garbage.status).toBe(401);
    expect(garbage.headers["api-supported-versions"]).toBeUndefined();
    const exp = Math.floor(Date.now() / 1000) + 1800;
    const mismatch = await exchange({
      token: teamsJwt({ appid: APP, oid: USER, exp }),
      appId: APP,
      userId: "cccccccc-0000-0000-0000-000000000003",
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.headers["api-supported-versions"]).toBe("2021-10-31-preview, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview");
  });
});
