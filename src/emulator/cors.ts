/**
 * CORS, so that a page on another origin can call the emulator from a browser: preflights are
 * answered, and every response names the headers a script may read.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Reply } from "./reply.js";

/** Request headers a page may send; the signing headers must be among them. */
export const CORS_ALLOWED_HEADERS = [
  "authorization",
  "content-type",
  "x-ms-date",
  "x-ms-content-sha256",
  "x-ms-client-request-id",
  "x-ms-useragent",
  "repeatability-request-id",
  "repeatability-first-sent",
] as const;

/** Response headers a page may read: the correlation vector, the clock, retry hints. */
export const CORS_EXPOSED_HEADERS = [
  "ms-cv",
  "date",
  "retry-after",
  "retry-after-ms",
  "x-ms-retry-after-ms",
  "api-supported-versions",
  "repeatability-result",
  "x-ms-client-request-id",
].join(", ");

const ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The CORS headers of every response. Any origin may call: the access key is the protection. */
export function corsHeaders(): Record<string, string> {
  return { "access-control-allow-origin": "*", "access-control-expose-headers": CORS_EXPOSED_HEADERS };
}

/**
 * The answer to a preflight (`OPTIONS`): 204, the methods, and the allowed headers. Headers the
 * browser asks for beyond the fixed list (tracing, user agent) are allowed too, so that SDKs that
 * add their own headers still work; names that are not HTTP tokens are ignored.
 */
export function preflightReply(headers: IncomingHttpHeaders): Reply {
  const requested = String(headers["access-control-request-headers"] ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => HEADER_NAME.test(name));
  const allowed = [...new Set([...CORS_ALLOWED_HEADERS, ...requested])].join(", ");
  return {
    status: 204,
    headers: {
      "access-control-allow-methods": ALLOWED_METHODS,
      "access-control-allow-headers": allowed,
      "access-control-max-age": "86400",
    },
  };
}
