import { describe, expect, it } from "vitest";
import { parseConnectionString } from "../src/auth/connectionString.js";

const KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==";
const ENDPOINT = "https://contoso.communication.azure.com";

describe("parseConnectionString accepts", () => {
  it.each([
    ["the portal's form", `endpoint=${ENDPOINT}/;accesskey=${KEY}`],
    ["no trailing slash", `endpoint=${ENDPOINT};accesskey=${KEY}`],
    ["reversed order", `accesskey=${KEY};endpoint=${ENDPOINT}/`],
    ["mixed case names", `Endpoint=${ENDPOINT}/;AccessKey=${KEY}`],
    ["spaces around parts", `  endpoint = ${ENDPOINT}/ ;  accesskey=${KEY}  `],
    ["a trailing semicolon", `endpoint=${ENDPOINT}/;accesskey=${KEY};`],
    ["empty parts", `;endpoint=${ENDPOINT}/;;accesskey=${KEY};;`],
    ["unknown parts", `endpoint=${ENDPOINT}/;region=westeurope;accesskey=${KEY}`],
  ])("%s", (_name, connectionString) => {
    const { endpoint, credential } = parseConnectionString(connectionString);
    expect(endpoint).toBe(ENDPOINT);
    expect(credential.key).toBe(KEY);
  });

  it.each([
    ["unpadded, as in the official samples", "banana"],
    ["unpadded, six letters", "secret"],
    ["base64url", KEY.replace("MDEy", "M-E_")],
    ["padding that does not fit the length", KEY.slice(1)],
  ])("a key the base64 decoder takes: %s", (_name, key) => {
    expect(parseConnectionString(`endpoint=${ENDPOINT}/;accesskey=${key}`).credential.key).toBe(key);
  });

  it("keeps a non-default port and plain http for the emulator", () => {
    expect(parseConnectionString(`endpoint=http://127.0.0.1:8089/;accesskey=${KEY}`).endpoint).toBe("http://127.0.0.1:8089");
  });

  it("hides the key from JSON.stringify, String() and util.inspect", async () => {
    const { inspect } = await import("node:util");
    const { credential } = parseConnectionString(`endpoint=${ENDPOINT}/;accesskey=${KEY}`);
    for (const shown of [JSON.stringify(credential), String(credential), inspect(credential, { showHidden: true, depth: 5 })]) {
      expect(shown).not.toContain(KEY.slice(0, 12));
    }
  });
});

describe("parseConnectionString rejects, naming the problem and never the key", () => {
  it.each([
    ["an empty string", "", "non-empty string"],
    ["a non-string", 42 as unknown as string, "non-empty string"],
    ["a missing endpoint", `accesskey=${KEY}`, 'no "endpoint" part'],
    ["a missing access key", `endpoint=${ENDPOINT}/`, 'no "accesskey" part'],
    ["an empty endpoint", `endpoint=;accesskey=${KEY}`, '"endpoint" part is empty'],
    ["an empty access key", `endpoint=${ENDPOINT}/;accesskey=`, '"accesskey" part is empty'],
    ["a duplicated endpoint", `endpoint=${ENDPOINT}/;endpoint=${ENDPOINT}/;accesskey=${KEY}`, 'more than one "endpoint"'],
    ["a duplicated key", `endpoint=${ENDPOINT}/;accesskey=${KEY};AccessKey=${KEY}`, 'more than one "accesskey"'],
    ["a part without =", `endpoint=${ENDPOINT}/;${KEY.replaceAll("=", "")}`, 'not "name=value"'],
    ["a key that is not base64", `endpoint=${ENDPOINT}/;accesskey=${KEY.slice(0, 20)}!!${KEY.slice(22)}`, "accesskey is not a base64 key"],
    ["a key with a space", `endpoint=${ENDPOINT}/;accesskey=${KEY.slice(0, 20)} ${KEY.slice(21)}`, "accesskey is not a base64 key"],
    ["a key with a dot", `endpoint=${ENDPOINT}/;accesskey=${KEY.slice(0, 20)}.${KEY.slice(21)}`, "accesskey is not a base64 key"],
    ["a key that is only padding", `endpoint=${ENDPOINT}/;accesskey===`, "accesskey is not a base64 key"],
    ["an endpoint that is not a URL", `endpoint=contoso;accesskey=${KEY}`, "not a valid URL"],
    ["an endpoint with a path", `endpoint=${ENDPOINT}/identities;accesskey=${KEY}`, "no path, query or fragment"],
    ["an endpoint with a query", `endpoint=${ENDPOINT}/?a=b;accesskey=${KEY}`, "no path, query or fragment"],
    ["an ftp endpoint", `endpoint=ftp://contoso.communication.azure.com/;accesskey=${KEY}`, "not ftp"],
    ["an endpoint with user info", `endpoint=https://me:pw@contoso.communication.azure.com/;accesskey=${KEY}`, "user name or password"],
  ])("%s", (_name, connectionString, fragment) => {
    let error: unknown;
    try {
      parseConnectionString(connectionString);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    const message = (error as Error).message;
    expect(message).toContain(fragment);
    expect(message).toContain("https://<resource>.communication.azure.com");
    expect(message).not.toContain(KEY.slice(0, 12));
    expect(message).not.toContain(KEY.slice(30, 42));
  });
});

describe("the message for a key that cannot be one", () => {
  it("says what a key may hold: base64 or base64url, padded or not", () => {
    expect(() => parseConnectionString(`endpoint=${ENDPOINT}/;accesskey=a b`)).toThrow(
      new TypeError(
        'The connection string\'s accesskey is not a base64 key: base64 or base64url characters (A-Z, a-z, 0-9, "+" and "/", or "-" and "_"), ' +
          'with or without "=" padding. Expected "endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>" ' +
          "(copy it from the Azure portal, Keys).",
      ),
    );
  });
});
