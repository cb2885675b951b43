/**
 * The request pipeline: only the policies this client needs, so the request path stays short
 * and the browser bundle small.
 *
 * @internal
 */
import type { KeyCredential, TokenCredential } from "@azure/core-auth";
import { createEmptyPipeline, setClientRequestIdPolicy, type Pipeline } from "@azure/core-rest-pipeline";
import { addNodePolicies, userAgentPolicyFor } from "#nodePolicies";
import { addTracingPolicy } from "#tracing";
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
 * the HTTP span (Node), redirects and `Host` (Node), signing and logging, so every attempt is
 * signed anew and logged as sent; then the caller's `additionalPolicies`.
 * The Node-only policies come from `#nodePolicies`, which the browser build maps to none, so that they
 * stay out of browser bundles (a runtime `isNode` check would not: bundlers keep both branches).
 */
export function createIdentityPipeline(credential: KeyCredential | TokenCredential, options: CommunicationIdentityClientOptions): Pipeline {
  const pipeline = createEmptyPipeline();
  const userAgentPrefix = joinPrefix(options.userAgentOptions?.userAgentPrefix);
  addTracingPolicy(pipeline, userAgentPrefix, options);
  addNodePolicies(pipeline, options);
  pipeline.addPolicy(setClientRequestIdPolicy(options.telemetryOptions?.clientRequestIdHeaderName));
  pipeline.addPolicy(userAgentPolicyFor(userAgentPrefix, options));
  pipeline.addPolicy(identityRetryPolicy(options.retryOptions), { phase: "Retry" });
  const auth = "getToken" in credential ? tokenCredentialPolicy(credential) : createCommunicationAccessKeyCredentialPolicy(credential);
  pipeline.addPolicy(auth, { phase: "Sign" });
  pipeline.addPolicy(identityLogPolicy(options.loggingOptions), { afterPhase: "Sign" });
  addAdditionalPolicies(pipeline, options.additionalPolicies);
  return pipeline;
}

/**
 * Adds the caller's policies where core-client adds them: `perCall` among the policies without a
 * phase, so once per operation before the retries; `perRetry` after the `Sign` phase (and after
 * logging, added earlier), so on every attempt, signed, right before it is sent.
 *
 * @throws TypeError for an entry that is not `{ policy, position: "perCall" | "perRetry" }`; Error
 * when a policy's name is already in the pipeline (ordered here, not at the first request).
 */
function addAdditionalPolicies(pipeline: Pipeline, additional: CommunicationIdentityClientOptions["additionalPolicies"] = []): void {
  for (const [index, { policy, position }] of additional.entries()) {
    if (typeof policy?.sendRequest !== "function" || (position !== "perCall" && position !== "perRetry")) {
      throw new TypeError(`additionalPolicies[${index}] must be { policy, position: "perCall" | "perRetry" }.`);
    }
    pipeline.addPolicy(policy, position === "perRetry" ? { afterPhase: "Sign" } : {});
  }
  if (additional.length > 0) pipeline.getOrderedPolicies();
}

function joinPrefix(prefix: string | undefined): string {
  return prefix ? `${prefix} ${SDK_USER_AGENT}` : SDK_USER_AGENT;
}
