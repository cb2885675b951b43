/**
 * The canonical form of an HMAC-SHA256 signed request, shared by the client's signing policy and
 * the emulator's verifier so that both follow one rule. Pure functions, no crypto: the hashing
 * lives in `hmac.ts` (Node) and `hmac-browser.ts` (Web Crypto).
 *
 * @internal
 */

/** The headers that the signature covers, in the order the service expects. */
export const SIGNED_HEADERS = "x-ms-date;host;x-ms-content-sha256";

/** base64(SHA-256("")): the content hash of a request without a body. */
export const EMPTY_CONTENT_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

/** The scheme prefix of the `Authorization` header value. */
export const HMAC_SCHEME = "HMAC-SHA256";

/**
 * The path and query that are signed: the pathname exactly as the WHATWG URL serialises it, then
 * the query re-serialised as `application/x-www-form-urlencoded` (`a=x%20y` is signed `a=x+y`).
 *
 * @example
 * ```ts
 * pathAndQuery(new URL("https://h/identities?b=2&a=x%20y")) === "/identities?b=2&a=x+y"
 * ```
 */
export function pathAndQuery(url: URL): string {
  const query = url.search ? url.searchParams.toString() : "";
  return query ? `${url.pathname}?${query}` : url.pathname;
}

/** What is signed, as one string (no trailing newline). */
export interface SignedParts {
  /** HTTP method, any case. */
  method: string;
  /** The full request URL. */
  url: URL;
  /** The `x-ms-date` value (IMF-fixdate). */
  date: string;
  /** base64 SHA-256 of the exact body bytes. */
  contentHash: string;
}

/**
 * The string to sign: `METHOD\npathAndQuery\ndate;host;contentHash`.
 *
 * @example
 * ```ts
 * stringToSign({ method: "get", url: new URL("https://example.com/testPath"),
 *   date: "Wed, 13 Apr 2022 18:09:12 GMT", contentHash: EMPTY_CONTENT_HASH })
 * // "GET\n/testPath\nWed, 13 Apr 2022 18:09:12 GMT;example.com;47DEQ...="
 * ```
 */
export function stringToSign(parts: SignedParts): string {
  const { method, url, date, contentHash } = parts;
  return `${method.toUpperCase()}\n${pathAndQuery(url)}\n${date};${url.host};${contentHash}`;
}

/** The `Authorization` header value for a signature. */
export function authorizationHeader(signature: string): string {
  return `${HMAC_SCHEME} SignedHeaders=${SIGNED_HEADERS}&Signature=${signature}`;
}

/**
 * Reads the signature out of an `Authorization` header value, or returns `undefined` when the
 * value is not an HMAC-SHA256 header that signs exactly {@link SIGNED_HEADERS}.
 */
export function parseAuthorizationHeader(value: string): string | undefined {
  const prefix = `${HMAC_SCHEME} SignedHeaders=${SIGNED_HEADERS}&Signature=`;
  if (!value.startsWith(prefix)) return undefined;
  const signature = value.slice(prefix.length);
  return signature.length > 0 ? signature : undefined;
}

/** What {@link isBase64Key} accepts, for error messages. */
export const KEY_CHARACTERS = 'base64 or base64url characters (A-Z, a-z, 0-9, "+" and "/", or "-" and "_"), with or without "=" padding';

/** base64 or base64url characters, then at most two `=` of padding. */
const KEY_ALPHABET = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Whether `text` can be an access key: what the base64 decoders take (padded or not, base64 or
 * base64url, as `Buffer.from(key, "base64")` does, which the official client uses), and never an
 * empty string or one with other characters.
 *
 * @example
 * ```ts
 * isBase64Key("pw==") && isBase64Key("banana") && isBase64Key("a-b_") && !isBase64Key("a b") && !isBase64Key("")
 * ```
 */
export function isBase64Key(text: string): boolean {
  return KEY_ALPHABET.test(text);
}

/**
 * The key as standard, padded base64, the form `atob` and Web Crypto callers need: base64url
 * characters turned into standard ones, padding set right, and a dangling sixth bit dropped as
 * Node's decoder drops it.
 */
export function standardBase64(key: string): string {
  const data = key.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  const whole = data.length % 4 === 1 ? data.slice(0, -1) : data;
  return whole.padEnd(Math.ceil(whole.length / 4) * 4, "=");
}
