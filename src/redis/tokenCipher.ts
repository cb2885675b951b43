/**
 * Tokens at rest: AES-256-GCM with the app's key, a random 96-bit IV per entry, and the entry's
 * Redis key as additional data, so that an entry copied under another key does not decrypt.
 *
 * @internal
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { CommunicationAccessToken } from "../client/models.js";
import { isBase64Key, KEY_CHARACTERS } from "../auth/signing.js";

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** AES-256: the key is 32 bytes. */
export const ENCRYPTION_KEY_BYTES = 32;

/**
 * Reads the app's key.
 *
 * @param key - 32 bytes, or their standard base64.
 * @throws TypeError or RangeError that say what the key must be (never showing it).
 */
export function encryptionKeyOf(key: Uint8Array | string): Buffer {
  if (typeof key !== "string" && !(key instanceof Uint8Array)) {
    throw new TypeError(`encryptionKey must be a Uint8Array or a base64 string; it is ${key === null ? "null" : typeof key}.`);
  }
  if (typeof key === "string" && !isBase64Key(key)) {
    throw new TypeError(`encryptionKey must be the base64 of ${ENCRYPTION_KEY_BYTES} bytes, only ${KEY_CHARACTERS}.`);
  }
  const bytes = typeof key === "string" ? Buffer.from(key, "base64") : Buffer.from(key);
  if (bytes.length !== ENCRYPTION_KEY_BYTES) {
    throw new RangeError(
      `encryptionKey must be ${ENCRYPTION_KEY_BYTES} bytes (AES-256), e.g. randomBytes(32) or its base64; this one has ${bytes.length}.`,
    );
  }
  return bytes;
}

/** The stored text of a token: base64 of IV, tag and ciphertext. */
export function sealToken(key: Buffer, aad: string, token: CommunicationAccessToken): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const plain = JSON.stringify({ token: token.token, expiresOn: token.expiresOn.getTime() });
  const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64");
}

/** The token in a stored text, or `undefined` when it does not decrypt with this key under this name. */
export function openToken(key: Buffer, aad: string, stored: string): CommunicationAccessToken | undefined {
  try {
    const bytes = Buffer.from(stored, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    const value = JSON.parse(plain) as { token: string; expiresOn: number };
    return { token: value.token, expiresOn: new Date(value.expiresOn) };
  } catch {
    return undefined;
  }
}
