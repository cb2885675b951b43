import { describe, expect, it } from "vitest";
import * as node from "../src/hmac.js";
import * as browser from "../src/hmac-browser.js";

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

  it("hashes the UTF-8 bytes of non-ASCII text", async () => {
    expect(await impl.sha256Base64("é")).toBe(await node.sha256Base64("é"));
    expect(await impl.sha256Base64("é")).toBe("SplVfkAzw1Od4utlRyAXytX5VX96BiWgnxw/biumnEw=");
  });
});
