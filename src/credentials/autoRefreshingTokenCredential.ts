/**
 * A Communication Services token that keeps itself fresh, for the Chat and Calling SDKs.
 */
import type { AccessToken } from "@azure/core-auth";
import { raceAbort } from "../transport/abort.js";
import { decodeJwtPayload, expiryOf } from "./jwt.js";
import type { AbortSignalLike } from "../client/models.js";
import { parseTimestamp } from "../client/responses.js";

/**
 * A token in any form a server or the Azure SDK hands one over:
 *
 * - a JWT string (its `exp` claim says when it expires), as `AzureCommunicationTokenCredential` takes;
 * - `{ token, expiresOn }` as `issueToken` and `createUserAndToken` return it, with `expiresOn` a
 *   `Date`, or the ISO 8601 string it becomes in JSON (`res.json(await client.issueToken(...))` on
 *   the server, `.json()` in the browser); other properties, such as `user`, are ignored;
 * - core-auth's `AccessToken`, `{ token, expiresOnTimestamp }` (milliseconds since the epoch);
 * - `{ token }` alone, when the token is a JWT.
 *
 * An opaque (encrypted) token needs one of the forms with its expiry.
 */
export type TokenInput = string | { token: string; expiresOn?: Date | string } | { token: string; expiresOnTimestamp: number };

/**
 * Fetches a new Communication Services token, usually from your own server's token route (which
 * calls {@link CommunicationIdentityClient.issueToken}), and resolves to it in any
 * {@link TokenInput} form: `(await fetch("/api/token")).json()` will do.
 *
 * @param abortSignal - fires when the credential is disposed; pass it on to `fetch`.
 */
export type TokenRefresher = (abortSignal?: AbortSignalLike) => Promise<TokenInput>;

/** Options of {@link AutoRefreshingTokenCredential}. */
export interface AutoRefreshingTokenCredentialOptions {
  /** Fetches a new token; called before the current one expires. */
  tokenRefresher: TokenRefresher;
  /**
   * A token to start with, so the first `getToken` needs no refresh, in any {@link TokenInput} form.
   * @defaultValue none: the first `getToken` calls `tokenRefresher`
   */
  token?: TokenInput;
  /**
   * Refresh in the background, `refreshMarginMs` before expiry, so `getToken` rarely waits.
   * Without it, `getToken` refreshes when called with a token that is about to expire.
   * @defaultValue false
   */
  refreshProactively?: boolean;
  /**
   * How long before expiry a token counts as stale and is refreshed, in milliseconds.
   * @defaultValue 600000 (10 minutes)
   */
  refreshMarginMs?: number;
}

/** The default of {@link AutoRefreshingTokenCredentialOptions.refreshMarginMs}: 10 minutes. */
export const DEFAULT_REFRESH_MARGIN_MS = 10 * 60_000;

/** Backoff after a refresh that gave no fresh token: 1 s, doubling, at most 1 minute. */
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

/** `setTimeout` fires at once for delays past 2^31 - 1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function disposedError(): Error {
  return new Error("This AutoRefreshingTokenCredential was disposed; create a new one to get tokens.");
}

function backoffMs(strikes: number): number {
  return Math.min(FIRST_BACKOFF_MS * 2 ** (strikes - 1), MAX_BACKOFF_MS);
}

/** Milliseconds since the epoch from an `expiresOnTimestamp`, an `expiresOn` Date or its JSON string; NaN when unreadable. */
function expiryMsOf(value: { expiresOn?: unknown; expiresOnTimestamp?: unknown }): number | undefined {
  const { expiresOn, expiresOnTimestamp } = value;
  if (expiresOnTimestamp !== undefined) return typeof expiresOnTimestamp === "number" ? expiresOnTimestamp : NaN;
  if (expiresOn instanceof Date) return expiresOn.getTime();
  if (expiresOn !== undefined) return parseTimestamp(expiresOn)?.getTime() ?? NaN;
  return undefined;
}

/** The token and expiry of what the caller or the refresher handed over, in any {@link TokenInput} form. */
function accessTokenOf(value: unknown, what: string): AccessToken {
  const holder = (typeof value === "object" && value !== null ? value : {}) as {
    token?: unknown;
    expiresOn?: unknown;
    expiresOnTimestamp?: unknown;
  };
  const token = typeof value === "string" ? value : holder.token;
  if (typeof token !== "string" || token === "") {
    throw new TypeError(
      `${what} must be a JWT string, or { token, expiresOn } as issueToken returns it (expiresOn a Date or its JSON string).`,
    );
  }
  let expiresOnTimestamp = typeof value === "string" ? undefined : expiryMsOf(holder);
  if (expiresOnTimestamp === undefined) {
    const claims = decodeJwtPayload(token);
    expiresOnTimestamp = (claims && expiryOf(claims))?.getTime();
    if (expiresOnTimestamp === undefined) {
      throw new TypeError(`${what} is a token without a readable exp claim (an opaque token): return { token, expiresOn } instead.`);
    }
  }
  if (!Number.isFinite(expiresOnTimestamp)) {
    throw new TypeError(
      `${what} has an expiresOn that is not a time: pass a Date, an ISO 8601 string or expiresOnTimestamp in milliseconds.`,
    );
  }
  return { token, expiresOnTimestamp };
}

