/**
 * Where the shared state of pacing lives: the send budget per resource and operation, and how long
 * the service asked every sender to hold off. One process uses {@link MemorySurgeStore}; several
 * app instances share one budget through a shared store (`acs-identity/redis`).
 */
import type { RateLimit } from "../rateLimits.js";
import { SlidingWindow } from "../slidingWindow.js";

/** The answer of {@link SurgeStore.reserve}. */
export interface Reservation {
  /** Milliseconds from now until the send may go. */
  waitMs: number;
  /** Whether the send was counted in the budget (only when `waitMs` was within the caller's limit). */
  reserved: boolean;
}

/**
 * Shared pacing state. Every method may be called concurrently; a shared store makes each one
 * atomic across processes.
 */
export interface SurgeStore {
  /**
   * Reserves one send for `key` within `limit`: the earliest moment at which one more send keeps at
   * most `limit.requests` sends in any `limit.windowMs` (also counting sends reserved earlier).
   *
   * @param key - the resource and operation, e.g. `contoso.communication.azure.com issue`.
   * @param limit - the budget.
   * @param maxWaitMs - reserve nothing when the earliest send is further away than this.
   * @returns `waitMs`, how long to wait before sending (0: now), and whether the send was
   * `reserved`: not when `waitMs` is more than `maxWaitMs`.
   */
  reserve(key: string, limit: RateLimit, maxWaitMs: number): Promise<Reservation>;
  /**
   * Holds every send on `key` for `ms` milliseconds from now, because the service answered 429
   * and named that wait. A shorter hold than one already in place changes nothing.
   */
  hold(key: string, ms: number): Promise<void>;
  /** How long sends on `key` are still held, in milliseconds; 0 when they are not. */
  heldFor(key: string): Promise<number>;
}

/** A {@link SurgeStore} in this process's memory: the budget of one app instance. */
export class MemorySurgeStore implements SurgeStore {
  readonly #windows = new Map<string, SlidingWindow>();
  readonly #holds = new Map<string, number>();

  /** @param now - the clock, milliseconds since the epoch. */
  constructor(readonly now: () => number = Date.now) {}

  async reserve(key: string, limit: RateLimit, maxWaitMs: number): Promise<Reservation> {
    let window = this.#windows.get(key);
    if (window === undefined || window.limit !== limit.requests || window.windowMs !== limit.windowMs) {
      window = new SlidingWindow(limit.requests, limit.windowMs);
      this.#windows.set(key, window);
    }
    const now = this.now();
    const slot = window.nextSlot(now);
    if (slot - now > maxWaitMs) return { waitMs: slot - now, reserved: false };
    window.record(slot);
    return { waitMs: slot - now, reserved: true };
  }

  async hold(key: string, ms: number): Promise<void> {
    const until = this.now() + ms;
    if (until > (this.#holds.get(key) ?? 0)) this.#holds.set(key, until);
  }

  async heldFor(key: string): Promise<number> {
    const until = this.#holds.get(key);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.#holds.delete(key);
    return 0;
  }
}
