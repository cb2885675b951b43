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
  userAgentPolicy,
  type HttpClient,
  type PipelinePolicy,
  type TlsSettings,
} from "@azure/core-rest-pipeline";
import type { Pipeline } from "./pipeline.js";
import { certificateErrorPolicy } from "./certificateError.js";
import { createNodeHttpClient } from "./nodeHttpClient.js";
import type { CommunicationIdentityClientOptions } from "../client/models.js";

/**
 * Sets `Host` on every attempt, after redirects, so that the policies that follow and the HTTP
 * client see the host the signature covers, as with the official client's signing policy in
 * Node.js. The value is the URL's `host` (default port left out), as Node.js would send it.
 */
function hostHeaderPolicy(): PipelinePolicy {
  // The URL differs from the last one only after a redirect: parse only then.
  let prefix = "";
  let host = "";
  return {
    name: "hostHeaderPolicy",
    sendRequest(request, next) {
      if (!prefix || !request.url.startsWith(prefix)) {
        const url = new URL(request.url);
        prefix = `${url.protocol}//${url.host}/`;
        host = url.host;
      }
      request.headers.set("Host", host);
      return next(request);
    },
  };
}

/**
 * Puts the TLS settings on each request as core's `tlsPolicy` does (a request's own settings win),
 * but not enumerable: a `RestError` prints its request's enumerable properties when inspected
 * (`console.log(error)`), and the settings hold the client's private key, passphrase and PFX. Every
 * HTTP client reads `request.tlsSettings` by name, so they still see them.
 */
function tlsSettingsPolicy(settings: TlsSettings): PipelinePolicy {
  return {
    name: "tlsPolicy",
    sendRequest(request, next) {
      const value = request.tlsSettings ?? settings;
      Object.defineProperty(request, "tlsSettings", { value, enumerable: false, writable: true, configurable: true });
      return next(request);
    },
  };
}

/** Adds agent, TLS and proxy policies, and redirects, the `Host` header and certificate errors right after the retry phase. */
export function addNodePolicies(pipeline: Pipeline, options: CommunicationIdentityClientOptions): void {
  if (options.agent) pipeline.addPolicy(agentPolicy(options.agent));
  if (options.tlsOptions) pipeline.addPolicy(tlsSettingsPolicy(options.tlsOptions));
  // Without proxy options or a proxy in the environment (read once, here, as proxyPolicy itself
  // does) the proxy policy would do nothing on every request.
  if (options.proxyOptions || getDefaultProxySettings()) pipeline.addPolicy(proxyPolicy(options.proxyOptions));
  pipeline.addPolicy(redirectPolicy(options.redirectOptions), { afterPhase: "Retry" });
  pipeline.addPolicy(hostHeaderPolicy(), { afterPhase: "Retry" });
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