/** Whether the constructor was given refresh options rather than a token. */
function isRefreshOptions(value: unknown): value is AutoRefreshingTokenCredentialOptions {
  return (
    typeof value === "object" && value !== null && ["tokenRefresher", "refreshProactively", "refreshMarginMs"].some((key) => key in value)
  );
}

function checkOptions(options: AutoRefreshingTokenCredentialOptions): AutoRefreshingTokenCredentialOptions {
  if (typeof options.tokenRefresher !== "function") {
    throw new TypeError("AutoRefreshingTokenCredential needs { tokenRefresher }: a function that resolves to a new token.");
  }
  const margin = options.refreshMarginMs;
  if (margin !== undefined && typeof margin !== "number") throw new TypeError("refreshMarginMs must be a number of milliseconds.");
  if (margin !== undefined && !(margin >= 0 && margin < MAX_TIMER_MS)) {
    throw new RangeError(`refreshMarginMs must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, e.g. 600000 for 10 minutes.`);
  }
  return options;
}

/**
 * A `CommunicationTokenCredential` (the interface the Chat and Calling SDKs take) that refreshes
 * its token through your callback.
 *
 * - Every `getToken` checks the expiry itself, so a timer stalled by a sleeping laptop or a
 *   background tab never hands out an expired token.
 * - Concurrent callers share one refresh; aborting one caller's `getToken` rejects that caller
 *   only, and the refresh goes on for the others.
 * - When a refresh fails, or yields a token that is already inside the refresh margin, automatic
 *   refreshes back off (1 s doubling to 1 min) instead of calling the callback in a loop; meanwhile
 *   `getToken` hands out the current token while it is still valid.
 * - The background timer is `unref`'d, so it never keeps Node running.
 *
 * @example
 * ```ts
 * const credential = new AutoRefreshingTokenCredential({
 *   // Your server's token route answers with JSON: { token, expiresOn, ... }.
 *   tokenRefresher: async (abortSignal) => (await fetch("/api/token", { method: "POST", signal: abortSignal })).json(),
 *   refreshProactively: true,
 * });
 * const chatClient = new ChatClient(endpoint, credential);
 * // later, when the user signs out:
 * credential.dispose();
 * ```
 */
export class AutoRefreshingTokenCredential {
  /** None for a credential made from a fixed token. */
  readonly #refresher: TokenRefresher | undefined;
  readonly #proactive: boolean;
  readonly #margin: number;
  readonly #disposal = new AbortController();
  #current: AccessToken | undefined;
  #pending: Promise<AccessToken> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Refreshes in a row that gave no fresh token. */
  #strikes = 0;
  /** Until this time (ms since the epoch), a valid but stale token is handed out without refreshing. */
  #notBefore = 0;

