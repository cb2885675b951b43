/**
 * A `TokenCredential` that hands out test Entra tokens (see `entraTestTokens.ts`), so that code
 * which takes an Entra credential (Microsoft's `AzureCommunicationTokenCredential`, this package's
 * Entra credential) can be tested against the emulator without reaching Entra.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { abortError } from "../../transport/abort.js";
import { mintEntraTestToken, type EntraTestTokenOptions } from "./entraTestTokens.js";

/** Who the tokens are for; the scopes come with each `getToken` call. */
export interface EntraTestCredentialOptions extends Omit<EntraTestTokenOptions, "scopes" | "now"> {
  /** The clock, milliseconds since the epoch (the emulator's, when it is frozen). @default Date.now */
  now?: () => number;
}

/**
 * A test `TokenCredential` for one Entra user: each `getToken(scopes)` mints a new token for
 * exactly those scopes (`aud` their resource, `scp` their permissions), as Entra would issue.
 *
 * @example
 * ```ts
 * const entra = new EntraTestCredential({ tenantId, objectId, clientId });
 * const { token } = (await entra.getToken("https://communication.azure.com/clients/.default"))!;
 * ```
 */
export class EntraTestCredential implements TokenCredential {
  readonly #options: EntraTestCredentialOptions;

  /**
   * @param options - the tenant, user, application, groups, lifetime and token version.
   * @throws TypeError or RangeError at once for ids that are not GUIDs or a lifetime outside 1 to
   * 1440 minutes, with {@link mintEntraTestToken}'s message.
   */
  constructor(options: EntraTestCredentialOptions) {
    this.#options = { ...options };
    this.#mint(undefined);
  }

  /**
   * Mints a token for `scopes`.
   *
   * @param scopes - one scope or several, all of one family and resource.
   * @param options - an aborted `abortSignal` rejects; nothing else is read.
   * @returns the token, its expiry (`expiresOnTimestamp`, milliseconds since the epoch) and `tokenType` "Bearer".
   * @throws RangeError (a rejection) for scopes of no or of both families, or of several resources.
   */
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    if (options?.abortSignal?.aborted) throw abortError();
    const { token, expiresOn } = this.#mint(typeof scopes === "string" ? [scopes] : scopes);
    return { token, expiresOnTimestamp: expiresOn.getTime(), tokenType: "Bearer" };
  }

  #mint(scopes: readonly string[] | undefined) {
    const { now = Date.now, ...who } = this.#options;
    return mintEntraTestToken({ ...who, ...(scopes === undefined ? {} : { scopes }), now: now() });
  }
}
