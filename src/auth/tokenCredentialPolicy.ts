import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy, PipelineRequest } from "@azure/core-rest-pipeline";
import { abortError, raceAbort, type Deadline } from "../transport/abort.js";
import { ENDPOINT_FORMAT, isLoopbackHost } from "./endpoint.js";
import { hasLeftOrigin, removeHeaders } from "./requestOrigin.js";

/** The Entra ID scope of the Communication Services data plane. */
export const COMMUNICATION_SCOPE = "https://communication.azure.com//.default";

/** Refresh a cached token this long before it expires. */
const REFRESH_MARGIN_MS = 2 * 60 * 1000;

/**
 * How long one `getToken` may run before it is given up: its waiting calls reject, and the next
 * call asks the credential again. Two minutes: far beyond a managed identity or the Azure CLI, and
 * enough for most interactive or device-code sign-ins. Calls with `requestOptions.timeout` give up
 * sooner, each on its own.
 */
export const TOKEN_FETCH_LIMIT_MS = 120_000;

/** One `getToken` in flight, shared by the calls waiting for it. */
interface Fetch {
  readonly promise: Promise<AccessToken>;
  /** How many calls wait for it; when the last one gives up, the fetch is abandoned. */
  waiters: number;
  /** Aborts `getToken`'s signal and rejects the fetch with `error`, unless it has settled. */
  readonly abandon: (error: Error) => void;
}

/**
 * Adds `Authorization: Bearer <token>` from a `TokenCredential`, caching the token until shortly
 * before it expires and sharing one `getToken` among concurrent requests.
 *
 * - Like the pipeline's bearer policy, it sends the token only over https, with one exception:
 *   plain http to a loopback host, where the emulator runs. Anything else is refused before the
 *   credential is asked, whatever `allowInsecureConnection` says.
 * - It sends the token only to the origin the request was made for: a request that a redirect took
 *   elsewhere goes without `Authorization`.
 * - `getToken` gets the fetch limit as `requestOptions.timeout` (no caller's timeout: callers share
 *   the fetch) and an abort signal that fires when every call waiting for it has given up (its
 *   abort signal or its `requestOptions.timeout`), or after the fetch limit
 *   ({@link TOKEN_FETCH_LIMIT_MS}). A call stops waiting at once on its own signal or timeout, and a
 *   `getToken` that never settles blocks no later call: once abandoned, the next call starts anew.
 *
 * @param fetchLimitMs - how long one `getToken` may take; {@link TOKEN_FETCH_LIMIT_MS} by default.
 * @internal
 */
export function tokenCredentialPolicy(credential: TokenCredential, fetchLimitMs = TOKEN_FETCH_LIMIT_MS): PipelinePolicy {
  let cached: AccessToken | undefined;
  let current: Fetch | undefined;

  function startFetch(): Fetch {
    const controller = new AbortController();
    let settled = false;
    let fail!: (error: Error) => void;
    const promise = new Promise<AccessToken>((resolve, reject) => {
      fail = reject;
      // The fetch limit, not a caller's timeout: the fetch is shared, and a later caller may wait longer.
      const options: GetTokenOptions = { abortSignal: controller.signal, requestOptions: { timeout: fetchLimitMs } };
      credential.getToken(COMMUNICATION_SCOPE, options).then((token) => (token ? resolve(token) : reject(new Error(NO_TOKEN))), reject);
    });
    const fetch: Fetch = {
      promise,
      waiters: 0,
      abandon(error) {
        if (settled) return;
        // At once, so that no call joins a fetch that is being given up.
        if (current === fetch) current = undefined;
        controller.abort();
        fail(error);
      },
    };
    const limit = setTimeout(
      () => fetch.abandon(new Error(`No token from the TokenCredential within ${fetchLimitMs} ms; the next request asks again.`)),
      fetchLimitMs,
    );
    // Also marks the rejection as handled when every waiter has already gone.
    const end = (): void => {
      settled = true;
      clearTimeout(limit);
      if (current === fetch) current = undefined;
    };
    promise.then(end, end);
    return fetch;
  }

  async function tokenFor(request: PipelineRequest): Promise<string> {
    if (cached && cached.expiresOnTimestamp - Date.now() > REFRESH_MARGIN_MS) return cached.token;
    if (request.abortSignal?.aborted) throw abortError();
    const timeout = request.timeout > 0 ? request.timeout : undefined;
    const fetch = (current ??= startFetch());
    const deadline: Deadline | undefined = timeout
      ? { ms: timeout, message: `No token from the TokenCredential within the request's timeout (${timeout} ms).` }
      : undefined;
    fetch.waiters++;
    try {
      cached = await raceAbort(fetch.promise, request.abortSignal, undefined, deadline);
      return cached.token;
    } finally {
      // The last waiter leaving a fetch that has not settled means every waiter gave up: abort getToken.
      if (--fetch.waiters === 0) fetch.abandon(abortError());
    }
  }

  return {
    name: "CommunicationTokenCredentialPolicy",
    async sendRequest(request, next) {
      if (hasLeftOrigin(request)) {
        removeHeaders(request, ["Authorization"]);
        return next(request);
      }
      assertTokenMayTravel(request.url);
      request.headers.set("Authorization", `Bearer ${await tokenFor(request)}`);
      return next(request);
    },
  };
}

const NO_TOKEN = `The TokenCredential returned no token for ${COMMUNICATION_SCOPE}.`;

/**
 * Refuses to send a token in clear text beyond this machine; the token exchange applies it too.
 *
 * @throws TypeError for plain http to a host that is not loopback.
 */
export function assertTokenMayTravel(url: string): void {
  if (url.startsWith("https:")) return;
  const { protocol, hostname, origin } = new URL(url);
  if (protocol === "http:" && isLoopbackHost(hostname)) return;
  throw new TypeError(
    `Refused to send a Microsoft Entra token over plain http to ${origin}, where anyone on the network could read it; ` +
      "allowInsecureConnection does not change that. Tokens go over https, or plain http to a loopback host (the emulator): " +
      `use ${ENDPOINT_FORMAT}.`,
  );
}
