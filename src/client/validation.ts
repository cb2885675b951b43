/**
 * Argument checks, run before any request. Wrong types throw `TypeError`, wrong values
 * `RangeError`; messages say what was expected and never echo a token. Every such error also
 * carries the `statusCode` and `code` the service would have answered, so that code branching on
 * `error.statusCode` behaves the same whether a check ran here or at the service.
 *
 * @internal
 */
import { CUSTOM_ID_API_VERSIONS, knownScopesFor } from "./apiVersions.js";
import type { CommunicationUser, GetTokenForTeamsUserOptions } from "./models.js";
import { UnknownTokenScope, type TokenScopeArgument } from "./tokenScope.js";

/** What the service answers a request it refuses, as a `RestError` carries it. */
export interface ServiceAnswer {
  /** The HTTP status. */
  statusCode: number;
  /** The service's `error.code`. */
  code: string;
}

/** The service's answer to a bad argument. */
export const VALIDATION_ERROR: ServiceAnswer = { statusCode: 400, code: "ValidationError" };

/** The service's answer to an empty, invalid or expired Entra token in the Teams exchange. */
export const INVALID_ACCESS_TOKEN: ServiceAnswer = { statusCode: 401, code: "InvalidAccessToken" };

/**
 * A `TypeError` or `RangeError` with the service's `statusCode` and `code`, read-only and not
 * enumerable like `message`, so that the error still prints and compares as the plain error it is.
 */
export function refusal<E extends TypeError | RangeError>(error: E, answer: ServiceAnswer = VALIDATION_ERROR): E & ServiceAnswer {
  return Object.defineProperties(error, { statusCode: { value: answer.statusCode }, code: { value: answer.code } }) as E & ServiceAnswer;
}

/** The shortest and longest token lifetimes the service accepts, in minutes. */
export const MIN_TOKEN_MINUTES = 60;
export const MAX_TOKEN_MINUTES = 1440;

/**
 * The id of a user given as a {@link CommunicationUser} or as its id string.
 *
 * @throws TypeError when it is neither; RangeError when the id is empty, blank, `.` or `..`.
 */
export function userIdOf(user: CommunicationUser | string): string {
  const id: unknown = typeof user === "object" && user !== null ? (user as Partial<CommunicationUser>).communicationUserId : user;
  if (typeof id !== "string") {
    throw refusal(
      new TypeError("Expected a user: a { communicationUserId: string } object, as createUser returns, or the id string itself."),
    );
  }
  if (id.trim() === "") {
    throw refusal(new RangeError("The user id is empty. Pass the communicationUserId that createUser returned (it starts with 8:acs:)."));
  }
  checkIdStaysInPath(id);
  return id;
}

/**
 * `encodeURIComponent` keeps every id in one path segment (it encodes `/`, `?`, `#` and `%`), except
 * `.` and `..`, which URL parsing reads as "this folder" and "the parent folder":
 * `DELETE /identities/..` would become `DELETE /`.
 *
 * @throws RangeError when the id is `.` or `..`.
 */
function checkIdStaysInPath(id: string): void {
  if (id === "." || id === "..") {
    throw refusal(
      new RangeError(
        `The user id "${id}" is not an id: in a URL it means a folder, and the request would go to another address. ` +
          "Pass the communicationUserId that createUser returned (it starts with 8:acs:).",
      ),
    );
  }
}

/**
 * Checks the scopes against those the api-version knows and returns their names, as sent.
 *
 * @throws TypeError when scopes is not an array of strings (or {@link UnknownTokenScope}s); RangeError when it is empty, or holds an empty string or a scope the api-version does not know, naming the ones it does.
 */
export function checkScopes(scopes: readonly TokenScopeArgument[], apiVersion: string): string[] {
  if (!Array.isArray(scopes)) {
    throw refusal(new TypeError('Scopes must be an array of strings, for example ["chat", "voip"].'));
  }
  if (scopes.length === 0) {
    throw refusal(new RangeError('Scopes must not be empty: pass at least one, for example ["chat"] or ["voip"].'));
  }
  const known = knownScopesFor(apiVersion);
  return scopes.map((given: unknown) => {
    const scope = given instanceof UnknownTokenScope ? given.name : given;
    if (typeof scope !== "string") throw refusal(new TypeError('Every scope must be a string, for example "chat" or "voip".'));
    if (scope.trim() === "") throw refusal(new RangeError('A scope is an empty string: use a scope name such as "chat" or "voip".'));
    if (!known.includes(scope) && !(given instanceof UnknownTokenScope)) {
      throw refusal(
        new RangeError(
          `Unknown scope ${JSON.stringify(scope)} for api-version ${apiVersion}: use one of ${known.join(", ")}, or new UnknownTokenScope(name).`,
        ),
      );
    }
    return scope;
  });
}

