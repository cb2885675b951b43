import type { PipelineResponse } from "@azure/core-rest-pipeline";

/** How far the service's clock may be from ours before a 401 is blamed on the clock. */
export const CLOCK_SKEW_THRESHOLD_MS = 5 * 60 * 1000;

/**
 * The offset to add to the local clock, when a 401 response carries a `Date` more than
 * {@link CLOCK_SKEW_THRESHOLD_MS} away from it; otherwise `undefined`.
 *
 * @internal
 */
export function clockSkewOf(response: PipelineResponse, now = Date.now()): number | undefined {
  if (response.status !== 401) return undefined;
  const serverDate = Date.parse(response.headers.get("date") ?? "");
  if (Number.isNaN(serverDate)) return undefined;
  const offset = serverDate - now;
  return Math.abs(offset) > CLOCK_SKEW_THRESHOLD_MS ? offset : undefined;
}
