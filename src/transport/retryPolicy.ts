/**
 * When to try a request again, written down in one place.
 *
 * - Throttling (429, or 503 with `Retry-After`): wait exactly what the service asked
 *   (`retry-after-ms`, `x-ms-retry-after-ms`, or `Retry-After` in seconds or as a date). If it
 *   asks for longer than `maxRetryDelayInMs`, give up at once and return its answer: waiting less
 *   would only be throttled again, and a login path should not hang for minutes.
 * - Transient failures (408, 500, 502, 503, 504, and network errors): exponential backoff with
 *   jitter, capped at `maxRetryDelayInMs`.
 * - A create whose outcome is unknown (the connection failed after the request may have reached
 *   the service, or it got 408 or 5xx without `Retry-After`) is retried only when the service is
 *   known to honour `Repeatability-Request-ID`; otherwise a retry could mint a second identity, so
 *   the error or answer is returned, saying so. Throttling (429, 503 with `Retry-After`) means the
 *   request was not done, so it is retried in every case.
 * - A request that met a kept-alive connection the server had closed (reset on a reused socket
 *   before any byte of the answer: the server closed the idle connection as the request came) was
 *   not processed: it is sent again at once, creates included. Its answer is still read as after
 *   an unknown outcome (a delete that then finds the user gone is done), because a server that
 *   processed a request and then dropped the connection unanswered looks the same.
 * - An abort or timeout is never retried, nor an error marked permanent (a refused server
 *   certificate: see `certificateError.ts`).
 *
 * The loop is written here rather than taken from the pipeline's generic `retryPolicy`: it is a
 * dozen lines, and the browser bundle is smaller without the generic one.
 *
 * @internal
 */
import {
  isRestError,
  RestError,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
  type PipelineRetryOptions,
} from "@azure/core-rest-pipeline";
import type { AbortSignalLike } from "../client/models.js";
import { abortError } from "./abort.js";
import { logger } from "../logger.js";

/** Defaults chosen for a login path: a few quick tries rather than a minute of waiting. */
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_RETRY_DELAY_MS = 500;
export const DEFAULT_MAX_RETRY_DELAY_MS = 10_000;

const TRANSIENT_STATUSES = new Set([408, 500, 502, 503, 504]);

/** Network failures that happen before a request leaves the machine: always safe to repeat. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

const notRepeatable = new WeakSet<PipelineRequest>();
const permanent = new WeakSet<RestError>();
const staleConnection = new WeakSet<RestError>();
const repeatedAfterUnknownOutcome = new WeakSet<PipelineRequest>();

/**
 * Marks a request that must not be sent twice when its first outcome is unknown, because the
 * service may not deduplicate it.
 */
export function markNotRepeatable(request: PipelineRequest): void {
  notRepeatable.add(request);
}

/** Marks an error that no retry can mend, raised before anything was sent: it is thrown at once. */
export function markPermanent(error: RestError): void {
  permanent.add(error);
}

/** Marks a failure on a kept-alive connection the server had closed: the request was not processed, and is sent again at once. */
export function markStaleConnection(error: RestError): void {
  staleConnection.add(error);
}

/** Whether {@link markNotRepeatable} marked the request. */
export function isNotRepeatable(request: PipelineRequest): boolean {
  return notRepeatable.has(request);
}

/**
 * Whether the request was sent again after an attempt whose outcome is unknown (the connection
 * failed after the request may have reached the service): its final answer may describe a state
 * that the first attempt already produced.
 */
export function wasRepeatedAfterUnknownOutcome(request: PipelineRequest): boolean {
  return repeatedAfterUnknownOutcome.has(request);
}

/**
 * The delay a throttled or unavailable response asks for, in milliseconds, or `undefined` when it
 * names none.
 */
