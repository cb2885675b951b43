/**
 * Where the shared state of pacing lives: the send budget per resource and operation, and how long
 * the service asked every sender to hold off. One process uses {@link MemorySurgeStore}; several
 * app instances share one budget through a shared store (`acs-identity/redis`).
 */
import type { CommunicationAccessToken } from "../client/models.js";
import type { RateLimit } from "../limits/rateLimits.js";
import { SlidingWindow } from "../limits/slidingWindow.js";

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
  /** Tokens shared by the app instances, when the store keeps them; the token caches of a guard use them. */
  readonly tokens?: SharedTokenStore;
}

/**
 * Issued tokens shared by app instances: one issue per user and scopes across all of them, and a
 * revoke or delete in one instance drops the user's tokens for all.
 */
export interface SharedTokenStore {
  /**
   * A token for `key` with at least `minValidityMs` left: one kept in the store, the one another
   * instance is issuing now, or the one `issue` returns (then kept until it expires, unless the
   * user's tokens were dropped meanwhile).
   *
   * @param key - the user and scopes.
   * @param userId - the user's id, whose tokens {@link SharedTokenStore.forgetUser} drops.
   * @param minValidityMs - the least validity, in milliseconds, a token handed out must have left.
   * @param issue - issues a new token.
   * @returns the token, or `undefined` when the store cannot be reached and nothing was issued: the
   * caller then uses its own memory.
   * @throws what `issue` throws.
   */
  fetch(
    key: string,
    userId: string,
    minValidityMs: number,
    issue: () => Promise<CommunicationAccessToken>,
  ): Promise<CommunicationAccessToken | undefined>;
  /** Drops every token of the user, and keeps none being issued meanwhile, in every instance. */
  forgetUser(userId: string): Promise<void>;
}

/** A {@link SurgeStore} in this process's memory: the budget of one app instance. */
export class MemorySurgeStore implements SurgeStore {
  readonly #windows = new Map<string, SlidingWindow>();
  readonly #holds = new Map<string, number>();

  /** @param now - the clock, milliseconds since the epoch. */
  constructor(readonly now: () => number = Date.now) {}

  /** Reserves a send in this instance's budget; see {@link SurgeStore.reserve}. */
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

  /** Holds sends on `key` for `ms` milliseconds; see {@link SurgeStore.hold}. */
  async hold(key: string, ms: number): Promise<void> {
    const until = this.now() + ms;
    if (until > (this.#holds.get(key) ?? 0)) this.#holds.set(key, until);
  }

  /** How long sends on `key` are still held, in milliseconds; see {@link SurgeStore.heldFor}. */
  async heldFor(key: string): Promise<number> {
    const until = this.#holds.get(key);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.#holds.delete(key);
    return 0;
  }
}
