/**
 * The order in which a request is checked and answered: preflight, the public JWKS document, route
 * (404/405), injected fault, api-version (400), authentication (401), rate limits (429), repeatability, then the
 * operation. The HTTP plumbing around it lives in `server.ts`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { IncomingHttpHeaders } from "node:http";
import { apiVersionOf } from "../routes/apiVersion.js";
import type { Authenticator } from "../auth/auth.js";
import { preflightReply } from "../auth/cors.js";
import { faultReply, type FaultInjector } from "./faults.js";
import { JWKS_PATH } from "../tokens/jwks.js";
import { OPERATIONS, type OperationContext, type OperationRequest } from "../routes/operations.js";
import { errorReply, withSupportedVersions, type Reply } from "../routes/reply.js";
import { repeatabilityKey, type RepeatabilityCache, type RepeatabilityLimits } from "../routes/repeatability.js";
import { ServiceError, toServiceError } from "../routes/errors.js";
import type { RefusalReason } from "./reasons.js";
import { matchRoute, type Route } from "../routes/routes.js";
import type { Operation } from "../types.js";
import type { RateLimiter } from "./limits.js";
import { isMisreadPath, requestUrl } from "./requestTarget.js";

/** A request whose body has been read. */
export interface IncomingRequest {
  /** HTTP method, upper-case. */
  method: string;
  /** The request target as received (`req.url`). */
  target: string;
  /** The headers, lower-case names. */
  headers: IncomingHttpHeaders;
  /** The exact body bytes. */
  body: Buffer;
}

/** What to do with a request: answer it, or drop the connection (an injected fault); and what the log keeps of it. */
export type Outcome = ({ reply: Reply; drop?: undefined } | { drop: true; reply?: undefined }) & OutcomeNote;

/** What the request log learns from the pipeline besides the answer. */
export interface OutcomeNote {
  /** The operation the request was routed to. */
  operation?: Operation;
  /** The identity id in the path. */
  id?: string;
  /** Why the request was refused, or the fault that answered it. */
  reason?: RefusalReason;
}

/** Everything the pipeline needs. */
export interface PipelineParts {
  authenticator: Authenticator;
  context: OperationContext;
  faults: FaultInjector;
  repeatability: RepeatabilityCache;
  repeatabilityLimits: RepeatabilityLimits;
  /** The answer to `GET /.well-known/jwks.json`: the public keys that verify issued tokens. */
  jwks: Reply;
  /** The rate limits (option `limits`, or set through the admin API). */
  limiter: RateLimiter;
}

/** The operations that take no access key: `Authorization: Bearer <Entra token>` of the user. */
const ENTRA_AUTHORIZED: ReadonlySet<Operation> = new Set(["exchangeTeamsExtensionToken", "exchangeEntraToken"]);

/** A base for parsing request targets; only the path and query of the result are used. */
const TARGET_BASE = "http://emulator.invalid";

/**
 * Creates the function that answers one request. It throws {@link ServiceError}s for the
 * expected failures; the server turns those (and anything else) into error answers.
 */
export function createPipeline(parts: PipelineParts): (request: IncomingRequest) => Promise<Outcome> {
  return async (request) => {
    if (request.method === "OPTIONS") return { reply: withSupportedVersions(preflightReply(request.headers), undefined) };
    let route: Route | undefined;
    const note: OutcomeNote = {};
    try {
      const url = parseTarget(request.target);
      if (request.method === "GET" && url.pathname === JWKS_PATH) return { reply: parts.jwks };
      route = matchRoute(request.method, url.pathname);
      note.operation = route.operation;
      if (route.id !== undefined) note.id = route.id;
      const fault = parts.faults.take(route.operation);
      if (fault) note.reason = { kind: "fault", fault };
      if (fault?.latencyMs) await sleep(fault.latencyMs);
      if (fault?.drop === "before") return { drop: true, ...note };
      const injected = fault && faultReply(fault);
      if (injected) return { reply: withSupportedVersions(injected, route.operation), ...note };
      const processing = processRequest(parts, route, url, request);
      if (fault?.drop !== "after") return { reply: withSupportedVersions(await processing, route.operation), ...note };
      // Processed, whatever the outcome, and then no answer: the client cannot know what happened.
      await processing.catch(() => undefined);
      return { drop: true, ...note };
    } catch (thrown) {
      // Answered here, where the route is known: the error's api-supported-versions depends on it.
      const error = toServiceError(thrown);
      const reason = error.reason ?? { kind: "error", code: error.code, message: error.message };
      return { reply: errorReply(error, route?.operation), ...note, reason };
    }
  };
}

/** Checks the api-version and the credentials, then runs the operation. */
async function processRequest(parts: PipelineParts, route: Route, url: URL, request: IncomingRequest): Promise<Reply> {
  const version = apiVersionOf(url.searchParams);
  // The Entra token exchanges are authorized by the user's Entra token alone, which the operation checks.
  if (!ENTRA_AUTHORIZED.has(route.operation)) await parts.authenticator.authenticate(request);
  parts.limiter.admit(request.method, url.pathname, request.body);
  const { operation: _operation, ...params } = route;
  const operationRequest = { version, body: request.body, query: url.searchParams, headers: request.headers, ...params };
  return run(parts, route, operationRequest, request.headers);
}

/** Runs the operation; a create with repeatability headers runs at most once per request id. */
async function run(parts: PipelineParts, route: Route, request: OperationRequest, headers: IncomingHttpHeaders): Promise<Reply> {
  const handler = OPERATIONS[route.operation];
  const key = route.operation === "createUser" ? repeatabilityKey(headers, parts.context.now(), parts.repeatabilityLimits) : undefined;
  if (key === undefined) return handler(parts.context, request);
  const { reply } = await parts.repeatability.run(key, () => handler(parts.context, { ...request, requestId: key }));
  return { ...reply, headers: { ...reply.headers, "repeatability-result": "accepted" } };
}

/**
 * `//access/{family}/:exchangeAccessToken`: what Microsoft's Entra credential sends for an endpoint
 * that ends in a slash (it joins the two strings); taken as the exchange (ASSUMPTIONS.md 36).
 */
const DOUBLE_SLASH_EXCHANGE = /^\/\/access\/(?:teamsExtension|entra)\/:exchangeAccessToken(?:\?|$)/;

/**
 * The URL a request target is routed by. Any other `//...` (and `/\...`) is a path with an empty
 * first segment (a 404), not a host; a backslash or a dot segment in the path, which a URL parser
 * reads as a slash or as a step up, is refused rather than run as another path than the one sent
 * and logged.
 */
function parseTarget(target: string): URL {
  const notFound = new ServiceError(404, "NotFound", "The requested resource does not exist.");
  if (isMisreadPath(target)) throw notFound;
  try {
    return requestUrl(DOUBLE_SLASH_EXCHANGE.test(target) ? target.slice(1) : target, TARGET_BASE);
  } catch {
    throw notFound;
  }
}
