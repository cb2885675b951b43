/**
 * Argument checks, run before any request. Wrong types throw `TypeError`, wrong values
 * `RangeError`; messages say what was expected and never echo a token.
 *
 * @internal
 */
import type { CommunicationUser, GetTokenForTeamsUserOptions, TokenScope } from "./models.js";

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
    throw new TypeError("Expected a user: a { communicationUserId: string } object, as createUser returns, or the id string itself.");
  }
  if (id.trim() === "") {
    throw new RangeError("The user id is empty. Pass the communicationUserId that createUser returned (it starts with 8:acs:).");
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
    throw new RangeError(
      `The user id "${id}" is not an id: in a URL it means a folder, and the request would go to another address. ` +
        "Pass the communicationUserId that createUser returned (it starts with 8:acs:).",
    );
  }
}

/**
 * @throws TypeError when scopes is not an array of strings; RangeError when it is empty or holds an empty string.
 */
export function checkScopes(scopes: readonly TokenScope[]): void {
  if (!Array.isArray(scopes)) {
    throw new TypeError('Scopes must be an array of strings, for example ["chat", "voip"].');
  }
  if (scopes.length === 0) {
    throw new RangeError('Scopes must not be empty: pass at least one, for example ["chat"] or ["voip"].');
  }
  for (const scope of scopes) {
    if (typeof scope !== "string") throw new TypeError('Every scope must be a string, for example "chat" or "voip".');
    if (scope.trim() === "") throw new RangeError('A scope is an empty string: use a scope name such as "chat" or "voip".');
  }
}

/**
 * @throws TypeError when the lifetime is not a number; RangeError when it is not an integer from 60 to 1440.
 */
export function checkTokenExpiresInMinutes(minutes: unknown): void {
  if (minutes === undefined) return;
  if (typeof minutes !== "number") {
    throw new TypeError(`tokenExpiresInMinutes must be a number of minutes, an integer from ${MIN_TOKEN_MINUTES} to ${MAX_TOKEN_MINUTES}.`);
  }
  if (!Number.isInteger(minutes) || minutes < MIN_TOKEN_MINUTES || minutes > MAX_TOKEN_MINUTES) {
    throw new RangeError(`tokenExpiresInMinutes must be an integer from ${MIN_TOKEN_MINUTES} to ${MAX_TOKEN_MINUTES} (1 to 24 hours).`);
  }
}

/**
 * @throws TypeError when the options or one of the three Teams fields is missing or not a non-empty string.
 */
export function checkTeamsOptions(options: GetTokenForTeamsUserOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("getTokenForTeamsUser needs an options object with teamsUserAadToken, clientId and userObjectId.");
  }
  const fields = {
    teamsUserAadToken: "the Teams user's Microsoft Entra access token",
    clientId: "the Entra application (client) id",
    userObjectId: "the Teams user's Entra object id",
  } as const;
  for (const [field, meaning] of Object.entries(fields)) {
    const value: unknown = options[field as keyof typeof fields];
    if (typeof value !== "string" || value.trim() === "") {
      throw new TypeError(`getTokenForTeamsUser needs ${field}: ${meaning}, as a non-empty string.`);
    }
  }
}

/**
 * @throws TypeError when options is given but is not an object.
 */
export function checkOptions(options: unknown): void {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError("Options must be an object (or left out).");
  }
}

/** The api-versions that know `customId` and `GET /identities/{id}`. */
export const CUSTOM_ID_API_VERSIONS: readonly string[] = ["2025-03-02-preview"];

/** The longest `customId` the service accepts, in characters. */
export const MAX_CUSTOM_ID_LENGTH = 256;

/**
 * @param feature - what needs the preview, as the user wrote it (`customId`, `getUser`).
 * @throws RangeError when the client's api-version lacks custom ids and user details, naming the version to choose.
 */
export function checkCustomIdApiVersion(feature: string, apiVersion: string): void {
  if (CUSTOM_ID_API_VERSIONS.includes(apiVersion)) return;
  const wanted = CUSTOM_ID_API_VERSIONS[0]!;
  throw new RangeError(
    `${feature} needs api-version ${wanted}, but this client uses ${apiVersion}: create the client with { apiVersion: "${wanted}" }.`,
  );
}

/**
 * @throws TypeError when customId is given but is not a string; RangeError when the api-version lacks it or it is not 1 to 256 characters long.
 */
export function checkCustomId(customId: unknown, apiVersion: string): void {
  if (customId === undefined) return;
  if (typeof customId !== "string") {
    throw new TypeError(
      `customId must be a string of 1 to ${MAX_CUSTOM_ID_LENGTH} characters, for example your own account id for the user.`,
    );
  }
  checkCustomIdApiVersion("customId", apiVersion);
  if (customId.length < 1 || customId.length > MAX_CUSTOM_ID_LENGTH) {
    throw new RangeError(`customId must be 1 to ${MAX_CUSTOM_ID_LENGTH} characters long; it is ${customId.length}.`);
  }
}
