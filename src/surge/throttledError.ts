/**
 * The error of a call that pacing could not serve in time.
 */
import type { LimitedOperation } from "../limits/rateLimits.js";

/** Who made the call wait: the service (it answered 429) or the client's own budget (`rateLimits`). */
export type ThrottledBy = "service" | "budget";

/**
 * A call that was throttled and could not wait long enough: the service asked every sender of the
 * operation to hold off, or the client's budget had no room, for longer than what was left of the
 * call's timeout or `maxWaitMs`. {@link ThrottledError.sent} says whether an attempt of it had
 * already gone to the service (and been answered 429).
 */
export class ThrottledError extends Error {
  /** Always 429, as a `RestError` of a throttled answer would carry. */
  readonly statusCode = 429;

  /**
   * @param operation - the limited operation (`issue`, `create`, ...).
   * @param by - who throttled.
   * @param retryAfterMs - how long the operation is throttled, from now, in milliseconds.
   * @param allowedMs - how long this call could wait in all, in milliseconds.
   * @param allowedBy - what set `allowedMs`: `"timeout"` or `"maxWaitMs"`.
   * @param leftMs - how much of `allowedMs` was left when the wait was found too long, in milliseconds. @defaultValue allowedMs
   * @param sent - whether an attempt of this call was sent (and answered 429). @defaultValue false
   */
  constructor(
    readonly operation: LimitedOperation,
    readonly by: ThrottledBy,
    readonly retryAfterMs: number,
    readonly allowedMs: number,
    allowedBy: "timeout" | "maxWaitMs",
    readonly leftMs: number = allowedMs,
    readonly sent: boolean = false,
  ) {
    super(
      `Throttled: ${by === "service" ? `the service answered 429 to ${operation} requests and asked to wait` : `the client's ${operation} budget (rateLimits) has no room for`} ` +
        `${seconds(retryAfterMs)}, longer than this call may still wait (${seconds(leftMs)} left of its ${allowedBy} of ${seconds(allowedMs)}). ` +
        `${sent ? "An attempt was sent and answered 429. " : "Nothing was sent. "}Try again later, or allow a longer ${allowedBy}.`,
    );
    this.name = "ThrottledError";
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
