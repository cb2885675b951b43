/**
 * SHA-256 and HMAC-SHA256 through Web Crypto, for browsers: no `node:` imports. The key is
 * imported once per signer, not once per request.
 *
 * @internal
 */
import { standardBase64 } from "./signing.js";

/** A function that signs a string with one key and returns base64. */
export type HmacSigner = (text: string) => string | Promise<string>;

const encoder = new TextEncoder();

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** base64 SHA-256 of the UTF-8 bytes of `text`. */
export async function sha256Base64(text: string): Promise<string> {
  return toBase64(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** A signer keyed with the base64-decoded `keyBase64` (padded or not, base64 or base64url); the key is imported once, lazily. */
export function createHmacSigner(keyBase64: string): HmacSigner {
  let key: Promise<CryptoKey> | undefined;
  return async (text) => {
    key ??= crypto.subtle.importKey("raw", fromBase64(standardBase64(keyBase64)), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return toBase64(await crypto.subtle.sign("HMAC", await key, encoder.encode(text)));
  };
}
