/**
 * The error of a call that pacing could not serve in time.
 */
import type { LimitedOperation } from "../rateLimits.js";

/** Who made the call wait: the service (it answered 429) or the client's own budget (`rateLimits`). */
export type ThrottledBy = "service" | "budget";

/**
 * A call that was throttled and could not wait long enough: the service asked every sender of the
 * operation to hold off, or the client's budget had no room, for longer than the call's timeout or
 * `maxWaitMs` allows. When thrown by the budget, nothing was sent.
 */
export class ThrottledError extends Error {
  /** Always 429, as a `RestError` of a throttled answer would carry. */
  readonly statusCode = 429;

  /**
   * @param operation - the limited operation (`issue`, `create`, ...).
   * @param by - who throttled.
   * @param retryAfterMs - how long the operation is throttled, from now, in milliseconds.
   * @param allowedMs - how long this call could wait, in milliseconds.
   * @param allowedBy - what set `allowedMs`: `"timeout"` or `"maxWaitMs"`.
   */
  constructor(
    readonly operation: LimitedOperation,
    readonly by: ThrottledBy,
    readonly retryAfterMs: number,
    readonly allowedMs: number,
    allowedBy: "timeout" | "maxWaitMs",
  ) {
    super(
      `Throttled: ${by === "service" ? `the service answered 429 to ${operation} requests and asked to wait` : `the client's ${operation} budget (rateLimits) has no room for`} ` +
        `${seconds(retryAfterMs)}, longer than this call may wait (${seconds(allowedMs)}, its ${allowedBy}). ` +
        `${by === "budget" ? "Nothing was sent. " : ""}Try again later, or allow a longer ${allowedBy}.`,
    );
    this.name = "ThrottledError";
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
