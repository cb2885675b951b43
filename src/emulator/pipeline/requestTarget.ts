/**
 * How the emulator reads a request target (the text after the method in the request line), for
 * routing and for checking the signature alike: one reading, so that the path that is run is the
 * path that was signed and the path the request log shows.
 */

/**
 * The URL of a request target on `origin`. A target starting with `/` is all path and query: a
 * URL parser would read `//host/...` or `/\host/...` (a backslash is a slash to it) as a host and
 * a path, and so run another path than the one sent. Any other target (absolute form) is parsed
 * as it is.
 *
 * @param target - the request target as received.
 * @param origin - `http://` and a host, without a trailing slash.
 * @returns the parsed URL (a backslash in its path reads as a slash; the caller decides on that).
 * @throws TypeError when the result is not a URL.
 */
export function requestUrl(target: string, origin: string): URL {
  return target.startsWith("/") ? new URL(`${origin}${target}`) : new URL(target, origin);
}

/** A dot segment, as a URL parser reads one: `.` or `..`, each dot also as `%2e`. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * Whether a URL parser would read the path of a request target (before any `?`) as another path:
 * a backslash (a slash to it) or a dot segment (`/x/../identities` is `/identities` to it). No
 * route of the service has either, so the emulator answers such a target 404 instead of running
 * the operation of a path other than the one sent (and logged).
 */
export function isMisreadPath(target: string): boolean {
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  return path.includes("\\") || path.split("/").some((segment) => DOT_SEGMENT.test(segment));
}
