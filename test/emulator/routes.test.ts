import { describe, expect, it } from "vitest";
import { matchRoute } from "../../src/emulator/routes/routes.js";

describe("matchRoute", () => {
  it.each([
    ["POST", "/identities", { operation: "createUser" }],
    ["GET", "/identities/8%3Aacs%3Ar_1", { operation: "getUser", id: "8:acs:r_1" }],
    ["DELETE", "/identities/8%3Aacs%3Ar_1", { operation: "deleteUser", id: "8:acs:r_1" }],
    ["POST", "/identities/8%3Aacs%3Ar_1/:issueAccessToken", { operation: "issueToken", id: "8:acs:r_1" }],
    ["POST", "/identities/8:acs:r_1/:revokeAccessTokens", { operation: "revokeTokens", id: "8:acs:r_1" }],
    ["POST", "/teamsUser/:exchangeAccessToken", { operation: "exchangeTeamsToken" }],
  ])("%s %s", (method, path, route) => {
    expect(matchRoute(method, path)).toEqual(route);
  });

  it.each([
    ["/"],
    ["/nowhere"],
    ["/identities/"],
    ["/identities/x/:unknown"],
    ["/identities/x/constructor"],
    ["/identities/x/:issueAccessToken/more"],
    ["/teamsUser"],
  ])("answers 404 for %s", (path) => {
    expect(() => matchRoute("POST", path)).toThrow(expect.objectContaining({ status: 404, code: "NotFound" }));
  });

  it.each([
    ["GET", "/identities", "POST"],
    ["POST", "/identities/x", "GET, DELETE"],
    ["GET", "/identities/x/:issueAccessToken", "POST"],
    ["DELETE", "/teamsUser/:exchangeAccessToken", "POST"],
  ])("answers 405 for %s %s with Allow: %s", (method, path, allow) => {
    expect(() => matchRoute(method, path)).toThrow(expect.objectContaining({ status: 405, headers: { allow } }));
  });
});
