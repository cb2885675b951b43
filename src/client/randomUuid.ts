/**
 * Random ids for requests and repeatable creates.
 *
 * @internal
 */

/** The part of Web Crypto that {@link randomUuid} uses; `randomUUID` may be missing. */
export interface UuidSource {
  randomUUID?: () => string;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

/**
 * A random RFC 4122 version 4 UUID, lowercase. Browsers provide `crypto.randomUUID` only in secure
 * contexts (https, localhost): on a plain http page at a LAN address it is missing, so the UUID is
 * then built from `crypto.getRandomValues`, which every context has.
 *
 * @param source - Web Crypto; `globalThis.crypto` by default.
 */
export function randomUuid(source: UuidSource = crypto): string {
  if (typeof source.randomUUID === "function") return source.randomUUID();
  const bytes = source.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10xx
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
