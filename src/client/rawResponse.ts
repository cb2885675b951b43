/**
 * What `onResponse` receives: the response the operation got, with its body parsed as
 * `@azure/core-client` parses it (JSON, timestamps as `Date`s), so that callbacks written for the
 * official client read the same values.
 *
 * @internal
 */
import { isRestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { FullOperationResponse, OperationOptions } from "./models.js";
import { parseTimestamp } from "./responses.js";

/** The body fields that the official client's models declare as date-times. */
const TIMESTAMP_FIELDS = new Set(["expiresOn", "lastTokenIssuedAt"]);

function parseBody(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text, (key, value: unknown) => (TIMESTAMP_FIELDS.has(key) ? (parseTimestamp(value) ?? value) : value));
  } catch {
    return undefined;
  }
}

/**
 * Calls `options.onResponse`, if any, with the operation's final response (the same object as the
 * `response` of the `RestError`, when there is one), its parsed body as the flat response, and the error.
 */
export function reportResponse(options: OperationOptions, response: PipelineResponse, error?: unknown): void {
  if (!options.onResponse) return;
  const full: FullOperationResponse = Object.assign(response, { parsedBody: parseBody(response.bodyAsText) });
  options.onResponse(full, full.parsedBody, error);
}

/** {@link reportResponse} for a failed operation: only when a response arrived (not for network errors or aborts). */
export function reportFailure(options: OperationOptions, error: unknown): void {
  if (isRestError(error) && error.response) reportResponse(options, error.response, error);
}
