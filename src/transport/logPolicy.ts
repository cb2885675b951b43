/**
 * The request log, built from an allow-list. The pipeline's own log policy prints the whole
 * request object, and with it whatever other policies attached: the agent (a proxy agent holds the
 * proxy URL with its password; an agent's options hold TLS client keys) and the TLS settings
 * (`tlsOptions`: keys, certificates, passphrases). This one prints only what it names: method,
 * URL without user info and with unlisted query values redacted, status, request id, duration,
 * and the values of allow-listed headers (other headers by name only).
 *
 * @internal
 */
import type { HttpHeaders, LogPolicyOptions, PipelinePolicy } from "@azure/core-rest-pipeline";
import { logger } from "../logger.js";

/** What a header's or query parameter's value is logged as when it is not allow-listed. */
const REDACTED = "REDACTED";

/** Headers whose values help to follow a request and hold no secret. */
const ALLOWED_HEADERS = (
  "accept api-supported-versions content-length content-type date host ms-cv repeatability-first-sent repeatability-request-id " +
  "repeatability-result request-id retry-after retry-after-ms traceparent user-agent www-authenticate x-ms-client-request-id x-ms-date " +
  "x-ms-request-id x-ms-retry-after-ms x-ms-useragent"
).split(" ");

/**
 * Logs each attempt as it is sent and its answer (or failure), at `info`.
 *
 * @param options - more header names and query parameters whose values may be shown.
 * @param requestIdHeaderName - the header that carries the client request id, when the client's
 *   `telemetryOptions.clientRequestIdHeaderName` names one other than `x-ms-client-request-id`.
 */
export function identityLogPolicy(
  options: Pick<LogPolicyOptions, "additionalAllowedHeaderNames" | "additionalAllowedQueryParameters"> = {},
  requestIdHeaderName?: string,
): PipelinePolicy {
  const extraHeaders = [...(options.additionalAllowedHeaderNames ?? []), ...(requestIdHeaderName ? [requestIdHeaderName] : [])];
  const headerNames = new Set([...ALLOWED_HEADERS, ...extraHeaders.map((name) => name.toLowerCase())]);
  const queryNames = new Set(["api-version", ...(options.additionalAllowedQueryParameters ?? []).map((name) => name.toLowerCase())]);

  function headersOf(headers: HttpHeaders): string {
    const shown: Record<string, string> = {};
    const names = [...headers].map(([name]) => name.toLowerCase()).sort();
    for (const name of names) shown[name] = headerNames.has(name) ? headers.get(name)! : REDACTED;
    return JSON.stringify(shown);
  }

  function urlOf(href: string): string {
    const url = new URL(href);
    url.username = "";
    url.password = "";
    for (const name of new Set(url.searchParams.keys())) {
      if (!queryNames.has(name.toLowerCase())) url.searchParams.set(name, REDACTED);
    }
    return url.href;
  }

  return {
    name: "identityLogPolicy",
    async sendRequest(request, next) {
      const log = logger.info;
      if (!log.enabled) return next(request);
      log(`Request ${request.requestId}: ${request.method} ${urlOf(request.url)} ${headersOf(request.headers)}`);
      const start = Date.now();
      try {
        const response = await next(request);
        log(`Response ${request.requestId}: ${response.status} in ${Date.now() - start} ms ${headersOf(response.headers)}`);
        return response;
      } catch (error) {
        const { name, code } = error as { name?: unknown; code?: unknown };
        log(
          `Request ${request.requestId} failed in ${Date.now() - start} ms: ${String(name)}${typeof code === "string" ? ` ${code}` : ""}`,
        );
        throw error;
      }
    },
  };
}
