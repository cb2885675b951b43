/**
 * The emulator's rate limits (`limits` / `--limits`): per operation, at most N requests in any
 * sliding window, as the service documents per resource. Every authenticated request counts,
 * also one that is throttled (ASSUMPTIONS.md): so a client that retries at once stays throttled.
 */
import {
  limitedOperationOf,
  parseRateLimits,
  SERVICE_RATE_LIMITS,
  type LimitedOperation,
  type RateLimit,
  type RateLimits,
} from "../../limits/rateLimits.js";
import { SlidingWindow } from "../../limits/slidingWindow.js";
import { ServiceError } from "../routes/errors.js";

/** One operation's limit and its window now, as the admin API shows it. */
export interface LimitWindowView {
  operation: LimitedOperation;
  /** The most requests in any window. */
  requests: number;
  /** The window's length, milliseconds. */
  windowMs: number;
  /** Requests in the window now (throttled ones too), at most `requests`. */
  inWindow: number;
  /** When one more request is admitted, by the emulator's clock (ISO 8601); now when there is room. */
  nextAdmittedAt: string;
  /** Milliseconds from now to `nextAdmittedAt`; 0 when there is room. */
  waitMs: number;
}

/**
 * Counts requests per limited operation and refuses those over the limit. Its limits can be
 * changed while it runs (the admin API's `PUT /_emulator/api/limits`); without any it admits
 * every request at once.
 */
export class RateLimiter {
  #windows = new Map<LimitedOperation, SlidingWindow>();

  /**
   * @param limits - the written form (`"service"`, `"issue=100/10s"`) or an object; see `rateLimits.ts`.
   * @param now - the clock, milliseconds since the epoch.
   * @throws RangeError or TypeError for limits that are not understood.
   */
  constructor(
    limits: string | RateLimits,
    readonly now: () => number,
  ) {
    this.set(limits);
  }

  /**
   * Replaces the limits. An operation whose limit stays the same keeps its window; a changed or
   * new one starts with an empty window.
   *
   * @throws RangeError or TypeError for limits that are not understood (and changes nothing).
   */
  set(limits: string | RateLimits): void {
    const windows = new Map<LimitedOperation, SlidingWindow>();
    for (const [operation, limit] of Object.entries(parseRateLimits(limits)) as [LimitedOperation, RateLimit][]) {
      const kept = this.#windows.get(operation);
      const same = kept !== undefined && kept.limit === limit.requests && kept.windowMs === limit.windowMs;
      windows.set(operation, same ? kept : new SlidingWindow(limit.requests, limit.windowMs));
    }
    this.#windows = windows;
  }

  /** The limits now. */
  limits(): RateLimits {
    const limits: RateLimits = {};
    for (const [operation, window] of this.#windows) limits[operation] = { requests: window.limit, windowMs: window.windowMs };
    return limits;
  }

  /** Empties every window, keeping the limits. */
  clear(): void {
    for (const [operation, window] of this.#windows) this.#windows.set(operation, new SlidingWindow(window.limit, window.windowMs));
  }

  /** Each limited operation's window now, in the documented order of operations. */
  windows(): LimitWindowView[] {
    const now = this.now();
    return (Object.keys(SERVICE_RATE_LIMITS) as LimitedOperation[]).flatMap((operation) => {
      const window = this.#windows.get(operation);
      if (window === undefined) return [];
      const next = window.nextSlot(now);
      const { limit: requests, windowMs } = window;
      return [
        { operation, requests, windowMs, inWindow: window.count(now), nextAdmittedAt: new Date(next).toISOString(), waitMs: next - now },
      ];
    });
  }

  /**
   * Counts a request and lets it through, or refuses it.
   *
   * @throws {@link ServiceError} 429 TooManyRequests with `Retry-After` (whole seconds, rounded up)
   * when the operation already had its limit of requests in the last window.
   */
  admit(method: string, pathname: string, body: Buffer): void {
    // Without limits, not even the body is looked at.
    if (this.#windows.size === 0) return;
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