export function retryAfterMs(response: PipelineResponse, now = Date.now()): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = Number.parseFloat(response.headers.get(name) ?? "");
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  if (retryAfter.trim() !== "" && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function backoff(retryCount: number, baseMs: number, maxMs: number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** retryCount);
  return Math.round(exponential * (0.8 + Math.random() * 0.4));
}

/** Why a create whose outcome is unknown was not sent again; shared with `serviceError.ts`. */
export const NOT_REPEATED_REASON =
  "because this api-version may not honour Repeatability-Request-ID and a retry could create a second identity.";

function outcomeUnknownError(error: RestError): RestError {
  return new RestError(
    `The connection failed after the create request was sent (${error.message}), so the identity may or may not exist. ` +
      `It was not retried, ${NOT_REPEATED_REASON}`,
    { code: error.code, statusCode: error.statusCode, request: error.request },
  );
}

/** What to do after an attempt: wait this long and try again, throw this, or stop. */
type Decision = { retryAfterMs: number } | { throw: RestError } | undefined;

function decide(
  response: PipelineResponse | undefined,
  error: RestError | undefined,
  retryCount: number,
  options: Required<Pick<PipelineRetryOptions, "retryDelayInMs" | "maxRetryDelayInMs">>,
): Decision {
  if (response && !error) {
    const asked = response.status === 429 || response.status === 503 ? retryAfterMs(response) : undefined;
    if (asked !== undefined) return asked <= options.maxRetryDelayInMs ? { retryAfterMs: asked } : undefined;
    if (!TRANSIENT_STATUSES.has(response.status)) return undefined;
    // A 408 or 5xx without Retry-After does not say the create was not done: it is an outcome
    // like a dropped connection, so a create that must not be repeated gets the answer as it is.
    if (notRepeatable.has(response.request)) return undefined;
    return { retryAfterMs: backoff(retryCount, options.retryDelayInMs, options.maxRetryDelayInMs) };
  }
  if (!error) return undefined;
  const sent = !NOT_SENT_CODES.has(String(error.code));
  if (sent && error.request) repeatedAfterUnknownOutcome.add(error.request);
  if (staleConnection.has(error)) return { retryAfterMs: 0 };
  if (sent && error.request && notRepeatable.has(error.request)) return { throw: outcomeUnknownError(error) };
  return { retryAfterMs: backoff(retryCount, options.retryDelayInMs, options.maxRetryDelayInMs) };
}

/** Waits `ms`, or rejects with an `AbortError` as soon as the signal fires; leaves no timer behind. */
export function delay(ms: number, signal: AbortSignalLike | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The client's retry policy (see the file comment for the rules).
 *
 * @param options - `maxRetries` (default 3), `retryDelayInMs` (default 500), `maxRetryDelayInMs` (default 10000).
 */
export function identityRetryPolicy(options: PipelineRetryOptions = {}): PipelinePolicy {
  const delays = {
    retryDelayInMs: options.retryDelayInMs ?? DEFAULT_RETRY_DELAY_MS,
    maxRetryDelayInMs: options.maxRetryDelayInMs ?? DEFAULT_MAX_RETRY_DELAY_MS,
  };
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  return {
    name: "identityRetryPolicy",
    async sendRequest(request, next) {
      for (let retryCount = 0; ; retryCount++) {
        let response: PipelineResponse | undefined;
        let error: RestError | undefined;
        try {
          response = await next(request);
        } catch (caught) {
          if (!isRestError(caught)) throw caught;
          if (permanent.has(caught)) throw caught;
          error = caught;
        }
        if (request.abortSignal?.aborted) throw abortError();
        const decision = retryCount < maxRetries ? decide(response, error, retryCount, delays) : undefined;
        if (decision && "throw" in decision) throw decision.throw;
        if (!decision) {
          if (error) throw error;
          return response!;
        }
        logger.info(`Retry ${retryCount + 1} of request ${request.requestId} in ${decision.retryAfterMs} ms`);
        await delay(decision.retryAfterMs, request.abortSignal);
      }
    },
  };
}
