/**
 * The request pipeline: only the policies this client needs, so the request path stays short
 * and the browser bundle small.
 *
 * @internal
 */
import type { KeyCredential, TokenCredential } from "@azure/core-auth";
import { createEmptyPipeline, setClientRequestIdPolicy, type Pipeline } from "@azure/core-rest-pipeline";
import { addNodePolicies, userAgentPolicyFor } from "#nodePolicies";
import { createCommunicationAccessKeyCredentialPolicy } from "./accessKeyCredentialPolicy.js";
import { identityLogPolicy } from "./logPolicy.js";
import { identityRetryPolicy } from "./retryPolicy.js";
import type { CommunicationIdentityClientOptions } from "./models.js";
import { tokenCredentialPolicy } from "./tokenCredentialPolicy.js";
import { PACKAGE_VERSION } from "./version.js";

/** Sent as the first part of `User-Agent`. */
export const SDK_USER_AGENT = `acs-identity/${PACKAGE_VERSION}`;

/**
 * Builds the pipeline: client request id and user agent per call; retries; then, per attempt,
 * redirects (Node), signing and logging, so every attempt is signed anew and logged as sent.
 * The Node-only policies come from `#nodePolicies`, which the browser build maps to none, so that they
 * stay out of browser bundles (a runtime `isNode` check would not: bundlers keep both branches).
 */
export function createIdentityPipeline(credential: KeyCredential | TokenCredential, options: CommunicationIdentityClientOptions): Pipeline {
  const pipeline = createEmptyPipeline();
  addNodePolicies(pipeline, options);
  pipeline.addPolicy(setClientRequestIdPolicy(options.telemetryOptions?.clientRequestIdHeaderName));
  pipeline.addPolicy(userAgentPolicyFor(joinPrefix(options.userAgentOptions?.userAgentPrefix), options));
  pipeline.addPolicy(identityRetryPolicy(options.retryOptions), { phase: "Retry" });
  const auth = "getToken" in credential ? tokenCredentialPolicy(credential) : createCommunicationAccessKeyCredentialPolicy(credential);
  pipeline.addPolicy(auth, { phase: "Sign" });
  pipeline.addPolicy(identityLogPolicy(options.loggingOptions), { afterPhase: "Sign" });
  return pipeline;
}

function joinPrefix(prefix: string | undefined): string {
  return prefix ? `${prefix} ${SDK_USER_AGENT}` : SDK_USER_AGENT;
}
