/**
 * The policies that only mean something in Node.js: the HTTP agent, TLS options, the proxy, and
 * redirects (Node's HTTP client does not follow them; a browser's fetch does, by itself). Browsers
 * load `nodePolicies-browser.ts` instead, through the `#nodePolicies` import map, so none of this
 * reaches a browser bundle.
 *
 * @internal
 */
import { agentPolicy, proxyPolicy, redirectPolicy, tlsPolicy, type Pipeline } from "@azure/core-rest-pipeline";
import type { CommunicationIdentityClientOptions } from "./models.js";

/** Adds agent, TLS and proxy policies, and redirects right after the retry phase. */
export function addNodePolicies(pipeline: Pipeline, options: CommunicationIdentityClientOptions): void {
  if (options.agent) pipeline.addPolicy(agentPolicy(options.agent));
  if (options.tlsOptions) pipeline.addPolicy(tlsPolicy(options.tlsOptions));
  pipeline.addPolicy(proxyPolicy(options.proxyOptions));
  pipeline.addPolicy(redirectPolicy(options.redirectOptions), { afterPhase: "Retry" });
}
