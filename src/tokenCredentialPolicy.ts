import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy, PipelineRequest } from "@azure/core-rest-pipeline";
import { raceAbort } from "./abort.js";

/** The Entra ID scope of the Communication Services data plane. */
export const COMMUNICATION_SCOPE = "https://communication.azure.com//.default";

/** Refresh a cached token this long before it expires. */
const REFRESH_MARGIN_MS = 2 * 60 * 1000;

/**
 * Adds `Authorization: Bearer <token>` from a `TokenCredential`, caching the token until shortly
 * before it expires and sharing one refresh among concurrent requests. Unlike the pipeline's
 * bearer policy it works over the plain http the client allowed (the local emulator).
 *
 * @internal
 */
export function tokenCredentialPolicy(credential: TokenCredential): PipelinePolicy {
  let cached: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;

  // The fetch is shared, so it carries no caller's signal: one caller giving up must not fail
  // the others. Each caller stops waiting on its own signal instead.
  async function fetchToken(): Promise<AccessToken> {
    const token = await credential.getToken(COMMUNICATION_SCOPE);
    if (!token) throw new Error("The TokenCredential returned no token for https://communication.azure.com//.default.");
    return token;
  }

  async function tokenFor(request: PipelineRequest): Promise<string> {
    if (cached && cached.expiresOnTimestamp - Date.now() > REFRESH_MARGIN_MS) return cached.token;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    cached = await raceAbort(pending, request.abortSignal);
    return cached.token;
  }

  return {
    name: "CommunicationTokenCredentialPolicy",
    async sendRequest(request, next) {
      request.headers.set("Authorization", `Bearer ${await tokenFor(request)}`);
      return next(request);
    },
  };
}
