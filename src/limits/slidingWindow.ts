/**
 * A sliding-window log: at most `limit` events in any `windowMs`. The emulator uses it to throttle
 * as the service does (every request counts, answered or throttled); the Node.js pacing of
 * `acs-identity/surge` uses the same window to reserve send times that the service will accept.
 *
 * Only the last `limit` event times are needed: one more event fits at time `t` exactly when the
 * `limit`-th most recent event is at least `windowMs` before `t`. So memory is bounded by `limit`,
 * whatever the request rate.
 *
 * @internal
 */
export class SlidingWindow {
  /** The last `limit` event times (milliseconds), a ring; `#next` is where the next one goes. */
  readonly #times: number[] = [];
  #next = 0;

  /**
   * @param limit - the most events in any window; a positive integer.
   * @param windowMs - the window's length in milliseconds; positive.
   */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** The earliest time at or after `now` at which one more event keeps the limit. */
  nextSlot(now: number): number {
    if (this.#times.length < this.limit) return now;
    // The ring is full: the slot at #next holds the oldest of the last `limit` times.
    return Math.max(now, this.#times[this.#next]! + this.windowMs);
  }

  /**
   * How many of the kept events are still in the window at `now`: at most `limit`, as only the
   * last `limit` are kept (enough to tell whether one more fits).
   */
  count(now: number): number {
    return this.#times.filter((time) => time + this.windowMs > now).length;
  }

  /**
   * Records an event at `at`. Times are kept in order: an earlier `at` than the last one (a clock
   * that stepped back) counts as the last one.
   */
  record(at: number): void {
    const last = this.#times.length === 0 ? at : this.#times[(this.#next + this.#times.length - 1) % this.#times.length]!;
    const time = Math.max(at, last);
    if (this.#times.length < this.limit) this.#times.push(time);
    else this.#times[this.#next] = time;
    this.#next = (this.#next + 1) % this.limit;
  }
}
