/**
 * The emulator's rate limits (`limits` / `--limits`): per operation, at most N requests in any
 * sliding window, as the service documents per resource. Every authenticated request counts,
 * also one that is throttled (ASSUMPTIONS.md): so a client that retries at once stays throttled.
 */
import { limitedOperationOf, parseRateLimits, type LimitedOperation, type RateLimit, type RateLimits } from "../rateLimits.js";
import { SlidingWindow } from "../slidingWindow.js";
import { ServiceError } from "./errors.js";

/** Counts requests per limited operation and refuses those over the limit. */
export class RateLimiter {
  readonly #windows = new Map<LimitedOperation, SlidingWindow>();

  /**
   * @param limits - the written form (`"service"`, `"issue=100/10s"`) or an object; see `rateLimits.ts`.
   * @param now - the clock, milliseconds since the epoch.
   * @throws RangeError or TypeError for limits that are not understood.
   */
  constructor(
    limits: string | RateLimits,
    readonly now: () => number,
  ) {
    for (const [operation, limit] of Object.entries(parseRateLimits(limits)) as [LimitedOperation, RateLimit][]) {
      this.#windows.set(operation, new SlidingWindow(limit.requests, limit.windowMs));
    }
  }

  /**
   * Counts a request and lets it through, or refuses it.
   *
   * @throws {@link ServiceError} 429 TooManyRequests with `Retry-After` (whole seconds, rounded up)
   * when the operation already had its limit of requests in the last window.
   */
  admit(method: string, pathname: string, body: Buffer): void {
    const operation = limitedOperationOf(method, pathname, body.length === 0 ? undefined : body.toString("utf8"));
    const window = operation === undefined ? undefined : this.#windows.get(operation);
    if (window === undefined) return;
    const now = this.now();
    const slot = window.nextSlot(now);
    window.record(now);
    if (slot > now) throw tooManyRequests(operation!, window, slot - now);
  }
}

function tooManyRequests(operation: LimitedOperation, window: SlidingWindow, waitMs: number): ServiceError {
  const seconds = Math.ceil(waitMs / 1000);
  return new ServiceError(
    429,
    "TooManyRequests",
    `Rate limit exceeded: at most ${window.limit} ${operation} requests per ${describeWindow(window.windowMs)} for this resource. Retry after ${seconds} ${seconds === 1 ? "second" : "seconds"}.`,
    { "retry-after": String(seconds) },
    { reason: { kind: "throttled", limit: window.limit, windowMs: window.windowMs, retryAfterSeconds: seconds } },
  );
}

function describeWindow(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} seconds` : `${ms} ms`;
}
