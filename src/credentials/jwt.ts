/**
 * Reads the claims of a JWT without checking its signature: the one place that decodes tokens,
 * shared by {@link inspectToken}, the Teams exchange pre-checks and the refreshing credential.
 * Works in browsers and Node alike (`atob` and `TextDecoder` are globals in both).
 *
 * @internal
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeBase64Url(part: string): string | undefined {
  // A length of 1 modulo 4 cannot come from any byte sequence.
  if (!BASE64URL.test(part) || part.length % 4 === 1) return undefined;
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

function decodeJsonObject(part: string): Record<string, unknown> | undefined {
  if (part === "") return undefined;
  try {
    const value: unknown = JSON.parse(decodeBase64Url(part) ?? "");
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // Not base64url, not UTF-8 or not JSON: an opaque token.
    return undefined;
  }
}

/**
 * The payload (claims) of a JWT: three base64url parts whose first two are JSON objects. The
 * signature is not checked, so use the claims for diagnostics and scheduling, never for trust.
 *
 * @param token - anything; only a string can be a JWT.
 * @returns the claims, or `undefined` for an opaque (for example encrypted) or malformed token.
 */
export function decodeJwtPayload(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== "string") return undefined;
  const parts = token.split(".");
  if (parts.length !== 3 || !BASE64URL.test(parts[2]!)) return undefined;
  const header = decodeJsonObject(parts[0]!);
  return header && decodeJsonObject(parts[1]!);
}

/**
 * The `exp` claim (seconds since the epoch) as a `Date`.
 *
 * @returns `undefined` when the claim is missing or not a finite number.
 */
export function expiryOf(claims: Record<string, unknown>): Date | undefined {
  const exp = claims["exp"];
  if (typeof exp !== "number" || !Number.isFinite(exp)) return undefined;
  const date = new Date(exp * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
