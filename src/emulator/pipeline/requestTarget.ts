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

/** Whether the path of a request target (before any `?`) holds a backslash, which no route of the service has. */
export function hasBackslashInPath(target: string): boolean {
  const query = target.indexOf("?");
  return (query === -1 ? target : target.slice(0, query)).includes("\\");
}
