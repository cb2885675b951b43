/**
 * The policies that only mean something in Node.js: the HTTP agent, TLS options, the proxy,
 * redirects (Node's HTTP client does not follow them; a browser's fetch does, by itself), and
 * certificate errors (a browser's fetch does not tell them apart). Browsers
 * load `nodePolicies-browser.ts` instead (scripts/build.mjs resolves `#nodePolicies`), so none of this
 * reaches a browser bundle.
 *
 * @internal
 */
import {
  agentPolicy,
  getDefaultProxySettings,
  proxyPolicy,
  redirectPolicy,
  tlsPolicy,
  userAgentPolicy,
  type HttpClient,
  type PipelinePolicy,
  type Pipeline,
} from "@azure/core-rest-pipeline";
import { certificateErrorPolicy } from "./certificateError.js";
import { createNodeHttpClient } from "./nodeHttpClient.js";
import type { CommunicationIdentityClientOptions } from "./models.js";

/** Adds agent, TLS and proxy policies, and redirects and certificate errors right after the retry phase. */
export function addNodePolicies(pipeline: Pipeline, options: CommunicationIdentityClientOptions): void {
  if (options.agent) pipeline.addPolicy(agentPolicy(options.agent));
  if (options.tlsOptions) pipeline.addPolicy(tlsPolicy(options.tlsOptions));
  // Without proxy options or a proxy in the environment (read once, here, as proxyPolicy itself
  // does) the proxy policy would do nothing on every request.
  if (options.proxyOptions || getDefaultProxySettings()) pipeline.addPolicy(proxyPolicy(options.proxyOptions));
  pipeline.addPolicy(redirectPolicy(options.redirectOptions), { afterPhase: "Retry" });
  pipeline.addPolicy(certificateErrorPolicy, { afterPhase: "Retry" });
}

/** The HTTP client used when the options name none: the lean Node.js client (see `nodeHttpClient.ts`). */
export function defaultHttpClient(): HttpClient {
  return createNodeHttpClient();
}

/** The `User-Agent`: the SDK name, then the pipeline's Node.js and OS details. */
export function userAgentPolicyFor(prefix: string, options: CommunicationIdentityClientOptions): PipelinePolicy {
  return userAgentPolicy({ ...options.userAgentOptions, userAgentPrefix: prefix });
}
