/**
 * The request pipeline: only the policies this client needs, in the order core-client's pipelines
 * run them, so the request path stays short and the browser bundle small. The order is fixed when
 * the client is made; the pipeline's general `createEmptyPipeline` (phases, before/after
 * dependencies, removal, cloning) would add about 2.5 KB of minified code to browser bundles for a
 * sort of five ranks.
 *
 * @internal
 */
import type { KeyCredential, TokenCredential } from "@azure/core-auth";
import {
  setClientRequestIdPolicy,
  type HttpClient,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { addNodePolicies, userAgentPolicyFor } from "#nodePolicies";
import { addTracingPolicy } from "#tracing";
import { createCommunicationAccessKeyCredentialPolicy } from "../auth/accessKeyCredentialPolicy.js";
import { identityLogPolicy } from "./logPolicy.js";
import { identityRetryPolicy } from "./retryPolicy.js";
import type { CommunicationIdentityClientOptions } from "../client/models.js";
import { tokenCredentialPolicy } from "../auth/tokenCredentialPolicy.js";
import { PACKAGE_VERSION } from "../version.js";

/** Where a policy goes, as core's `addPolicy` says it: in the `Retry` or `Sign` phase, right after one, or (neither) once per call. */
export interface PolicyPlace {
  phase?: "Retry" | "Sign";
  afterPhase?: "Retry" | "Sign";
}

/** The pipeline's policies, in order, ahead of an HTTP client. */
export interface Pipeline {
  /**
   * Adds `policy` at `place`, after those added there before.
   *
   * @throws Error when a policy of the same name is in the pipeline already (as core's pipeline words it).
   */
  addPolicy(policy: PipelinePolicy, place?: PolicyPlace): void;
  /** Sends `request` through the policies, in order, then `httpClient`. */
  sendRequest(httpClient: HttpClient, request: PipelineRequest): Promise<PipelineResponse>;
}

/** The run order of the places: per call, the retries, after them, signing, after it. */
const rank = ({ phase, afterPhase }: PolicyPlace): number =>
  phase ? (phase === "Retry" ? 1 : 3) : afterPhase ? (afterPhase === "Retry" ? 2 : 4) : 0;

/** An empty pipeline; policies are run in the order of their places, then of their adding. */
export function createPipeline(): Pipeline {
  const placed: Array<{ policy: PipelinePolicy; rank: number }> = [];
  // The chain of policies ending in an HTTP client: built at the first request, and again only
  // when a policy was added since or another HTTP client is asked for (the client passes one).
  let chain: { httpClient: HttpClient; send: Send } | undefined;
  return {
    addPolicy(policy, place = {}) {
      if (placed.some((entry) => entry.policy.name === policy.name)) throw new Error("Duplicate policy names not allowed in pipeline");
      placed.push({ policy, rank: rank(place) });
      // Stable: within a place, policies keep the order they were added in.
      placed.sort((a, b) => a.rank - b.rank);
      chain = undefined;
    },
    sendRequest(httpClient, request) {
      if (chain?.httpClient !== httpClient) chain = { httpClient, send: chainOf(placed, httpClient) };
      return chain.send(request);
    },
  };
}

type Send = (request: PipelineRequest) => Promise<PipelineResponse>;

function chainOf(placed: ReadonlyArray<{ policy: PipelinePolicy }>, httpClient: HttpClient): Send {
  return placed.reduceRight<Send>(
    (next, { policy }) =>
      (request) =>
        policy.sendRequest(request, next),
    (request) => httpClient.sendRequest(request),
  );
}

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
  const pipeline = createPipeline();
  const userAgentPrefix = joinPrefix(options.userAgentOptions?.userAgentPrefix);
  addTracingPolicy(pipeline, userAgentPrefix, options);
  addNodePolicies(pipeline, options);
  const requestIdHeaderName = options.telemetryOptions?.clientRequestIdHeaderName;
  pipeline.addPolicy(setClientRequestIdPolicy(requestIdHeaderName));
  pipeline.addPolicy(userAgentPolicyFor(userAgentPrefix, options));
  pipeline.addPolicy(identityRetryPolicy(options.retryOptions), { phase: "Retry" });
  const auth = "getToken" in credential ? tokenCredentialPolicy(credential) : createCommunicationAccessKeyCredentialPolicy(credential);
  pipeline.addPolicy(auth, { phase: "Sign" });
  pipeline.addPolicy(identityLogPolicy(options.loggingOptions, requestIdHeaderName), { afterPhase: "Sign" });
  addAdditionalPolicies(pipeline, options.additionalPolicies);
  return pipeline;
}

/**
 * Adds the caller's policies where core-client adds them: `perCall` among the policies without a
 * phase, so once per operation before the retries; `perRetry` after the `Sign` phase (and after
 * logging, added earlier), so on every attempt, signed, right before it is sent.
 *
 * @throws TypeError for an entry that is not `{ policy, position: "perCall" | "perRetry" }`; Error
 * when a policy's name is already in the pipeline.
 */
function addAdditionalPolicies(pipeline: Pipeline, additional: CommunicationIdentityClientOptions["additionalPolicies"] = []): void {
  for (const [index, { policy, position }] of additional.entries()) {
    if (typeof policy?.sendRequest !== "function" || (position !== "perCall" && position !== "perRetry")) {
      throw new TypeError(`additionalPolicies[${index}] must be { policy, position: "perCall" | "perRetry" }.`);
    }
    pipeline.addPolicy(policy, position === "perRetry" ? { afterPhase: "Sign" } : {});
  }
}

function joinPrefix(prefix: string | undefined): string {
  return prefix ? `${prefix} ${SDK_USER_AGENT}` : SDK_USER_AGENT;
}