  /**
   * A credential holding one fixed token, as `new AzureCommunicationTokenCredential(token)` does:
   * `getToken` hands it out until it expires, then rejects.
   *
   * @param token - a JWT string, `{ token }`, `{ token, expiresOn }` (a Date or its JSON string) or `{ token, expiresOnTimestamp }`.
   * @throws TypeError when the token is empty, opaque without an expiry, or its expiry is not a time.
   */
  constructor(token: TokenInput);
  /**
   * A credential that refreshes its token through `tokenRefresher`.
   *
   * @param options - the refresher callback, an optional first token, `refreshProactively` (default false) and `refreshMarginMs` (default 10 minutes).
   * @throws TypeError when `tokenRefresher` is not a function or `token` is not a usable {@link TokenInput}; RangeError for a negative `refreshMarginMs`.
   */
  constructor(options: AutoRefreshingTokenCredentialOptions);
  constructor(tokenOrOptions: TokenInput | AutoRefreshingTokenCredentialOptions) {
    const refreshing = isRefreshOptions(tokenOrOptions);
    const options: Partial<AutoRefreshingTokenCredentialOptions> = refreshing ? checkOptions(tokenOrOptions) : {};
    this.#refresher = options.tokenRefresher;
    this.#proactive = options.refreshProactively ?? false;
    this.#margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    const token = refreshing ? options.token : tokenOrOptions;
    if (token !== undefined || !this.#refresher) this.#current = accessTokenOf(token, "token");
    if (this.#proactive) this.#schedule();
  }

  /**
   * The current token, refreshed first when it expires within the refresh margin.
   *
   * @param options - `abortSignal` stops this call from waiting (it rejects with an `AbortError`); a shared refresh continues.
   * @returns `{ token, expiresOnTimestamp }`, the expiry in milliseconds since the epoch.
   * @throws Error after {@link AutoRefreshingTokenCredential.dispose}; whatever `tokenRefresher` throws when no valid token is left; TypeError when it returns something unusable; RangeError when it returns an expired token.
   */
  async getToken(options: { abortSignal?: AbortSignalLike } = {}): Promise<AccessToken> {
    if (this.#disposal.signal.aborted) throw disposedError();
    if (!this.#refresher) return this.#fixedToken();
    const usable = this.#usable(Date.now());
    if (usable) return usable;
    try {
      return await raceAbort(this.#refresh(), options.abortSignal);
    } catch (error) {
      // A failed refresh is no reason to withhold a token that still works.
      const fallback = this.#current;
      if (options.abortSignal?.aborted || this.#disposal.signal.aborted || !fallback || fallback.expiresOnTimestamp <= Date.now())
        throw error;
      return fallback;
    }
  }

  /** The one token of a credential made without a refresher, while it lasts. */
  #fixedToken(): AccessToken {
    const token = this.#current!;
    if (token.expiresOnTimestamp > Date.now()) return token;
    throw new Error(
      `The token expired at ${new Date(token.expiresOnTimestamp).toISOString()} and this credential has no tokenRefresher to renew it:` +
        " create it with { tokenRefresher } (e.g. a fetch of your token route) instead of a fixed token.",
    );
  }

  /** Stops background refreshes and drops the token; later `getToken` calls reject. Safe to call twice. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#current = undefined;
    this.#disposal.abort();
  }

  /** A token to hand out now without refreshing: a fresh one, or a valid one while backing off. */
  #usable(now: number): AccessToken | undefined {
    const token = this.#current;
    if (!token || token.expiresOnTimestamp <= now) return undefined;
    return token.expiresOnTimestamp - now > this.#margin || now < this.#notBefore ? token : undefined;
  }

  #refresh(): Promise<AccessToken> {
    this.#pending ??= this.#runRefresh().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #runRefresh(): Promise<AccessToken> {
    const signal = this.#disposal.signal;
    try {
      const token = accessTokenOf(await this.#refresher!(signal), "The value tokenRefresher resolved to");
      if (signal.aborted) throw disposedError();
      if (token.expiresOnTimestamp <= Date.now()) {
        throw new RangeError(
          `tokenRefresher returned a token that expired at ${new Date(token.expiresOnTimestamp).toISOString()}: it must return a new token.`,
        );
      }
      this.#current = token;
      this.#recordOutcome(token.expiresOnTimestamp - Date.now() > this.#margin);
      return token;
    } catch (error) {
      if (signal.aborted) throw disposedError();
      this.#recordOutcome(false);
      throw error;
    }
  }

  /** A fresh token ends the backoff; anything else lengthens it. Then the next background refresh is planned. */
  #recordOutcome(fresh: boolean): void {
    this.#strikes = fresh ? 0 : this.#strikes + 1;
    this.#notBefore = fresh ? 0 : Date.now() + backoffMs(this.#strikes);
    if (this.#proactive) this.#schedule();
  }

  #onTimer(): void {
    this.#timer = undefined;
    // A delay capped at the timer's limit, or a clock set back, can wake the timer early.
    const token = this.#current;
    if (token && token.expiresOnTimestamp - Date.now() > this.#margin) return this.#schedule();
    this.#refresh().catch(() => {
      // Retried after the backoff; getToken reports failures to its callers.
    });
  }

  /** Plans a background refresh for when the token turns stale, but not before the backoff ends. */
  #schedule(): void {
    const staleAt = this.#current ? this.#current.expiresOnTimestamp - this.#margin : 0;
    const delay = Math.min(Math.max(staleAt, this.#notBefore) - Date.now(), MAX_TIMER_MS);
    clearTimeout(this.#timer);
    const timer = setTimeout(() => this.#onTimer(), Math.max(delay, 0));
    // Node: never keep the process alive just to refresh a token. Browsers return a number.
    if (typeof timer === "object") timer.unref?.();
    this.#timer = timer;
  }
}
