/**
 * A Communication Services credential for a user signed in with Microsoft Entra: it exchanges the
 * user's Entra token for a Communication Services token and keeps it fresh, for the Chat and
 * Calling SDKs.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { AbortSignalLike } from "../client/models.js";
import { abortError, raceAbort } from "../transport/abort.js";
import { DEFAULT_REFRESH_MARGIN_MS } from "./autoRefreshingTokenCredential.js";
import { DEFAULT_ENTRA_SCOPES } from "./entraScopes.js";
import { exchangeUrlFor, sendExchange } from "./exchangeEntraToken.js";

/**
 * Options of {@link EntraCommunicationTokenCredential}: the same as `@azure/communication-common`'s
 * `EntraCommunicationTokenCredentialOptions`.
 */
export interface EntraCommunicationTokenCredentialOptions {
  /** The resource's endpoint, e.g. `https://my-resource.communication.azure.com` (plain http only to loopback, such as the emulator). */
  resourceEndpoint: string;
  /** Gets the user's Microsoft Entra token, e.g. `InteractiveBrowserCredential` of `@azure/identity`. */
  tokenCredential: TokenCredential;
  /**
   * The Entra scopes to ask `tokenCredential` for, all of one family, which chooses the exchange:
   * `https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls` (or `.azure.us/` for
   * US government) for Teams Phone extensibility; `https://communication.azure.com/clients/<scope>`
   * (e.g. `.../clients/VoIP`) for Entra ID users.
   * @defaultValue `["https://communication.azure.com/clients/.default"]`
   */
  scopes?: string[];
}

/** What was exchanged last: the Entra token and the Communication Services token it gave. */
interface Exchanged {
  entraToken: string;
  token: AccessToken;
}

function disposedError(): Error {
  return new Error("This EntraCommunicationTokenCredential was disposed; create a new one to get tokens.");
}

/**
 * A `CommunicationTokenCredential` (what the Chat and Calling SDKs take, like
 * `AzureCommunicationTokenCredential`) for a Microsoft Entra user: each `getToken` asks
 * `tokenCredential` for the user's Entra token (MSAL and `@azure/identity` cache it) and exchanges
 * it for a Communication Services token when there is none yet, when the Entra token changed (it
 * was renewed, or another user signed in), when the Communication Services token has expired, or
 * when it expires within 10 minutes and the Entra token outlives it. Otherwise it hands out the
 * token it has.
 *
 * Unlike `@azure/communication-common`'s credential, it checks its options in the constructor,
 * fetches nothing until asked (so nothing can reject unhandled), refreshes ahead of expiry, rejects
 * when the exchange or the Entra credential fails (with the service's status and code), and lets
 * each caller's abort signal stop that caller's wait at once. Concurrent callers share one
 * exchange; it is cut short only by {@link EntraCommunicationTokenCredential.dispose}. There are no
 * timers: refreshing happens in `getToken`, which the SDKs call ahead of expiry.
 *
 * @example
 * ```ts
 * const credential = new EntraCommunicationTokenCredential({
 *   resourceEndpoint: "https://my-resource.communication.azure.com",
 *   tokenCredential: new InteractiveBrowserCredential({ tenantId, clientId }),
 *   scopes: ["https://communication.azure.com/clients/VoIP"],
 * });
 * const callAgent = await new CallClient().createCallAgent(credential);
 * ```
 */
export class EntraCommunicationTokenCredential {
  readonly #url: string;
  readonly #scopes: string[];
  readonly #tokenCredential: TokenCredential;
  readonly #disposal = new AbortController();
  #exchanged: Exchanged | undefined;
  #pending: Promise<AccessToken> | undefined;

  /**
   * @param options - the resource endpoint, the Entra `tokenCredential` and the `scopes` (default
   *   `["https://communication.azure.com/clients/.default"]`); the object is not changed or kept.
   * @throws TypeError when `resourceEndpoint` is not an http(s) origin or is plain http to a host
   *   other than loopback, when `tokenCredential` has no `getToken`, or when `scopes` is not an
   *   array of strings; RangeError when `scopes` is empty, names a scope of neither family or mixes them.
   */
  constructor(options: EntraCommunicationTokenCredentialOptions) {
    const { resourceEndpoint, tokenCredential, scopes = DEFAULT_ENTRA_SCOPES } = options ?? {};
    if (typeof tokenCredential?.getToken !== "function") {
      throw new TypeError(
        "tokenCredential must be a TokenCredential (such as InteractiveBrowserCredential) that gets the user's Entra token.",
      );
    }
    this.#url = exchangeUrlFor(resourceEndpoint, scopes);
    // A copy: the caller's array may change later, and Entra is asked for what was checked.
    this.#scopes = [...scopes];
    this.#tokenCredential = tokenCredential;
  }

  /**
   * A Communication Services token for the user, exchanged first when needed (see the class).
   *
   * @param options - `abortSignal` stops this call's wait at once (it rejects with an `AbortError`); a shared exchange goes on for the others.
   * @returns `{ token, expiresOnTimestamp }`, the expiry in milliseconds since the epoch.
   * @throws Error after {@link EntraCommunicationTokenCredential.dispose}, or when `tokenCredential`
   *   gives no token; whatever `tokenCredential.getToken` throws; `RestError` when the exchange
   *   fails (its `statusCode` and the service's `code`).
   */
  async getToken(options: { abortSignal?: AbortSignalLike } = {}): Promise<AccessToken> {
    if (this.#disposal.signal.aborted) throw disposedError();
    // An aborted caller starts nothing.
    if (options.abortSignal?.aborted) throw abortError();
    this.#pending ??= this.#update().finally(() => (this.#pending = undefined));
    try {
      return await raceAbort(this.#pending, options.abortSignal);
    } catch (error) {
      throw this.#disposal.signal.aborted ? disposedError() : error;
    }
  }

  /** Stops an exchange in flight and drops the token; later `getToken` calls reject. Safe to call twice. */
  dispose(): void {
    this.#exchanged = undefined;
    this.#disposal.abort();
  }

  async #update(): Promise<AccessToken> {
    const abortSignal = this.#disposal.signal;
    const entra = await this.#tokenCredential.getToken(this.#scopes, { abortSignal });
    if (!entra?.token) throw new Error(`The tokenCredential gave no Microsoft Entra token for ${JSON.stringify(this.#scopes)}.`);
    const exchanged = this.#exchanged;
    if (exchanged && !needsExchange(exchanged, entra, Date.now())) return exchanged.token;
    const { token, expiresOnTimestamp } = await sendExchange(this.#url, entra.token, abortSignal);
    if (abortSignal.aborted) throw disposedError();
    this.#exchanged = { entraToken: entra.token, token: { token, expiresOnTimestamp } };
    return this.#exchanged.token;
  }
}

/**
 * Whether the token must be exchanged anew: the Entra token changed, the token expired, or it
 * expires within the margin and an exchange could give a later expiry (the service gives the token
 * the Entra token's expiry, so with the same Entra token that is only so when it outlives it).
 */
function needsExchange({ entraToken, token }: Exchanged, entra: AccessToken, now: number): boolean {
  if (entra.token !== entraToken || token.expiresOnTimestamp <= now) return true;
  return token.expiresOnTimestamp - now <= DEFAULT_REFRESH_MARGIN_MS && entra.expiresOnTimestamp > token.expiresOnTimestamp;
}
