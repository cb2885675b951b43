import { describe, expect, it } from "vitest";
import { inspectToken } from "../src/credentials/inspectToken.js";
import { jwt } from "./helpers/jwt.js";

/** The claims of a real Communication Services token (SPEC.md), with made-up ids. */
const claims = {
  skypeid: "acs:11111111-1111-1111-1111-111111111111_00000022-2222-2222-2222-222222222222",
  scp: 1792,
  csi: "1700000000",
  iat: 1700000000,
  exp: 1700086400,
  acsScope: "chat,voip",
  resourceId: "11111111-1111-1111-1111-111111111111",
  resourceLocation: "unitedstates",
};

describe("inspectToken", () => {
  it("reads expiry, scopes, user and resource from a Communication Services token", () => {
    expect(inspectToken(jwt(claims))).toEqual({
      decodable: true,
      expiresOn: new Date("2023-11-15T22:13:20.000Z"),
      scopes: ["chat", "voip"],
      communicationUserId: "8:acs:11111111-1111-1111-1111-111111111111_00000022-2222-2222-2222-222222222222",
      resourceId: "11111111-1111-1111-1111-111111111111",
    });
  });

  it("trims scopes and drops empty ones", () => {
    expect(inspectToken(jwt({ acsScope: " chat , voip.join,," })).scopes).toEqual(["chat", "voip.join"]);
  });

  it("returns an empty scope list for an empty acsScope", () => {
    expect(inspectToken(jwt({ acsScope: "" })).scopes).toEqual([]);
  });

  it("leaves out what the claims do not say", () => {
    expect(inspectToken(jwt({ sub: "someone" }))).toEqual({ decodable: true });
  });

  it("ignores claims of the wrong type", () => {
    expect(inspectToken(jwt({ exp: "soon", acsScope: ["chat"], skypeid: 7, resourceId: "" }))).toEqual({ decodable: true });
  });

  it.each([
    ["an opaque token", "not-a-jwt"],
    ["an encrypted (five-part) token", "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"],
    ["a malformed JWT", "eyJhbGciOiJSUzI1NiJ9.%%%.sig"],
    ["the empty string", ""],
  ])("says %s is not decodable", (_, token) => {
    expect(inspectToken(token)).toEqual({ decodable: false });
  });

  it.each([undefined, null, 3, {}, [jwt(claims)]])("does not throw on the non-string %j", (value) => {
    expect(inspectToken(value as unknown as string)).toEqual({ decodable: false });
  });
});
