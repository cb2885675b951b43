import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createRsaSigner } from "../../src/emulator/tokens/rsaSigner.js";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const expected = (input: string) => sign("sha256", Buffer.from(input), privateKey).toString("base64url");

describe("createRsaSigner", () => {
  it("signs on worker threads exactly as node:crypto does on this one (PKCS#1 v1.5 is deterministic)", async () => {
    const signer = createRsaSigner(privateKey, 2);
    const inputs = Array.from({ length: 20 }, (_, i) => `input ${i} ü`);
    try {
      expect(await Promise.all(inputs.map((input) => signer.sign(input)))).toEqual(inputs.map(expected));
    } finally {
      await signer.close();
    }
  });

  it("still signs, on the calling thread, after close", async () => {
    const signer = createRsaSigner(privateKey, 1);
    const pending = signer.sign("before close");
    await signer.close();
    expect(await pending).toBe(expected("before close"));
    expect(await signer.sign("after close")).toBe(expected("after close"));
  });
});
