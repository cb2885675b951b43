/**
 * Checks of the service endpoint, shared by the connection-string parser and the client
 * constructor. Messages never repeat the input: a garbled connection string can put the key there.
 *
 * @internal
 */

/** The shape every endpoint message points to. */
export const ENDPOINT_FORMAT = "https://<resource>.communication.azure.com";

/**
 * Parses an endpoint and returns its origin (scheme, host and port, no trailing slash).
 *
 * @param endpoint - the endpoint as the user gave it.
 * @param what - how to name the value in messages ("endpoint", "the connection string's endpoint").
 * @throws TypeError when it is not an absolute http(s) URL without path, query, fragment or user info.
 */
export function parseEndpoint(endpoint: unknown, what = "endpoint"): URL {
  if (typeof endpoint !== "string" || endpoint.trim() === "") {
    throw new TypeError(`The ${what} must be a non-empty string like ${ENDPOINT_FORMAT}.`);
  }
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new TypeError(`The ${what} is not a valid URL. Expected ${ENDPOINT_FORMAT}.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(
      `The ${what} must use https (or http for a local emulator), not ${url.protocol.slice(0, -1)}. Expected ${ENDPOINT_FORMAT}.`,
    );
  }
  if (url.username || url.password) {
    throw new TypeError(`The ${what} must not contain a user name or password. Expected ${ENDPOINT_FORMAT}.`);
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    throw new TypeError(`The ${what} must have no path, query or fragment. Expected ${ENDPOINT_FORMAT}.`);
  }
  return url;
}

/** True for `localhost`, `127.0.0.0/8` and `[::1]`: hosts where plain http never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Refuses plain http to a host other than loopback unless the caller opted in.
 *
 * @param optIn - how the caller opts in, as the message tells it: the client option, or the command line's flag.
 * @throws TypeError naming the way to opt in.
 */
export function assertSecureEndpoint(url: URL, allowInsecureConnection: boolean, optIn = "pass { allowInsecureConnection: true }"): void {
  if (url.protocol === "http:" && !allowInsecureConnection && !isLoopbackHost(url.hostname)) {
    throw new TypeError(
      "The endpoint uses plain http to a host that is not loopback, which would send requests and tokens unencrypted. " +
        `Use https, or ${optIn} if you really mean it.`,
    );
  }
}
