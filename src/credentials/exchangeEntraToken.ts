/**
 * Exchanges a user's Microsoft Entra token for a Communication Services token: the one request
 * behind {@link EntraCommunicationTokenCredential} and the CLI's exchange command.
 *
 * It goes through the client's own small pieces (its pipeline, retry policy and HTTP client: fetch
 * in browsers). core-rest-pipeline's `createPipelineFromOptions` with its default HTTP client, which
 * `@azure/communication-common` uses, would add about 9 KB gzip to a browser bundle (measured with
 * `scripts/browser-bundle.mjs`: 12.9 KB against 3.6 KB for `RestError` alone).
 */
import {
  createHttpHeaders,
  RestError,
  setClientRequestIdPolicy,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { defaultHttpClient, userAgentPolicyFor } from "#nodePolicies";
import { parseEndpoint } from "../auth/endpoint.js";
import { assertTokenMayTravel } from "../auth/tokenCredentialPolicy.js";
import type { AbortSignalLike } from "../client/models.js";
import { randomUuid } from "../client/randomUuid.js";
import { parseTimestamp } from "../client/responses.js";
import { createPipeline, SDK_USER_AGENT, type Pipeline } from "../transport/pipeline.js";
import { identityRetryPolicy } from "../transport/retryPolicy.js";
import { exchangeTargetFor, knownExchangeTarget, type EntraExchangeTarget } from "./entraScopes.js";

/** Options of {@link exchangeEntraToken}. */
export interface ExchangeEntraTokenOptions {
  /** Stops the exchange at once, retries and their waits included: the promise rejects with an `AbortError`. */
  abortSignal?: AbortSignalLike;
}

/** A Communication Services token obtained for a Microsoft Entra user, and whom it is for. */
export interface EntraTokenExchangeResult {
  /** The Communication Services access token. */
  token: string;
  /** When it expires, in milliseconds since the epoch (the service gives it the Entra token's expiry). */
  expiresOnTimestamp: number;
  /**
   * The user's Communication Services id: `8:acs:<resource>_wf_<tenant>_<user>` for Entra ID users,
   * `8:acs:<resource>_<tenant>_<user>` for Teams Phone extensibility.
   */
  communicationUserId: string;
}

/**
 * The exchange URL for an endpoint and scopes, checked: the one check the function and the
 * credential's constructor share.
 *
 * @throws TypeError for an endpoint that is not an http(s) origin, or plain http to a host that is
 * not loopback; TypeError or RangeError for scopes that name no single family, or a target that is
 * not one of `entraScopes.ts`'s table.
 * @internal
 */
export function exchangeUrlFor(resourceEndpoint: unknown, scopesOrTarget: readonly string[] | EntraExchangeTarget): string {
  const endpoint = parseEndpoint(resourceEndpoint, "resourceEndpoint");
  assertTokenMayTravel(endpoint.href);
  const target = isTarget(scopesOrTarget) ? knownExchangeTarget(scopesOrTarget) : exchangeTargetFor(scopesOrTarget);
  const url = new URL(target.path, endpoint.origin);
  url.searchParams.set("api-version", target.apiVersion);
  // The table's paths are absolute; checked again here because the user's Entra token goes to this URL.
  if (url.origin !== endpoint.origin) throw new RangeError(`The exchange would leave ${endpoint.origin} for ${url.origin}; refused.`);
  assertTokenMayTravel(url.href);
  return url.href;
}

function isTarget(value: unknown): value is EntraExchangeTarget {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "path" in value && "apiVersion" in value;
}

/**
 * Exchanges a Microsoft Entra access token of a user for a Communication Services access token,
 * as `@azure/communication-common`'s Entra credential does: `POST {}` with the Entra token as
 * bearer, to `/access/teamsExtension/:exchangeAccessToken?api-version=2025-06-30` for Teams Phone
 * extensibility scopes (`https://auth.msft.communication.azure.com/...` or `.azure.us/...`), or to
 * `/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview` for Entra ID user scopes
 * (`https://communication.azure.com/clients/...`). Throttling (429, 503 with `Retry-After`),
 * 408, 5xx and network failures are retried up to 3 times, as the client retries.
 *
 * @param resourceEndpoint - the resource's endpoint, `https://<resource>.communication.azure.com`
 *   (plain http only to a loopback host, such as the emulator).
 * @param entraToken - the user's Microsoft Entra access token, issued for `scopes`.
 * @param scopes - the scopes the Entra token was issued for, all of one family; they choose the
 *   exchange. Or the exchange target `exchangeTargetFor(scopes)` returns (for the CLI); any other
 *   target is refused, since its path decides where the Entra token goes.
 * @param options - an `abortSignal`.
 * @returns the token, its expiry in milliseconds since the epoch, and the user's Communication Services id.
 * @throws TypeError or RangeError, before any request, for a malformed endpoint, plain http beyond
 *   loopback, an empty token, scopes that are empty, unknown or of both families, or a target
 *   whose family, path or api-version is not the table's;
 *   `RestError` for any answer but 200 (its `statusCode`, the service's `code` and message) and
 *   for a 200 without a token, a readable `expiresOn` or the identity's id (`code` `PARSE_ERROR`);
 *   `AbortError` when aborted.
 * @example
 * ```ts
 * const { token, expiresOnTimestamp, communicationUserId } = await exchangeEntraToken(
 *   "https://my-resource.communication.azure.com",
 *   entraToken,
 *   ["https://communication.azure.com/clients/VoIP"],
 * );
 * ```
 */
export async function exchangeEntraToken(
  resourceEndpoint: string,
  entraToken: string,
  scopes: readonly string[] | EntraExchangeTarget,
  options: ExchangeEntraTokenOptions = {},
): Promise<EntraTokenExchangeResult> {
  return sendExchange(exchangeUrlFor(resourceEndpoint, scopes), entraToken, options.abortSignal);
}

/**
 * Sends the exchange to a URL made by {@link exchangeUrlFor}.
 *
 * @internal
 */
export async function sendExchange(url: string, entraToken: unknown, abortSignal?: AbortSignalLike): Promise<EntraTokenExchangeResult> {
  if (typeof entraToken !== "string" || entraToken === "") {
    throw new TypeError("The Microsoft Entra token must be a non-empty string: the user's access token, issued for the exchange's scopes.");
  }
  const request: PipelineRequest = {
    url,
    method: "POST",
    headers: createHttpHeaders({ Authorization: `Bearer ${entraToken}`, "Content-Type": "application/json", Accept: "application/json" }),
    body: "{}",
    abortSignal,
    timeout: 0,
    withCredentials: false,
    disableKeepAlive: false,
    enableBrowserStreams: false,
    requestId: randomUuid(),
    // exchangeUrlFor refused plain http beyond loopback.
    allowInsecureConnection: true,
  };
  pipeline ??= exchangePipeline();
  httpClient ??= defaultHttpClient();
  return readExchange(await pipeline.sendRequest(httpClient, request));
}

// Made at the first exchange, so that importing the module costs nothing.
let pipeline: Pipeline | undefined;
let httpClient: ReturnType<typeof defaultHttpClient> | undefined;

function exchangePipeline(): Pipeline {
  const exchange = createPipeline();
  exchange.addPolicy(setClientRequestIdPolicy());
  exchange.addPolicy(userAgentPolicyFor(SDK_USER_AGENT, {}));
  exchange.addPolicy(identityRetryPolicy(), { phase: "Retry" });
  return exchange;
}

function bodyOf(response: PipelineResponse): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(response.bodyAsText ?? "");
    return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readExchange(response: PipelineResponse): EntraTokenExchangeResult {
  if (response.status !== 200) throw exchangeError(response);
  const body = bodyOf(response);
  const accessToken = body?.["accessToken"] as { token?: unknown; expiresOn?: unknown } | undefined;
  const id = (body?.["identity"] as { id?: unknown } | undefined)?.id;
  const expiresOn = parseTimestamp(accessToken?.expiresOn);
  const missing =
    typeof accessToken?.token !== "string" || accessToken.token === ""
      ? "accessToken.token"
      : !expiresOn
        ? "an ISO 8601 accessToken.expiresOn"
        : typeof id !== "string" || id === ""
          ? "identity.id"
          : undefined;
  if (missing) {
    throw new RestError(`The token exchange answered 200 without ${missing}; this is not the Communication Services token exchange.`, {
      code: RestError.PARSE_ERROR,
      statusCode: 200,
      request: response.request,
      response,
    });
  }
  return { token: accessToken!.token as string, expiresOnTimestamp: expiresOn!.getTime(), communicationUserId: id as string };
}

/** What to check when the service refuses the Entra token, the statuses the exchange answers with. */
const HINTS: Record<number, string> = {
  401:
    " Check that the Microsoft Entra token is current and was issued for the exchange's scopes, and that an assignment on the resource" +
    " admits the user (directly, through a group or their tenant) and the client application.",
  403: " Check that an assignment on the resource admits the user (directly, through a group or their tenant) and the client application.",
  404: " Check the endpoint (https://<resource>.communication.azure.com) and that an assignment on the resource admits the user and the client application.",
};

/** The service's `error` object (or the bare string some servers send), never the request's token. */
function exchangeError(response: PipelineResponse): RestError {
  const error = bodyOf(response)?.["error"];
  const { code, message } = (typeof error === "string" ? { message: error } : (error ?? {})) as { code?: unknown; message?: unknown };
  const said = typeof message === "string" && message !== "" ? `: ${message.replace(/\.?$/, ".")}` : " without error details.";
  return new RestError(`The token exchange failed with status ${response.status}${said}${HINTS[response.status] ?? ""}`, {
    code: typeof code === "string" ? code : undefined,
    statusCode: response.status,
    request: response.request,
    response,
  });
}
