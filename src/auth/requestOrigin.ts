/**
 * Where a request's credentials may go: only to the origin (scheme, host and port) the request was
 * made for. The redirect policy reuses the request object for each hop and removes
 * `Authorization`, but the credential policies run after it on every hop; without this check a
 * cross-origin redirect (`redirectOptions.allowCrossOriginRedirects`) would get a fresh signature
 * or the Bearer token.
 *
 * @internal
 */
import type { PipelineRequest } from "@azure/core-rest-pipeline";

/** The URL each request had when a credential policy first saw it: the client's own origin. */
const firstUrls = new WeakMap<PipelineRequest, string>();

/**
 * Whether `request` now goes to another origin than the one it had when this was first called for
 * it (a redirect, or a retry of a redirected request). The first call records the origin.
 */
export function hasLeftOrigin(request: PipelineRequest): boolean {
  const first = firstUrls.get(request);
  if (first === undefined) {
    firstUrls.set(request, request.url);
    return false;
  }
  // Most requests are never redirected: compare the strings before parsing anything.
  return request.url !== first && new URL(request.url).origin !== new URL(first).origin;
}

/** Removes headers a credential policy set on an earlier hop, so that none reaches another origin. */
export function removeHeaders(request: PipelineRequest, names: readonly string[]): void {
  for (const name of names) request.headers.delete(name);
}
