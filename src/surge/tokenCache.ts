/**
 * Reuse of tokens: a login asks for a token for a user and scopes and gets one issued earlier when
 * it has enough validity left, so that a surge of logins costs one issue per user, not one per
 * login. Tokens are secrets: nothing here logs, and the entries live in private fields.
 */
import { JOIN_SCOPES_SINCE } from "../client/apiVersions.js";
import { Coalescer } from "../credentials/coalescer.js";
import type { AbortSignalLike, CommunicationAccessToken, CommunicationUser, TokenScope } from "../client/models.js";
import { checkScopes, checkTokenExpiresInMinutes, userIdOf } from "../client/validation.js";
import { LruMap } from "./lruMap.js";
import type { SharedTokenStore } from "./surgeStore.js";

/** What issues tokens: a `CommunicationIdentityClient` of this package (or anything with its `getToken`). */
export interface TokenIssuer {
  /** Issues a token to `user` for `scopes`. */
  getToken(
    user: string,
    scopes: TokenScope[],
    options?: { tokenExpiresInMinutes?: number; abortSignal?: AbortSignalLike },
  ): Promise<CommunicationAccessToken>;
}

/** Options of {@link TokenCache}. */
export interface TokenCacheOptions {
  /**
   * The least validity, in minutes, that a token handed out must have left: comfortably more than a
   * session needs. A cached token with less is not handed out (and no longer kept).
   * @defaultValue 60
   */
  minValidityMinutes?: number;
  /** The most tokens kept; the least recently used goes first. @defaultValue 10000 */
  maxEntries?: number;
  /**
   * The lifetime of the tokens issued, in minutes (60 to 1440); must be more than `minValidityMinutes`.
   * @defaultValue the service's, 1440
   */
  tokenExpiresInMinutes?: number;
}

/** Default {@link TokenCacheOptions.minValidityMinutes}. */
export const DEFAULT_MIN_VALIDITY_MINUTES = 60;
/** Default {@link TokenCacheOptions.maxEntries}. */
export const DEFAULT_MAX_TOKEN_ENTRIES = 10_000;

const MINUTE_MS = 60_000;
/** The service's default token lifetime, in minutes. */
const SERVICE_TOKEN_MINUTES = 1440;

/**
 * A cache of issued tokens per user and scopes, bounded (LRU), with one issue in flight per user
 * and scopes however many logins ask at once. Create it with `SurgeGuard.tokenCache(client)` so
 * that revoking or deleting a user through that client drops the user's tokens.
 *
 * @example
 * ```ts
 * const tokens = guard.tokenCache(client, { minValidityMinutes: 60 });
 * const { token, expiresOn } = await tokens.getToken(userId, ["chat"]);
 * ```
 */
export class TokenCache {
  readonly #issuer: TokenIssuer;
  readonly #shared: SharedTokenStore | undefined;
  readonly #minValidityMs: number;
  readonly #tokenExpiresInMinutes: number | undefined;
  readonly #entries: LruMap<CommunicationAccessToken>;
  readonly #issues = new Coalescer<CommunicationAccessToken>();
  /** Per user, the issues in flight: one that was in flight when the user's tokens were dropped keeps nothing. */
  readonly #inFlight = new Map<string, Set<{ dropped: boolean }>>();
  /**
   * Per user with issues in flight, how many times its tokens were dropped meanwhile: part of the key
   * that shares an issue, so that a login after a drop never joins an issue that began before it.
   */
  readonly #generations = new Map<string, { generation: number; flights: number }>();

  /**
   * @param issuer - what issues tokens, e.g. a `CommunicationIdentityClient`.
   * @param options - `minValidityMinutes` (default 60), `maxEntries` (default 10000), `tokenExpiresInMinutes`.
   * @param shared - tokens shared with other app instances (a store's `tokens`); this instance's
   * memory serves only while that store cannot be reached. @defaultValue none: this instance's memory
   * @throws RangeError for an option out of range, or a token lifetime not longer than `minValidityMinutes`.
   */
  constructor(issuer: TokenIssuer, options: TokenCacheOptions = {}, shared?: SharedTokenStore) {
    const minValidity = options.minValidityMinutes ?? DEFAULT_MIN_VALIDITY_MINUTES;
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_TOKEN_ENTRIES;
    checkTokenExpiresInMinutes(options.tokenExpiresInMinutes);
    const lifetime = options.tokenExpiresInMinutes ?? SERVICE_TOKEN_MINUTES;
    if (typeof minValidity !== "number" || !(minValidity >= 0 && minValidity < lifetime)) {
      throw new RangeError(
        `minValidityMinutes must be from 0 to less than the token lifetime (${lifetime} minutes), or no cached token could ever be handed out.`,
      );
    }
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError("maxEntries must be a whole number, 1 or more.");
    this.#issuer = issuer;
    this.#shared = shared;
    this.#minValidityMs = minValidity * MINUTE_MS;
    this.#tokenExpiresInMinutes = options.tokenExpiresInMinutes;
    this.#entries = new LruMap(maxEntries);
  }

