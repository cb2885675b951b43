/**
 * The browser side of `tracing.ts`: no spans. Tracing would add `@azure/core-tracing` and the
 * pipeline's tracing policy, about 1.7 KB gzip, to every browser bundle, where this client is
 * rarely used (an access key must never reach a browser); operations run as they are.
 *
 * @internal
 */
import type { Pipeline } from "./pipeline.js";
import type { CommunicationIdentityClientOptions } from "../client/models.js";
import type { WithOperationSpan } from "./tracing.js";

export type { TracedOperation } from "./tracing.js";

/** Runs the operation with its options unchanged: see `tracing.ts`. */
export const withOperationSpan: WithOperationSpan = (_operation, options, run) => run(options);

/** Adds nothing: see `tracing.ts`. */
export function addTracingPolicy(_pipeline: Pipeline, _userAgentPrefix: string, _options: CommunicationIdentityClientOptions): void {}
