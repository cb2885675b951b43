import { describe, expect, it } from "vitest";
import * as node from "../src/auth/hmac.js";
import * as browser from "../src/auth/hmac-browser.js";

describe.each([
  ["node:crypto", node],
  ["Web Crypto", browser],
])("hmac through %s", (_name, impl) => {
  it("hashes known answers", async () => {
    expect(await impl.sha256Base64("banana")).toBe("tJPUg2Sv5E0RwBZc9HCkFk0eJgmRHvmYvoaNRq3j3k4=");
    expect(await impl.sha256Base64("")).toBe("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  });

  it("signs known answers with a base64-decoded key", async () => {
    expect(await impl.createHmacSigner("pw==")("banana")).toBe("88EC05aAS9iXnaimtNO78JLjiPtfWryQB/5QYEzEsu8=");
  });

  it("decodes keys as Node's base64 decoder does: unpadded, base64url, loose padding", async () => {
    const signature = (key: string) => impl.createHmacSigner(key)("banana");
    // "banana" decodes to the bytes of "bananQ==" (its last 4 bits are dropped).
    expect(await signature("banana")).toBe(node.createHmacSigner(Buffer.from("banana", "base64").toString("base64"))("banana"));
    expect(await signature("banana")).toBe(await signature("bananQ=="));
    expect(await signature("a-b_")).toBe(await signature("a+b/"));
    expect(await signature("pw")).toBe(await signature("pw=="));
    expect(await signature("pw=")).toBe(await signature("pw=="));
    expect(await signature("pwq")).toBe(await signature("pwo="));
    expect(await signature("pwqrs")).toBe(await signature("pwqr"));
  });

  it("hashes the UTF-8 bytes of non-ASCII text", async () => {
    expect(await impl.sha256Base64("é")).toBe(await node.sha256Base64("é"));
    expect(await impl.sha256Base64("é")).toBe("SplVfkAzw1Od4utlRyAXytX5VX96BiWgnxw/biumnEw=");
  });
});
