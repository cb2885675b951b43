/**
 * The browser side of `nodePolicies.ts`: browsers have no agent, TLS options or proxy to set, and
 * fetch follows redirects itself, so no policies are added; the user agent is a small header.
 *
 * @internal
 */
import type { HttpClient, PipelinePolicy } from "@azure/core-rest-pipeline";
import { createFetchHttpClient } from "./fetchHttpClient.js";
import type { Pipeline } from "./pipeline.js";
import type { CommunicationIdentityClientOptions } from "../client/models.js";

/** Adds nothing: see `nodePolicies.ts`. */
export function addNodePolicies(_pipeline: Pipeline, _options: CommunicationIdentityClientOptions): void {}

/** The HTTP client used when the options name none: the lean fetch client (see `fetchHttpClient.ts`). */
export function defaultHttpClient(): HttpClient {
  return createFetchHttpClient();
}

/**
 * Browsers forbid setting `User-Agent`, so the SDK name goes in `x-ms-useragent`, as the
 * pipeline's own policy does there; without its browser sniffing, which costs half a kilobyte of
 * bundle for telemetry the browser's own `User-Agent` already carries.
 */
export function userAgentPolicyFor(prefix: string, _options: CommunicationIdentityClientOptions): PipelinePolicy {
  return {
    name: "userAgentPolicy",
    sendRequest(request, next) {
      if (!request.headers.has("x-ms-useragent")) request.headers.set("x-ms-useragent", prefix);
      return next(request);
    },
  };
}
