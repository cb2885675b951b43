/**
 * Turns the service's JSON bodies into the package's models, checking their shape so that a
 * surprising answer fails loudly instead of yielding `undefined` fields.
 *
 * @internal
 */
import { RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { CommunicationAccessToken, CommunicationUser, CommunicationUserDetails, CommunicationUserToken } from "./models.js";

/** `2023-10-10T21:39:39.3244584+00:00`: up to 7 fractional digits and an offset. */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses the service's `expiresOn`, keeping milliseconds (digits past the third are dropped, so
 * no rounding can move the time into the next second).
 */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const match = TIMESTAMP.exec(value);
  if (!match) return undefined;
  const fraction = (match[2] ?? "").slice(0, 3).padEnd(3, "0");
  const date = new Date(`${match[1]}.${fraction}${match[3]}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function fail(response: PipelineResponse, what: string): never {
  throw new RestError(`The service answered ${response.status} with ${what}; this client cannot read it.`, {
    code: RestError.PARSE_ERROR,
    statusCode: response.status,
    request: response.request,
    response,
  });
}

function jsonBody(response: PipelineResponse): Record<string, unknown> {
  try {
    const body: unknown = JSON.parse(response.bodyAsText ?? "");
    if (typeof body === "object" && body !== null) return body as Record<string, unknown>;
  } catch {
    // Reported below with the status.
  }
  return fail(response, "a body that is not a JSON object");
}

function accessTokenOf(response: PipelineResponse, value: unknown): CommunicationAccessToken {
  const body = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const expiresOn = parseTimestamp(body["expiresOn"]);
  if (typeof body["token"] !== "string" || !expiresOn) return fail(response, "an access token without a token or expiresOn");
  return { token: body["token"], expiresOn };
}

function userOf(response: PipelineResponse, value: unknown): CommunicationUser {
  const id = (value as { id?: unknown } | undefined)?.id;
  if (typeof id !== "string" || id === "") return fail(response, "an identity without an id");
  return { communicationUserId: id };
}

/** `{"token","expiresOn"}` as a {@link CommunicationAccessToken}. */
export function toAccessToken(response: PipelineResponse): CommunicationAccessToken {
  return accessTokenOf(response, jsonBody(response));
}

/** `{"identity":{"id"}}` as a {@link CommunicationUser}. */
export function toUser(response: PipelineResponse): CommunicationUser {
  return userOf(response, jsonBody(response)["identity"]);
}

/** `{"identity":{"id"},"accessToken":{...}}` as a {@link CommunicationUserToken}. */
export function toUserToken(response: PipelineResponse): CommunicationUserToken {
  const body = jsonBody(response);
  return { user: userOf(response, body["identity"]), ...accessTokenOf(response, body["accessToken"]) };
}

/** `{"id","customId"?,"lastTokenIssuedAt"?}` as {@link CommunicationUserDetails}. */
export function toUserDetails(response: PipelineResponse): CommunicationUserDetails {
  const body = jsonBody(response);
  const details: CommunicationUserDetails = { user: userOf(response, body) };
  if (typeof body["customId"] === "string") details.customId = body["customId"];
  if (body["lastTokenIssuedAt"] !== undefined && body["lastTokenIssuedAt"] !== null) {
    const lastTokenIssuedAt = parseTimestamp(body["lastTokenIssuedAt"]);
    if (!lastTokenIssuedAt) return fail(response, "a lastTokenIssuedAt that is not a timestamp");
    details.lastTokenIssuedAt = lastTokenIssuedAt;
  }
  return details;
}
