import { describe, expect, it } from "vitest";
import {
  authorizationHeader,
  EMPTY_CONTENT_HASH,
  isBase64Key,
  parseAuthorizationHeader,
  pathAndQuery,
  standardBase64,
  stringToSign,
} from "../src/auth/signing.js";

describe("pathAndQuery", () => {
  it.each([
    ["https://h/identities?b=2&a=x%20y&api-version=2025-06-30", "/identities?b=2&a=x+y&api-version=2025-06-30"],
    ["https://h/identities/8%3Aacs%3Aabc/:issueAccessToken?api-version=1", "/identities/8%3Aacs%3Aabc/:issueAccessToken?api-version=1"],
    ["https://h", "/"],
    ["https://h/p?", "/p"],
    ["https://h/p?a", "/p?a="],
  ])("%s signs as %s", (url, expected) => {
    expect(pathAndQuery(new URL(url))).toBe(expected);
  });
});

describe("stringToSign", () => {
  it("joins method, path and query, date, host with port, and hash (vector A3)", () => {
    const text = stringToSign({
      method: "get",
      url: new URL("https://contoso.communication.azure.com:8443/identities?b=2&a=x%20y&api-version=2025-06-30"),
      date: "Mon, 01 Jan 2024 00:00:00 GMT",
      contentHash: EMPTY_CONTENT_HASH,
    });
    expect(text).toBe(
      "GET\n/identities?b=2&a=x+y&api-version=2025-06-30\nMon, 01 Jan 2024 00:00:00 GMT;contoso.communication.azure.com:8443;47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    );
  });

  it("drops the default port from the host", () => {
    const text = stringToSign({ method: "POST", url: new URL("https://a.b:443/x"), date: "d", contentHash: "h" });
    expect(text).toBe("POST\n/x\nd;a.b;h");
  });
});

describe("authorization header", () => {
  it("round-trips a signature", () => {
    const header = authorizationHeader("abc=");
    expect(header).toBe("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=abc=");
    expect(parseAuthorizationHeader(header)).toBe("abc=");
  });

  it.each([
    "Bearer x",
    "HMAC-SHA256 SignedHeaders=host&Signature=abc",
    "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=",
  ])("rejects %s", (value) => {
    expect(parseAuthorizationHeader(value)).toBeUndefined();
  });
});

describe("access keys", () => {
  it.each(["pw==", "banana", "secret", "a-b_", "pw=", "MDEy+/=="])("takes %s, as the base64 decoder does", (key) => {
    expect(isBase64Key(key)).toBe(true);
  });

  it.each(["", "==", "a b", "pw==x", "pw===", "ab.c", "ключ", "ab\n"])("refuses %j", (key) => {
    expect(isBase64Key(key)).toBe(false);
  });

  it.each([
    ["pw==", "pw=="],
    ["pw", "pw=="],
    ["pw=", "pw=="],
    ["banana", "banana=="],
    ["a-b_", "a+b/"],
    ["pwqrs", "pwqr"],
  ])("standardBase64(%s) is %s", (key, standard) => {
    expect(standardBase64(key)).toBe(standard);
    expect(Buffer.from(standard, "base64")).toStrictEqual(Buffer.from(key, "base64"));
  });
});
