/**
 * The one object an app creates per resource to survive login surges: it paces the client's sends
 * (give the client its `httpClient()`), makes token caches that revokes and deletes keep honest,
 * and, through a shared {@link SurgeStore}, lets several app instances share one budget.
 */
import type { HttpClient } from "@azure/core-rest-pipeline";
import { createNodeHttpClient } from "../transport/nodeHttpClient.js";
import { parseRateLimits, type RateLimits } from "../limits/rateLimits.js";
import { pacedHttpClient } from "./pacer.js";
import { MemorySurgeStore, type SurgeStore } from "./surgeStore.js";
import { TokenCache, type TokenCacheOptions, type TokenIssuer } from "./tokenCache.js";

/** How long a call waits for its turn by default: two of the service's 30-second windows. */
export const DEFAULT_MAX_WAIT_MS = 60_000;

/** Options of {@link SurgeGuard}. */
export interface SurgeGuardOptions {
  /**
   * The client's send budget per operation, so that a burst queues locally instead of being
   * throttled: `"service"` (the documented limits per resource: 1,000 creates, issues and creates
   * with a token, 500 deletes, revokes and Teams exchanges per 30 seconds), figures such as
   * `"issue=100/10s"` (windows in `ms`, `s` or `m`), both (`"service,issue=100/10s"`), or an object.
   * Sends are spaced 250 ms more than the window, so that network delays cannot bunch them.
   * @defaultValue none: only the service's 429s pace sends
   */
  rateLimits?: string | RateLimits;
  /**
   * The longest a send waits for its turn, in milliseconds; a request's own `timeout`, when shorter,
   * wins. A send that would wait longer rejects at once with a {@link ThrottledError}.
   * @defaultValue 60000
   */
  maxWaitMs?: number;
  /**
   * Where the budget and the service's holds are kept. Share one store (e.g. `acs-identity/redis`)
   * between app instances to share one budget.
   * @defaultValue a {@link MemorySurgeStore} of this guard
   */
  store?: SurgeStore;
}

/**
 * Paces a client's requests: when the service throttles an operation (429), every call on it waits
 * the time the service named instead of each retrying on its own; with `rateLimits`, sends are
 * spaced so that none would be throttled. Waits respect each call's abort signal and timeout.
 * Node.js only (`acs-identity/surge`).
 *
 * @example
 * ```ts
 * const guard = new SurgeGuard({ rateLimits: "service" });
 * const client = new CommunicationIdentityClient(connectionString, { httpClient: guard.httpClient() });
 * ```
 */
export class SurgeGuard {
  /** The pacing state: the budget and the service's holds. */
  readonly store: SurgeStore;
  readonly #limits: RateLimits;
  readonly #maxWaitMs: number;
  readonly #caches = new Set<TokenCache>();

  /**
   * @param options - `rateLimits`, `maxWaitMs` and `store`, all optional.
   * @throws RangeError for `rateLimits` that are not understood (the message shows the expected
   * form) or a `maxWaitMs` that is not a finite number of milliseconds from 0 up.
   */
  constructor(options: SurgeGuardOptions = {}) {
    const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    if (typeof maxWaitMs !== "number" || !Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
      throw new RangeError("maxWaitMs must be a number of milliseconds, 0 or more (e.g. 60000).");
    }
    this.#limits = options.rateLimits === undefined ? {} : parseRateLimits(options.rateLimits);
    this.#maxWaitMs = maxWaitMs;
    this.store = options.store ?? new MemorySurgeStore();
  }

  /**
   * An `HttpClient` for the client's options that paces every request it sends.
   *
   * @param inner - what sends the requests. @defaultValue the package's Node.js HTTP client
   * @returns the paced client; give it to `new CommunicationIdentityClient(..., { httpClient })`.
   */
  httpClient(inner: HttpClient = createNodeHttpClient()): HttpClient {
    return pacedHttpClient(inner, {
      limits: this.#limits,
      store: this.store,
      maxWaitMs: this.#maxWaitMs,
      now: Date.now,
      forgetUser: async (userId) => {
        await Promise.all([...this.#caches].map((cache) => cache.forget(userId)));
      },
    });
  }

  /**
   * A token cache that issues through `client`. Revoking or deleting a user through any client
   * that sends with this guard's {@link SurgeGuard.httpClient} drops the user's cached tokens.
   *
   * @param client - issues the tokens: a `CommunicationIdentityClient` made with this guard's `httpClient()`.
   * @param options - `minValidityMinutes` (default 60), `maxEntries` (default 10000), `tokenExpiresInMinutes`.
   * @returns the cache.
   * @throws RangeError for an option out of range.
   */
  tokenCache(client: TokenIssuer, options: TokenCacheOptions = {}): TokenCache {
    const cache = new TokenCache(client, options, this.store.tokens);
    this.#caches.add(cache);
    return cache;
  }
}
