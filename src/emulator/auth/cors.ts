/**
 * CORS, so that a page on another origin can call the emulator from a browser: preflights are
 * answered, and every response names the headers a script may read. Only allowed origins are
 * named in `Access-Control-Allow-Origin` (never `*`): by default the loopback origins, where
 * local test pages run, so that a web page the developer happens to visit cannot use the emulator
 * (with `allowBearer`, any bearer token mints tokens).
 */
import type { IncomingHttpHeaders } from "node:http";
import { isLoopbackHost } from "../../auth/endpoint.js";
import type { Reply } from "../routes/reply.js";

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

const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The CORS headers of a response to a request from `origin` (its `Origin` header). */
export type CorsHeaders = (origin: string | string[] | undefined) => Record<string, string>;

/**
 * The CORS headers for a set of allowed origins: an allowed origin is named back, with the headers
 * a page may read; any other origin, or none, gets no permission.
 *
 * @param origins - the allowed origins, each `scheme://host[:port]`. @default every loopback origin
 * (`http(s)://localhost`, `127.x.x.x` and `[::1]`, any port)
 * @throws TypeError when an entry is not an http(s) origin.
 */
export function createCorsHeaders(origins?: readonly string[]): CorsHeaders {
  const allowed = origins === undefined ? isLoopbackOrigin : exactOrigins(origins);
  return (origin): Record<string, string> => {
    if (typeof origin !== "string" || !allowed(origin)) return { vary: "Origin" };
    return { "access-control-allow-origin": origin, "access-control-expose-headers": CORS_EXPOSED_HEADERS, vary: "Origin" };
  };
}

function exactOrigins(origins: readonly string[]): (origin: string) => boolean {
  for (const origin of origins) {
    if (parseOrigin(origin) === undefined) {
      throw new TypeError(`A CORS origin must be http(s)://host[:port], e.g. http://localhost:5173, without a path: "${origin}" is not.`);
    }
  }
  const set = new Set(origins);
  return (origin) => set.has(origin);
}

/** An `Origin` of a page served from this machine. */
function isLoopbackOrigin(origin: string): boolean {
  const url = parseOrigin(origin);
  return url !== undefined && isLoopbackHost(url.hostname);
}

/** The URL of an http(s) origin written as browsers send it, or `undefined`. */
function parseOrigin(origin: string): URL | undefined {
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === origin ? url : undefined;
  } catch {
    return undefined;
  }
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
