/**
 * Browsers have no agent, TLS options or proxy to set, and fetch follows redirects itself: no
 * policies to add. See `nodePolicies.ts`.
 *
 * @internal
 */
import { createDefaultHttpClient, type HttpClient, type Pipeline } from "@azure/core-rest-pipeline";
import type { CommunicationIdentityClientOptions } from "./models.js";

/** Adds nothing: see `nodePolicies.ts`. */
export function addNodePolicies(_pipeline: Pipeline, _options: CommunicationIdentityClientOptions): void {}

/** The HTTP client used when the options name none: the pipeline's own (fetch). */
export function defaultHttpClient(): HttpClient {
  return createDefaultHttpClient();
}
