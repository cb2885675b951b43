/**
 * Turns a failed response into the pipeline's `RestError`, with the service's code and message,
 * and hints for the failures people hit most.
 *
 * @internal
 */
import { RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { clockSkewOf } from "../auth/clockSkew.js";
import { isNotRepeatable, NOT_REPEATED_REASON } from "../transport/retryPolicy.js";

/** Extra facts a `RestError` from this client carries in its `details`. */
export interface ServiceErrorDetails {
  /** The service's `error` object: `code`, `message`, and `target`, `details`, `innererror` when sent. */
  error?: { code?: string; message?: string; target?: string; details?: unknown[]; innererror?: unknown };
  /** The `ms-cv` correlation vector to quote to Azure support. */
  correlationVector?: string;
  /** The `x-ms-client-request-id` this client sent. */
  clientRequestId: string;
}

function errorBody(text: string | null | undefined): ServiceErrorDetails["error"] {
  try {
    const body = JSON.parse(text ?? "") as { error?: unknown };
    if (typeof body?.error === "object" && body.error !== null) return body.error;
  } catch {
    // Not JSON: the status alone describes the failure.
  }
  return undefined;
}

/** The service's `error.code` of a failed response, when its body has one. */
export function serviceErrorCode(response: PipelineResponse): string | undefined {
  return errorBody(response.bodyAsText)?.code;
}

/** The code with which the service refuses an identity id it does not know (unknown, deleted or another resource's). */
export const IDENTITY_NOT_OWNED = "IdentityNotOwned";

function hintFor(response: PipelineResponse, now: number, error: ServiceErrorDetails["error"]): string {
  // A Microsoft Entra token is checked against the service's clock alone, so skew and keys are
  // hints for signed requests only.
  const bearer = response.request.headers.get("authorization")?.startsWith("Bearer ") ?? false;
  const skew = bearer ? undefined : clockSkewOf(response, now);
  if (skew !== undefined) {
    const minutes = Math.round(Math.abs(skew) / 60_000);
    return (
      ` This machine's clock (${new Date(now).toUTCString()}) is ${minutes} minutes from the service's (${new Date(now + skew).toUTCString()}),` +
      " and signed requests are refused when they differ by more than 15 minutes: synchronise the clock (NTP)."
    );
  }
  if (response.status === 401 && response.request.url.includes("/teamsUser/")) {
    return " Check that teamsUserAadToken is a current Microsoft Entra access token of the Teams user, issued for Communication Services.";
  }
  if (response.status === 401 && error?.code === IDENTITY_NOT_OWNED) {
    return " Check the user id: the user was deleted, or belongs to another resource than this endpoint's.";
  }
  if (response.status === 401 && bearer) {
    return " Check that the TokenCredential signs in to the tenant of this endpoint's resource, and that its identity has a role on the resource (such as Contributor).";
  }
  if (response.status === 401) {
    return " Check that the access key belongs to this endpoint's resource, and that the machine's clock is right.";
  }
  if ((response.status === 408 || response.status >= 500) && isNotRepeatable(response.request)) {
    return ` The identity may or may not have been created; it was not retried, ${NOT_REPEATED_REASON}`;
  }
  // A 404 without the service's error body came from something other than the Identity API.
  if (response.status === 404 && error === undefined)
    return " Check the endpoint: it should be https://<resource>.communication.azure.com.";
  return "";
}

/**
 * Reason phrases of the statuses that proxies and gateways answer with a body of their
 * own (often HTML). Not read from the wire: HTTP/2 has none, and the pipeline keeps none.
 */
const REASONS: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** What a failure without the service's error object says: the status, its reason, the body's type. */
function statusMessage({ status, headers, bodyAsText }: PipelineResponse): string {
  const reason = REASONS[status] ? ` ${REASONS[status]}` : "";
  const type = bodyAsText ? ` (${headers.get("content-type")?.split(";")[0] || "untyped"})` : "";
  return `The service answered ${status}${reason}${type} without error details${type && ": a proxy or gateway may have answered"}.`;
}

/**
 * A `RestError` for a response the operation did not expect: the service's message and code when
 * the body has them, else the status with its reason phrase, plus a hint for 401 (an unknown
 * user; keys and clock, or the Entra credential's tenant and role) and 404 (endpoint).
 */
export function serviceError(response: PipelineResponse, now = Date.now()): RestError {
  const error = errorBody(response.bodyAsText);
  const message = error?.message || statusMessage(response);
  const restError = new RestError(`${message}${hintFor(response, now, error)}`, {
    code: error?.code,
    statusCode: response.status,
    request: response.request,
    response,
  });
  const details: ServiceErrorDetails = {
    error,
    correlationVector: response.headers.get("ms-cv") ?? undefined,
    clientRequestId: response.request.requestId,
  };
  restError.details = details;
  return restError;
}
