/**
 * Authentication of a request, as the service does it: HMAC-SHA256 per SPEC.md, or (only when the
 * emulator is started with `allowBearer`) any bearer token. Every failure is the same 401 Denied,
 * so that a caller learns nothing about which part was wrong, except a content hash mismatch,
 * which the service names. Each failure carries its precise reason for the request log.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { createHmacSigner, sha256Base64 } from "#hmac";
import { isLoopbackHost } from "../../auth/endpoint.js";
import { EMPTY_CONTENT_HASH, parseAuthorizationHeader, stringToSign } from "../../auth/signing.js";
import { denied } from "../routes/errors.js";
import { shortened } from "../pipeline/reasons.js";
import { requestUrl } from "../pipeline/requestTarget.js";

/** How far `x-ms-date` may be from the emulator's clock, either way. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

/** What authentication looks at. */
export interface AuthRequest {
  /** HTTP method. */
  method: string;
  /** The request target as received (`req.url`: path and query, or an absolute URL). */
  target: string;
  /** The request headers as Node received them (lower-case names). */
  headers: IncomingHttpHeaders;
  /** The exact body bytes received. */
  body: Buffer;
}

/** Checks requests for one access key. */
export interface Authenticator {
  /**
   * Resolves when the request is authentic.
   *
   * @throws {@link ServiceError} 401 Denied otherwise.
   */
  authenticate(request: AuthRequest): Promise<void>;
}

/** Settings of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** The base64 access key. */
  accessKey: string;
  /** Accept any non-empty bearer token. */
  allowBearer: boolean;
  /** The clock, milliseconds since the epoch. */
  now: () => number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const SHA256_BYTES = 32;
/** A decoder that refuses invalid UTF-8 and keeps a BOM, so that decoding is an exact round trip. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Creates the authenticator for one access key; the key is decoded once, here, and kept in the
 * closure, never on an object.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const sign = createHmacSigner(options.accessKey);
  return {
    async authenticate(request) {
      const authorization = single(request.headers.authorization);
      if (authorization === undefined) throw denied({ kind: "noAuthorization" });
      if (/^Bearer /i.test(authorization)) return checkBearer(authorization, options.allowBearer, request);
      const signature = parseAuthorizationHeader(authorization);
      if (signature === undefined || !isBase64Digest(signature)) throw denied({ kind: "badAuthorization" });
      const date = checkDate(request.headers, options.now());
      const contentHash = await checkContentHash(request);
      const url = signedUrl(request);
      const signed = stringToSign({ method: request.method, url, date, contentHash });
      if (digestsEqual(signature, await sign(signed))) return;
      const signedHost = await hostSigned(
        url,
        (other) => sign(stringToSign({ method: request.method, url: other, date, contentHash })),
        signature,
      );
      if (signedHost !== undefined) throw denied({ kind: "hostMismatch", signedHost, receivedHost: url.host });
      throw denied({ kind: "signatureMismatch", stringToSign: signed, signature: shortened(signature) });
    },
  };
}

/**
 * Which other loopback host the client signed, when the signature matches the request with that
 * host instead of the one received (a client that signs `localhost` and sends to `127.0.0.1`).
 * Only tried after a mismatch, so a good request never pays for it.
 */
async function hostSigned(url: URL, signFor: (url: URL) => Promise<string> | string, signature: string): Promise<string | undefined> {
  const port = url.port === "" ? "" : `:${url.port}`;
  const candidates = [`127.0.0.1${port}`, `localhost${port}`, `[::1]${port}`, url.hostname].filter((host) => host !== url.host);
  for (const host of candidates) {
    const other = new URL(url);
    other.host = host;
    // Setting a host without a port keeps the URL's port: the bare name must drop it explicitly.
    if (host === url.hostname) other.port = "";
    if (digestsEqual(signature, await signFor(other))) return host;
  }
  return undefined;
}

/**
 * The URL the client signed: the received path and query on the received `Host`. A `Host` that
 * does not survive URL parsing unchanged cannot be what the client signed.
 */
function signedUrl(request: AuthRequest): URL {
  const host = single(request.headers.host);
  if (host === undefined) throw denied({ kind: "hostMissing" });
  let url: URL;
  try {
    url = requestUrl(request.target, `http://${host}`);
  } catch {
    throw denied({ kind: "hostInvalid", host });
  }
  if (url.host !== host) throw denied({ kind: "hostInvalid", host });
  return url;
}

/**
 * Any non-empty bearer token is accepted when allowed, so the `Host` must name loopback: a web page
 * whose own name was rebound to 127.0.0.1 (DNS rebinding) is same-origin to itself, CORS never
 * applies, and it must not mint tokens. Signed requests need no such check: a page has no key.
 */
function checkBearer(authorization: string, allowBearer: boolean, request: AuthRequest): void {
  if (!allowBearer || authorization.slice("Bearer ".length).trim() === "") throw denied({ kind: "bearerRefused" });
  const { host, hostname } = signedUrl(request);
  if (!isLoopbackHost(hostname)) throw denied({ kind: "hostNotLoopback", host });
}

function checkDate(headers: IncomingHttpHeaders, now: number): string {
  const date = single(headers["x-ms-date"]);
  const time = date === undefined ? NaN : Date.parse(date);
  if (date === undefined || Number.isNaN(time)) throw denied({ kind: "dateMissing" });
  if (Math.abs(time - now) > MAX_CLOCK_SKEW_MS) throw denied({ kind: "dateSkew", date, minutes: Math.round((time - now) / 6_000) / 10 });
  return date;
}

/** The received content hash, after checking that it is the hash of the exact body bytes. */
async function checkContentHash(request: AuthRequest): Promise<string> {
  const claimed = single(request.headers["x-ms-content-sha256"]);
  if (claimed === undefined) throw denied({ kind: "contentHashMissing" });
  const computed = await hashOf(request.body);
  if (claimed !== computed) {
    throw denied(
      { kind: "contentHashMismatch", received: claimed, computed },
      "The content hash (x-ms-content-sha256) does not match the request body.",
    );
  }
  return claimed;
}

/**
 * base64 SHA-256 of the body bytes. Signed bodies are UTF-8 text, so the bytes are decoded
 * strictly and hashed through the shared `sha256Base64`; bytes that are not UTF-8 cannot be the
 * body a client signed, and get an empty string's impossible hash instead.
 */
async function hashOf(body: Buffer): Promise<string> {
  if (body.length === 0) return EMPTY_CONTENT_HASH;
  try {
    return await sha256Base64(utf8.decode(body));
  } catch {
    return "";
  }
}

/** Canonical base64 of 32 bytes: padded, and with no stray bits that decode to the same bytes. */
function isBase64Digest(value: string): boolean {
  if (!BASE64.test(value)) return false;
  const bytes = Buffer.from(value, "base64");
  return bytes.length === SHA256_BYTES && bytes.toString("base64") === value;
}

/** Constant-time comparison of two base64 digests of the same length. */
function digestsEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received, "base64");
  const b = Buffer.from(expected, "base64");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A header sent once; repeated or missing headers count as missing. */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
