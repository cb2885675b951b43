/**
 * The browser side of `tracing.ts`: no spans. Tracing would add `@azure/core-tracing` and the
 * pipeline's tracing policy, about 1.5 KB gzip, to every browser bundle, where this client is
 * rarely used (an access key must never reach a browser); operations run as they are.
 *
 * @internal
 */
import type { Pipeline } from "@azure/core-rest-pipeline";
import type { CommunicationIdentityClientOptions, OperationOptions } from "./models.js";

/** The operations, by the name of their span in Node.js. */
export type TracedOperation =
  "createUser" | "getUser" | "issueToken" | "createUserAndToken" | "revokeTokens" | "deleteUser" | "getTokenForTeamsUser";

/** Runs `run` with the options unchanged: see `tracing.ts`. */
export function withOperationSpan<T>(
  _operation: TracedOperation,
  options: OperationOptions,
  run: (options: OperationOptions) => Promise<T>,
): Promise<T> {
  return run(options);
}

/** Adds nothing: see `tracing.ts`. */
export function addTracingPolicy(_pipeline: Pipeline, _userAgentPrefix: string, _options: CommunicationIdentityClientOptions): void {}
