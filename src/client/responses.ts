/**
 * Turns the service's JSON bodies into the package's models, checking their shape so that a
 * surprising answer fails loudly instead of yielding `undefined` fields.
 *
 * @internal
 */
import { RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { CommunicationAccessToken, CommunicationUser, CommunicationUserDetails, CommunicationUserToken } from "./models.js";
import type { EntraAssignment, TeamsExtensionAssignment } from "./assignmentModels.js";
import type { ContinuablePage } from "./paging.js";

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

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

/**
 * An assignment, with its known fields only and its own copy of `clientIds`, which only Entra
 * assignments must have.
 */
function assignmentOf(response: PipelineResponse, value: unknown, entra: boolean): EntraAssignment {
  const { objectId, tenantId, principalType, clientIds } = (typeof value === "object" && value ? value : {}) as Record<string, unknown>;
  if (typeof objectId !== "string" || typeof tenantId !== "string" || typeof principalType !== "string") {
    return fail(response, "an assignment without objectId, tenantId or principalType");
  }
  if (clientIds == null && !entra) return { objectId, tenantId, principalType } as EntraAssignment;
  if (!isStrings(clientIds)) return fail(response, "an assignment whose clientIds is not a list of strings");
  return { objectId, tenantId, principalType, clientIds: [...clientIds] };
}

/** `{"objectId","tenantId","principalType","clientIds"?}` as a {@link TeamsExtensionAssignment}. */
export function toTeamsExtensionAssignment(response: PipelineResponse): TeamsExtensionAssignment {
  return assignmentOf(response, jsonBody(response), false);
}

/** `{"objectId","tenantId","principalType","clientIds"}` as an {@link EntraAssignment}. */
export function toEntraAssignment(response: PipelineResponse): EntraAssignment {
  return assignmentOf(response, jsonBody(response), true);
}

function assignmentsOf(response: PipelineResponse, body: Record<string, unknown>): EntraAssignment[] {
  const { value } = body;
  if (!Array.isArray(value)) return fail(response, "a list without a value array");
  return value.map((item) => assignmentOf(response, item, true));
}

/** `{"value":[...]}` as {@link EntraAssignment}s; a 204 (no body) as none. */
export function toEntraAssignments(response: PipelineResponse): EntraAssignment[] {
  return response.status === 204 ? [] : assignmentsOf(response, jsonBody(response));
}

/**
 * A page of {@link EntraAssignment}s, `{"value":[...],"nextLink"?}`, its `continuationToken` the
 * `nextLink` made absolute (a relative one is resolved against the page's own URL).
 */
export function toEntraAssignmentPage(response: PipelineResponse): ContinuablePage<EntraAssignment> {
  const body = jsonBody(response);
  const { nextLink } = body;
  const base = response.request.url;
  if (nextLink != null && (typeof nextLink !== "string" || !URL.canParse(nextLink, base)))
    return fail(response, "a nextLink that is not a URL");
  return Object.assign(assignmentsOf(response, body), { continuationToken: nextLink ? new URL(nextLink, base).href : undefined });
}
