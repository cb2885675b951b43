import { describe, expect, it } from "vitest";
import { decodeJwtPayload, expiryOf } from "../src/credentials/jwt.js";
import { jwt } from "./helpers/jwt.js";

describe("decodeJwtPayload", () => {
  it("returns the claims of a JWT", () => {
    expect(decodeJwtPayload(jwt({ skypeid: "acs:r_u", exp: 1700000000, acsScope: "chat" }))).toEqual({
      skypeid: "acs:r_u",
      exp: 1700000000,
      acsScope: "chat",
    });
  });

  it("decodes base64url (- and _) and UTF-8 without padding", () => {
    // {"n":"ü?>"} has bytes that encode to - and _ in base64url.
    const payload = Buffer.from(JSON.stringify({ n: "ü?>", x: "~~~" })).toString("base64url");
    expect(payload).toMatch(/[-_]/);
    expect(decodeJwtPayload(`eyJhbGciOiJub25lIn0.${payload}.`)).toEqual({ n: "ü?>", x: "~~~" });
  });

  it("accepts an empty signature (an unsigned JWT)", () => {
    expect(decodeJwtPayload(`${jwt({ a: 1 }).split(".").slice(0, 2).join(".")}.`)).toEqual({ a: 1 });
  });

  const header = Buffer.from('{"alg":"RS256"}').toString("base64url");
  const payload = Buffer.from('{"a":1}').toString("base64url");
  it.each([
    ["an opaque token", "opaque-token-without-dots"],
    ["two parts", `${header}.${payload}`],
    ["four parts (a JWE has five)", `${header}.${payload}.s.x`],
    ["a header that is not JSON", `${Buffer.from("nope").toString("base64url")}.${payload}.s`],
    ["an empty header", `.${payload}.s`],
    ["an empty payload", `${header}..s`],
    ["a payload that is an array", `${header}.${Buffer.from("[1]").toString("base64url")}.s`],
    ["a payload that is a string", `${header}.${Buffer.from('"x"').toString("base64url")}.s`],
    ["a payload that is null", `${header}.${Buffer.from("null").toString("base64url")}.s`],
    ["standard base64 characters", `${header}.${payload}+/.s`],
    ["padding", `${header}.${Buffer.from('{"a":1}').toString("base64")}.s`],
    ["a part of impossible length (1 modulo 4)", `${header}.${Buffer.from('{"abc":1}').toString("base64url")}a.s`],
    ["invalid UTF-8", `${header}.${Buffer.from([0x7b, 0xff, 0x7d]).toString("base64url")}.s`],
    ["a bad signature part", `${header}.${payload}.s*g`],
    ["the empty string", ""],
  ])("returns undefined for %s", (_, token) => {
    expect(decodeJwtPayload(token)).toBeUndefined();
  });

  it.each([undefined, null, 42, {}, ["a.b.c"]])("returns undefined for the non-string %j", (value) => {
    expect(decodeJwtPayload(value)).toBeUndefined();
  });
});

describe("expiryOf", () => {
  it("reads exp in seconds", () => {
    expect(expiryOf({ exp: 1700000000 })).toEqual(new Date("2023-11-14T22:13:20.000Z"));
  });

  it("keeps fractional seconds", () => {
    expect(expiryOf({ exp: 1700000000.5 })?.getTime()).toBe(1700000000500);
  });

  it.each([{}, { exp: "1700000000" }, { exp: Number.NaN }, { exp: Number.POSITIVE_INFINITY }, { exp: 1e300 }, { exp: null }])(
    "returns undefined for %j",
    (claims) => {
      expect(expiryOf(claims)).toBeUndefined();
    },
  );
});
