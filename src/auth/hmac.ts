/**
 * SHA-256 and HMAC-SHA256 for Node.js, synchronous through `node:crypto`. Code imports it as
 * `#hmac`; the browser build (scripts/build.mjs) takes `hmac-browser.ts` for that name instead.
 *
 * @internal
 */
import { createHash, createHmac } from "node:crypto";

/** A function that signs a string with one key and returns base64. */
export type HmacSigner = (text: string) => string | Promise<string>;

/**
 * base64 SHA-256 of the UTF-8 bytes of `text`.
 *
 * @example
 * ```ts
 * sha256Base64("banana") === "tJPUg2Sv5E0RwBZc9HCkFk0eJgmRHvmYvoaNRq3j3k4="
 * ```
 */
export function sha256Base64(text: string): string | Promise<string> {
  return createHash("sha256").update(text, "utf8").digest("base64");
}

/**
 * A signer keyed with the base64-decoded `keyBase64`; the key is decoded once, here.
 *
 * @example
 * ```ts
 * createHmacSigner("pw==")("banana") === "88EC05aAS9iXnaimtNO78JLjiPtfWryQB/5QYEzEsu8="
 * ```
 */
export function createHmacSigner(keyBase64: string): HmacSigner {
  const key = Buffer.from(keyBase64, "base64");
  return (text) => createHmac("sha256", key).update(text, "utf8").digest("base64");
}
