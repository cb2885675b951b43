/**
 * The Identity service's rate limits: the documented figures, the written form shared by the
 * emulator's `--limits` and the client's `rateLimits` (`service`, `issue=100/10s`, or both:
 * `service,issue=100/10s`), and which limit a request counts against.
 *
 * Microsoft documents, per resource and per 30 seconds: create identity 1,000; issue access token
 * 1,000; create identity with token 1,000; delete identity 500; revoke tokens 500; Teams and Entra
 * token exchange 500. Getting an identity has no documented limit.
 *
 * @internal
 */

/** The operations the service limits, each with its own budget. */
export type LimitedOperation = "create" | "createWithToken" | "issue" | "revoke" | "delete" | "exchange";

/** At most `requests` requests in any `windowMs` milliseconds. */
export interface RateLimit {
  /** The most requests in any window; a positive integer. */
  requests: number;
  /** The window's length in milliseconds. */
  windowMs: number;
}

/** A limit per operation; an operation without one is not limited. */
export type RateLimits = Partial<Record<LimitedOperation, RateLimit>>;

const SERVICE_WINDOW_MS = 30_000;

/** The documented limits, per resource. */
export const SERVICE_RATE_LIMITS: Readonly<Record<LimitedOperation, RateLimit>> = {
  create: { requests: 1000, windowMs: SERVICE_WINDOW_MS },
  issue: { requests: 1000, windowMs: SERVICE_WINDOW_MS },
  createWithToken: { requests: 1000, windowMs: SERVICE_WINDOW_MS },
  delete: { requests: 500, windowMs: SERVICE_WINDOW_MS },
  revoke: { requests: 500, windowMs: SERVICE_WINDOW_MS },
  exchange: { requests: 500, windowMs: SERVICE_WINDOW_MS },
};

const OPERATIONS = Object.keys(SERVICE_RATE_LIMITS) as LimitedOperation[];
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };
const FIGURE = /^([a-zA-Z]+)=(\d+)\/(\d+(?:\.\d+)?)(ms|s|m)$/;

/** How the written form looks, for error messages. */
export const RATE_LIMITS_FORMAT = `"service", or operation=requests/window pairs separated by commas (e.g. "issue=100/10s,create=50/500ms"; windows in ms, s or m; operations: ${OPERATIONS.join(", ")}), or both ("service,issue=100/10s")`;

/**
 * Reads limits in their written form or as an object.
 *
 * @param spec - `"service"`, figures such as `"issue=100/10s"`, a mix (later items win), or a {@link RateLimits} object.
 * @returns the limits, one object per operation.
 * @throws RangeError that names the part that is wrong and the expected form.
 */
export function parseRateLimits(spec: string | RateLimits): RateLimits {
  if (typeof spec !== "string") return checkLimits(spec);
  const limits: RateLimits = {};
  for (const item of spec.split(",").map((part) => part.trim())) {
    if (item === "service") {
      Object.assign(limits, structuredClone(SERVICE_RATE_LIMITS));
      continue;
    }
    const match = FIGURE.exec(item);
    if (!match) throw new RangeError(`Rate limits: "${item}" is not understood. Expected ${RATE_LIMITS_FORMAT}.`);
    const [, name, requests, amount, unit] = match;
    limits[operationNamed(name!)] = { requests: Number(requests), windowMs: Number(amount) * UNIT_MS[unit!]! };
  }
  return checkLimits(limits);
}

/**
 * Writes limits in the form {@link parseRateLimits} reads, operations in the documented order,
 * each window in the largest unit that keeps it whole (`issue=100/10s`); `""` for none.
 */
export function formatRateLimits(limits: RateLimits): string {
  return OPERATIONS.filter((operation) => limits[operation] !== undefined)
    .map((operation) => `${operation}=${limits[operation]!.requests}/${formatWindow(limits[operation]!.windowMs)}`)
    .join(",");
}

function formatWindow(ms: number): string {
  if (ms % UNIT_MS["m"]! === 0) return `${ms / UNIT_MS["m"]!}m`;
  return ms % UNIT_MS["s"]! === 0 ? `${ms / UNIT_MS["s"]!}s` : `${ms}ms`;
}

function operationNamed(name: string): LimitedOperation {
  if ((OPERATIONS as string[]).includes(name)) return name as LimitedOperation;
  throw new RangeError(`Rate limits: "${name}" is not an operation. Expected one of ${OPERATIONS.join(", ")}.`);
}

function checkLimits(limits: RateLimits): RateLimits {
  if (typeof limits !== "object" || limits === null) throw new TypeError(`Rate limits must be ${RATE_LIMITS_FORMAT}.`);
  for (const [name, limit] of Object.entries(limits)) {
    operationNamed(name);
    if (!Number.isSafeInteger(limit?.requests) || limit.requests < 1 || !(Number.isFinite(limit.windowMs) && limit.windowMs > 0)) {
      throw new RangeError(`Rate limits: ${name} needs a whole number of requests (at least 1) per a window longer than 0 ms.`);
    }
  }
  return limits;
}

/**
 * The limit a request counts against, or `undefined` for one the service does not limit.
 *
 * @param method - the HTTP method, upper-case.
 * @param pathname - the URL's path.
 * @param body - the request's JSON text: a create that asks for a token counts as `createWithToken`.
 */
export function limitedOperationOf(method: string, pathname: string, body: string | undefined): LimitedOperation | undefined {
  const [collection, id, action] = pathname.split("/").slice(1);
  if (collection === "teamsUser") return method === "POST" && id === ":exchangeAccessToken" ? "exchange" : undefined;
  // The Teams Phone extensibility and Entra ID user exchanges count with the Teams exchange (documented together).
  if (collection === "access") return method === "POST" && action === ":exchangeAccessToken" ? "exchange" : undefined;
  if (collection !== "identities") return undefined;
  if (id === undefined || id === "") return method === "POST" ? (asksForToken(body) ? "createWithToken" : "create") : undefined;
  if (action === undefined) return method === "DELETE" ? "delete" : undefined;
  if (method !== "POST") return undefined;
  return action === ":issueAccessToken" ? "issue" : action === ":revokeAccessTokens" ? "revoke" : undefined;
}

function asksForToken(body: string | undefined): boolean {
  if (body === undefined || body === "") return false;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === "object" && value !== null && (value as Record<string, unknown>).createTokenWithScopes !== undefined;
  } catch {
    return false;
  }
}
