import { describe, expect, it } from "vitest";
import { assertSecureEndpoint, isLoopbackHost, parseEndpoint } from "../src/auth/endpoint.js";

describe("parseEndpoint", () => {
  it.each([
    ["https://contoso.communication.azure.com", "https://contoso.communication.azure.com"],
    ["https://contoso.communication.azure.com/", "https://contoso.communication.azure.com"],
    [" https://CONTOSO.communication.azure.com:443/ ", "https://contoso.communication.azure.com"],
    ["http://127.0.0.1:8089/", "http://127.0.0.1:8089"],
  ])("%s has origin %s", (value, origin) => {
    expect(parseEndpoint(value).origin).toBe(origin);
  });

  it.each([
    ["", "non-empty string"],
    ["contoso", "not a valid URL"],
    ["ftp://contoso", "not ftp"],
    ["https://contoso/path", "no path"],
    ["https://contoso/?q=1", "no path"],
    ["https://contoso/#frag", "no path"],
    ["https://u:p@contoso", "user name or password"],
  ])("refuses %s", (value, fragment) => {
    expect(() => parseEndpoint(value)).toThrow(TypeError);
    expect(() => parseEndpoint(value)).toThrow(fragment);
  });
});

describe("loopback and insecure connections", () => {
  it.each([
    ["localhost", true],
    ["LOCALHOST", true],
    ["127.0.0.1", true],
    ["127.255.0.9", true],
    ["[::1]", true],
    ["128.0.0.1", false],
    ["localhost.evil.com", false],
    ["127.0.0.1.evil.com", false],
    ["10.0.0.1", false],
  ])("%s is loopback: %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it("refuses http off loopback unless allowed", () => {
    expect(() => assertSecureEndpoint(new URL("http://contoso"), false)).toThrow("allowInsecureConnection");
    expect(() => assertSecureEndpoint(new URL("http://contoso"), true)).not.toThrow();
    expect(() => assertSecureEndpoint(new URL("https://contoso"), false)).not.toThrow();
    expect(() => assertSecureEndpoint(new URL("http://localhost:1"), false)).not.toThrow();
  });
});
