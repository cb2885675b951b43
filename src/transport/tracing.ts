/**
 * Distributed tracing through `@azure/core-tracing`, as every Azure SDK client does it: each
 * operation runs in a span named as `@azure/communication-identity` names it, in the
 * `Microsoft.Communication` namespace (the `az.namespace` attribute), and the pipeline's HTTP span
 * of each attempt is its child and sends the `traceparent` header. Without an instrumenter
 * registered (e.g. by `@azure/opentelemetry-instrumentation-azure-sdk`) the spans are
 * core-tracing's no-op spans. Node.js only: browsers load `tracing-browser.ts` instead
 * (scripts/build.mjs resolves `#tracing`), which keeps about 1.7 KB gzip out of browser bundles.
 *
 * @internal
 */
import { createTracingClient, type TracingClient } from "@azure/core-tracing";
import { tracingPolicy, tracingPolicyName } from "@azure/core-rest-pipeline";
import type { CommunicationIdentityClientOptions, OperationOptions } from "../client/models.js";
import { SDK_USER_AGENT, type Pipeline } from "./pipeline.js";

let tracingClient: TracingClient | undefined;

/** Created on first use: `pipeline.ts`, which names the package, imports this module. */
function client(): TracingClient {
  if (tracingClient) return tracingClient;
  const [packageName = SDK_USER_AGENT, packageVersion] = SDK_USER_AGENT.split("/");
  return (tracingClient = createTracingClient({ namespace: "Microsoft.Communication", packageName, packageVersion }));
}

/**
 * The operations, by the name of their span (`CommunicationIdentity-<name>`). `getToken` is
 * `issueToken`, as in the official client; `getUser` is also the official `getUserDetail`. Each
 * page of `listEntraAssignments` has a span of its own, as generated clients trace each page.
 */
export type TracedOperation =
  | "createUser"
  | "getUser"
  | "issueToken"
  | "createUserAndToken"
  | "revokeTokens"
  | "deleteUser"
  | "getTokenForTeamsUser"
  | "getTeamsExtensionAssignment"
  | "setTeamsExtensionAssignment"
  | "deleteTeamsExtensionAssignment"
  | "listEntraAssignments"
  | "getEntraAssignment"
  | "setEntraAssignment"
  | "deleteEntraAssignment"
  | "updateEntraAssignments";

/**
 * Runs `run` in the operation's span, a child of `options.tracingOptions.tracingContext` (or of
 * the active context). `run` gets the options with the span's context, which the request carries
 * to the pipeline's tracing policy. The span ends with status success, or error when `run` rejects.
 */
export type WithOperationSpan = <T>(
  operation: TracedOperation,
  options: OperationOptions,
  run: (options: OperationOptions) => Promise<T>,
) => Promise<T>;

/** See {@link WithOperationSpan}. */
export const withOperationSpan: WithOperationSpan = (operation, options, run) =>
  // A span that does not record (no instrumenter, or not sampled) has no HTTP child that would:
  // the request goes without tracing options, and the HTTP span policy lets it pass untouched.
  client().withSpan(`CommunicationIdentity-${operation}`, options, (traced, span) =>
    run(span.isRecording() ? traced : { ...options, tracingOptions: undefined }),
  );

/**
 * Adds the pipeline's tracing policy where core-client adds it: per attempt, right after the
 * retries (so before redirects, which stay in the attempt's span). Add it before the other
 * policies that run after the retries. It runs only for requests of a recording operation span:
 * even with nothing to record, the pipeline's policy sanitises the URL, awaits the user agent and
 * starts a no-op span on every attempt, several microseconds.
 */
export function addTracingPolicy(pipeline: Pipeline, userAgentPrefix: string, options: CommunicationIdentityClientOptions): void {
  const { additionalAllowedQueryParameters } = options.loggingOptions ?? {};
  const policy = tracingPolicy({ userAgentPrefix, additionalAllowedQueryParameters });
  pipeline.addPolicy(
    {
      name: tracingPolicyName,
      sendRequest: (request, next) => (request.tracingOptions ? policy.sendRequest(request, next) : next(request)),
    },
    { afterPhase: "Retry" },
  );
}