/**
 * @throws TypeError when the lifetime is not a number; RangeError when it is not an integer from 60 to 1440.
 */
export function checkTokenExpiresInMinutes(minutes: unknown): void {
  if (minutes === undefined) return;
  if (typeof minutes !== "number") {
    throw refusal(
      new TypeError(`tokenExpiresInMinutes must be a number of minutes, an integer from ${MIN_TOKEN_MINUTES} to ${MAX_TOKEN_MINUTES}.`),
    );
  }
  if (!Number.isInteger(minutes) || minutes < MIN_TOKEN_MINUTES || minutes > MAX_TOKEN_MINUTES) {
    throw refusal(
      new RangeError(`tokenExpiresInMinutes must be an integer from ${MIN_TOKEN_MINUTES} to ${MAX_TOKEN_MINUTES} (1 to 24 hours).`),
    );
  }
}

/**
 * @throws TypeError when the options or one of the three Teams fields is missing or not a non-empty string.
 */
export function checkTeamsOptions(options: GetTokenForTeamsUserOptions): void {
  if (typeof options !== "object" || options === null) {
    throw refusal(new TypeError("getTokenForTeamsUser needs an options object with teamsUserAadToken, clientId and userObjectId."));
  }
  const fields = {
    teamsUserAadToken: "the Teams user's Microsoft Entra access token",
    clientId: "the Entra application (client) id",
    userObjectId: "the Teams user's Entra object id",
  } as const;
  for (const [field, meaning] of Object.entries(fields)) {
    const value: unknown = options[field as keyof typeof fields];
    if (typeof value !== "string" || value.trim() === "") {
      // The service answers a missing Entra token as an invalid one (401), other missing fields with 400.
      const answer = field === "teamsUserAadToken" ? INVALID_ACCESS_TOKEN : VALIDATION_ERROR;
      throw refusal(new TypeError(`getTokenForTeamsUser needs ${field}: ${meaning}, as a non-empty string.`), answer);
    }
  }
}

/**
 * @throws TypeError when options is given but is not an object.
 */
export function checkOptions(options: unknown): void {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw refusal(new TypeError("Options must be an object (or left out)."));
  }
}

/** The longest `customId` the service accepts, in characters. */
export const MAX_CUSTOM_ID_LENGTH = 256;

/**
 * @param feature - what needs the preview, as the user wrote it (`customId`, `getUser`).
 * @throws RangeError when the client's api-version lacks custom ids and user details, naming the version to choose.
 */
export function checkCustomIdApiVersion(feature: string, apiVersion: string): void {
  // The preview first: it is the version the service is recorded to honour them on.
  checkApiVersion(feature, apiVersion, CUSTOM_ID_API_VERSIONS);
}

/**
 * The checks every operation that only some api-versions have starts with.
 *
 * @throws TypeError when options is given but is not an object; RangeError as {@link checkApiVersion}.
 */
export function checkOperation(name: string, options: unknown, apiVersion: string, versions: readonly string[]): void {
  checkOptions(options);
  checkApiVersion(name, apiVersion, versions);
}

/**
 * @param feature - the method or option that needs one of `versions`, as the user wrote it.
 * @param versions - the api-versions that have it, the one to suggest first.
 * @throws RangeError when the client's api-version is not one of them, naming the version to choose.
 */
export function checkApiVersion(feature: string, apiVersion: string, versions: readonly string[]): void {
  if (versions.includes(apiVersion)) return;
  const [first, ...others] = versions;
  throw refusal(
    new RangeError(
      `${feature} needs api-version ${first}${others.length ? ` (or ${others.join(", ")})` : ""}, but this client uses ${apiVersion}: create the client with { apiVersion: "${first}" }.`,
    ),
  );
}

/**
 * @throws TypeError when customId is given but is not a string; RangeError when the api-version lacks it or it is not 1 to 256 characters long.
 */
export function checkCustomId(customId: unknown, apiVersion: string): void {
  if (customId === undefined) return;
  if (typeof customId !== "string") {
    throw refusal(
      new TypeError(`customId must be a string of 1 to ${MAX_CUSTOM_ID_LENGTH} characters, for example your own account id for the user.`),
    );
  }
  checkCustomIdApiVersion("customId", apiVersion);
  if (customId.length < 1 || customId.length > MAX_CUSTOM_ID_LENGTH) {
    throw refusal(new RangeError(`customId must be 1 to ${MAX_CUSTOM_ID_LENGTH} characters long; it is ${customId.length}.`));
  }
}
