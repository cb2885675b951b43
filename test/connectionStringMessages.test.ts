// parseConnectionString: the exact message of each refusal (never the input), and the edges of
// what it accepts: unpadded keys, duplicated unknown parts, "=" inside values.
import { describe, expect, it } from "vitest";
import { parseConnectionString } from "../src/auth/connectionString.js";

const KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==";
const ENDPOINT = "https://contoso.communication.azure.com";
const KEY_CHARACTERS = 'base64 or base64url characters (A-Z, a-z, 0-9, "+" and "/", or "-" and "_"), with or without "=" padding';
const FORMAT =
  'Expected "endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>" (copy it from the Azure portal, Keys).';

function refusal(connectionString: unknown): { name: string; message: string } {
  try {
    parseConnectionString(connectionString as string);
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error("expected a refusal");
}

describe("parseConnectionString: exact refusals", () => {
  it.each([
    ["an empty string", "", `The connection string must be a non-empty string. ${FORMAT}`],
    ["a blank string", "  \t", `The connection string must be a non-empty string. ${FORMAT}`],
    ["undefined", undefined, `The connection string must be a non-empty string. ${FORMAT}`],
    ["no endpoint", `accesskey=${KEY}`, `The connection string has no "endpoint" part. ${FORMAT}`],
    ["no access key", `endpoint=${ENDPOINT}/`, `The connection string has no "accesskey" part. ${FORMAT}`],
    ["only unknown parts", "region=x;tier=y", `The connection string has no "endpoint" part. ${FORMAT}`],
    ["an empty endpoint", `endpoint= ;accesskey=${KEY}`, `The connection string's "endpoint" part is empty. ${FORMAT}`],
    ["an empty key", `endpoint=${ENDPOINT}/;accesskey=`, `The connection string's "accesskey" part is empty. ${FORMAT}`],
    [
      "a part that starts with =",
      `endpoint=${ENDPOINT}/;=x;accesskey=${KEY}`,
      `The connection string has a part that is not "name=value". ${FORMAT}`,
    ],
    [
      "a part without =",
      `endpoint=${ENDPOINT}/;secret;accesskey=${KEY}`,
      `The connection string has a part that is not "name=value". ${FORMAT}`,
    ],
    [
      "a duplicated endpoint, differently cased",
      `endpoint=${ENDPOINT}/;ENDPOINT=${ENDPOINT}/;accesskey=${KEY}`,
      `The connection string has more than one "endpoint" part; keep one. ${FORMAT}`,
    ],
    [
      "a key with a space inside",
      `endpoint=${ENDPOINT}/;accesskey=ab cd`,
      `The connection string's accesskey is not a base64 key: ${KEY_CHARACTERS}. ${FORMAT}`,
    ],
    [
      "a key with three =",
      `endpoint=${ENDPOINT}/;accesskey=abcd===`,
      `The connection string's accesskey is not a base64 key: ${KEY_CHARACTERS}. ${FORMAT}`,
    ],
    [
      "a key with = inside",
      `endpoint=${ENDPOINT}/;accesskey=ab=cd`,
      `The connection string's accesskey is not a base64 key: ${KEY_CHARACTERS}. ${FORMAT}`,
    ],
  ])("%s", (_what, connectionString, message) => {
    expect(refusal(connectionString)).toStrictEqual({ name: "TypeError", message });
  });

  it("never repeats the key or an unknown part's value", () => {
    const { message } = refusal(`endpoint=${ENDPOINT}/;accesskey=${KEY};accesskey=${KEY};password=hunter2`);
    expect(message).not.toContain(KEY);
    expect(message).not.toContain("hunter2");
  });
});

describe("parseConnectionString: edges it accepts", () => {
  it.each([
    ["an unpadded key", "cHc", "cHc"],
    ["a padded key", "cHc=", "cHc="],
    ["a base64url key", "a-b_", "a-b_"],
    ["a one-character key", "a", "a"],
    ["a key with spaces around it", "  cHc=  ", "cHc="],
  ])("%s", (_what, key, kept) => {
    const parsed = parseConnectionString(`endpoint=${ENDPOINT}/;accesskey=${key}`);
    expect(parsed.endpoint).toBe(ENDPOINT);
    expect(parsed.credential.key).toBe(kept);
  });

  it("duplicated unknown parts are skipped, in any case", () => {
    const parsed = parseConnectionString(`region=a;endpoint=${ENDPOINT}/;Region=b;region=a;accesskey=${KEY};x=;y=1=2`);
    expect(parsed.endpoint).toBe(ENDPOINT);
    expect(parsed.credential.key).toBe(KEY);
  });

  it("a name with spaces inside the part is trimmed before it is compared", () => {
    const parsed = parseConnectionString(`  EndPoint  =  ${ENDPOINT}/  ;\taccessKey\t=${KEY}`);
    expect(parsed.endpoint).toBe(ENDPOINT);
    expect(parsed.credential.key).toBe(KEY);
  });

  it("an endpoint with a port keeps it; the result is the origin", () => {
    expect(parseConnectionString(`endpoint=http://127.0.0.1:8080/;accesskey=${KEY}`).endpoint).toBe("http://127.0.0.1:8080");
  });
});

describe("parseConnectionString: more edges", () => {
  it("names the connection string's endpoint in an endpoint refusal", () => {
    expect(refusal(`endpoint=${ENDPOINT}/identities;accesskey=${KEY}`)).toStrictEqual({
      name: "TypeError",
      message:
        "The connection string's endpoint must have no path, query or fragment. Expected https://<resource>.communication.azure.com.",
    });
  });

  it("skips a part that is only spaces", () => {
    const parsed = parseConnectionString(`endpoint=${ENDPOINT}/;   ;accesskey=${KEY}; `);
    expect(parsed.endpoint).toBe(ENDPOINT);
    expect(parsed.credential.key).toBe(KEY);
  });
});