  /** How many tokens are held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * A token for the user and scopes with at least `minValidityMinutes` left: a cached one, the one
   * being issued for another caller, or a new one.
   *
   * @param user - the user, or its `communicationUserId`.
   * @param scopes - e.g. `["chat"]`; the order does not matter.
   * @param options - `abortSignal`: stops this caller's wait; a shared issue goes on for the others.
   * @returns the token and its expiry (a copy: changing it changes nothing cached).
   * @throws TypeError or RangeError for a bad user or scopes (nothing is sent); what the issuer throws
   * (a `RestError`, a `ThrottledError`); an `AbortError` when the signal fires.
   */
  async getToken(
    user: CommunicationUser | string,
    scopes: TokenScope[],
    options: { abortSignal?: AbortSignalLike } = {},
  ): Promise<CommunicationAccessToken> {
    const id = userIdOf(user);
    // Their form only: the issuer checks them against its own api-version when it issues.
    const sorted = [...new Set(checkScopes(scopes, JOIN_SCOPES_SINCE))].sort() as TokenScope[];
    const key = `${id}\n${sorted.join(" ")}`;
    const cached = this.#shared ? undefined : this.#cached(key);
    if (cached !== undefined) return copy(cached);
    const flight = `${key}\n${this.#generations.get(id)?.generation ?? 0}`;
    return copy(await this.#issues.run(flight, flight, options.abortSignal, () => this.#tracked(id, () => this.#fetch(id, sorted, key))));
  }

  /**
   * Drops every token of the user, and keeps none being issued right now, here and in the shared
   * store. Revoking or deleting the user through the client of `SurgeGuard.tokenCache` does this by itself.
   *
   * @param user - the user, or its `communicationUserId`.
   */
  async forget(user: CommunicationUser | string): Promise<void> {
    const id = userIdOf(user);
    const waiting = this.#generations.get(id);
    if (waiting !== undefined) waiting.generation += 1;
    for (const issue of this.#inFlight.get(id) ?? []) issue.dropped = true;
    this.#entries.deletePrefix(`${id}\n`);
    await this.#shared?.forgetUser(id);
  }

  /** Drops every token, and keeps none being issued right now. */
  clear(): void {
    for (const user of this.#generations.values()) user.generation += 1;
    for (const issues of this.#inFlight.values()) for (const issue of issues) issue.dropped = true;
    this.#entries.clear();
  }

  /** Runs a flight of the user's, counted so that its generation is kept while one is in flight. */
  async #tracked(id: string, fetch: () => Promise<CommunicationAccessToken>): Promise<CommunicationAccessToken> {
    const user = this.#generations.get(id) ?? { generation: 0, flights: 0 };
    this.#generations.set(id, user);
    user.flights += 1;
    try {
      return await fetch();
    } finally {
      user.flights -= 1;
      if (user.flights === 0) this.#generations.delete(id);
    }
  }

  /** A cached token with enough validity left, marked as recently used. */
  #cached(key: string): CommunicationAccessToken | undefined {
    const cached = this.#entries.get(key);
    return cached !== undefined && cached.expiresOn.getTime() - Date.now() >= this.#minValidityMs ? cached : undefined;
  }

  /** The shared store's token when it can be reached (memory then holds nothing that could go stale), else memory's. */
  async #fetch(id: string, scopes: TokenScope[], key: string): Promise<CommunicationAccessToken> {
    const shared = await this.#shared?.fetch(key, id, this.#minValidityMs, () => this.#issuer.getToken(id, scopes, this.#issueOptions()));
    if (shared !== undefined) {
      this.#entries.clear();
      return shared;
    }
    return this.#cached(key) ?? this.#issue(id, scopes, key);
  }

  #issueOptions(): { tokenExpiresInMinutes?: number } {
    return this.#tokenExpiresInMinutes === undefined ? {} : { tokenExpiresInMinutes: this.#tokenExpiresInMinutes };
  }

  async #issue(id: string, scopes: TokenScope[], key: string): Promise<CommunicationAccessToken> {
    const issue = { dropped: false };
    const issues = this.#inFlight.get(id) ?? new Set();
    this.#inFlight.set(id, issues.add(issue));
    try {
      const { token, expiresOn } = await this.#issuer.getToken(id, scopes, this.#issueOptions());
      // Kept only while it can still be handed out, and not when the user's tokens were dropped meanwhile.
      const deadline = expiresOn.getTime() - this.#minValidityMs;
      if (!issue.dropped && deadline > Date.now()) this.#entries.set(key, { token, expiresOn }, deadline);
      return { token, expiresOn };
    } finally {
      issues.delete(issue);
      if (issues.size === 0) this.#inFlight.delete(id);
    }
  }
}

function copy(token: CommunicationAccessToken): CommunicationAccessToken {
  return { token: token.token, expiresOn: new Date(token.expiresOn) };
}
