import type { KeyCredential, TokenCredential } from "@azure/core-auth";
import { resolveClientArguments } from "./clientArguments.js";
import type {
  CommunicationAccessToken,
  CommunicationIdentityClientOptions,
  CommunicationUser,
  CommunicationUserDetail,
  CommunicationUserDetails,
  CommunicationUserToken,
  CreateUserAndTokenOptions,
  CreateUserOptions,
  DeleteUserOptions,
  GetTokenForTeamsUserOptions,
  GetUserOptions,
  IssueTokenOptions,
  RevokeTokensOptions,
} from "./models.js";
import type {
  DeleteEntraAssignmentOptions,
  DeleteTeamsExtensionAssignmentOptions,
  EntraAssignment,
  EntraAssignmentInput,
  GetEntraAssignmentOptions,
  GetTeamsExtensionAssignmentOptions,
  ListEntraAssignmentsOptions,
  SetEntraAssignmentOptions,
  SetTeamsExtensionAssignmentOptions,
  TeamsExtensionAssignment,
  TeamsExtensionAssignmentInput,
  UpdateEntraAssignmentsOptions,
} from "./assignmentModels.js";
import type { PagedAsyncIterableIterator } from "./paging.js";
import type { TokenScopeArgument } from "./tokenScope.js";
import * as identity from "./identityOperations.js";
import * as teamsExtension from "./teamsExtensionAssignments.js";
import * as entra from "./entraAssignments.js";
import { OperationSender } from "./operationSender.js";

export { DEFAULT_API_VERSION } from "./operationSender.js";

/**
 * Creates Communication Services users and issues them access tokens for chat and calling, and
 * manages which Microsoft Entra users may exchange their Entra tokens for such tokens (Teams Phone
 * extensibility and Entra ID assignments).
 *
 * Authenticate with a connection string, an endpoint and access key, or an endpoint and a
 * Microsoft Entra `TokenCredential`. Every method checks its arguments before sending anything
 * and rejects with a `TypeError` or `RangeError` that says what was expected; a service failure
 * rejects with the pipeline's `RestError` (`statusCode`, the service's `code` and message, and in
 * `details` the `ms-cv` correlation vector and client request id).
 *
 * @example
 * ```ts
 * const client = new CommunicationIdentityClient(process.env.COMMUNICATION_CONNECTION_STRING!);
 * const { user, token, expiresOn } = await client.createUserAndToken(["chat", "voip"]);
 * ```
 */
export class CommunicationIdentityClient {
  readonly #sender: OperationSender;

  /**
   * @param connectionString - `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>`.
   * @param options - pipeline options (retries, user agent, proxy, HTTP client), `apiVersion` and `allowInsecureConnection`.
   * @throws TypeError when the connection string is malformed (the message never contains the key).
   */
  constructor(connectionString: string, options?: CommunicationIdentityClientOptions);
  /**
   * @param endpoint - `https://<resource>.communication.azure.com`.
   * @param credential - an access key (`AzureKeyCredential` or {@link AccessKeyCredential}) or a Microsoft Entra `TokenCredential`.
   * @param options - pipeline options (retries, user agent, proxy, HTTP client), `apiVersion` and `allowInsecureConnection`.
   * @throws TypeError when the endpoint or credential is unusable.
   */
  constructor(endpoint: string, credential: KeyCredential | TokenCredential, options?: CommunicationIdentityClientOptions);
  constructor(
    endpointOrConnectionString: string,
    credentialOrOptions?: KeyCredential | TokenCredential | CommunicationIdentityClientOptions,
    maybeOptions?: CommunicationIdentityClientOptions,
  ) {
    const { url, credential, options } = resolveClientArguments(endpointOrConnectionString, credentialOrOptions, maybeOptions);
    this.#sender = new OperationSender(url, credential, options);
  }

  /**
   * Creates a user with no tokens, or with `customId`, returns the user created earlier with it.
   *
   * @param options - `customId` (1 to 256 characters; needs `apiVersion: "2025-03-02-preview"`) and operation options.
   * @returns the new (or, with `customId`, existing) user, `{ communicationUserId }`.
   * @throws TypeError or RangeError for a bad `customId` or one the client's api-version lacks (nothing is sent); RestError when the service refuses (e.g. 401 for a wrong key).
   * @example
   * ```ts
   * const user = await client.createUser();
   * const same = await client.createUser({ customId: "alice@contoso" }); // api-version 2025-03-02-preview
   * ```
   */
  async createUser(options: CreateUserOptions = {}): Promise<CommunicationUser> {
    return identity.createUser(this.#sender, options);
  }

  /**
   * What the service knows about a user: its custom id and when it last got a token.
   * Needs the client option `apiVersion: "2025-03-02-preview"` (or `"2025-06-30"`).
   *
   * @param user - the user, or its `communicationUserId`.
   * @returns `{ user, customId?, lastTokenIssuedAt? }`.
   * @throws TypeError or RangeError for a bad user, or RangeError when the client's api-version lacks this operation (nothing is sent); RestError when the service refuses (401 IdentityNotOwned for an unknown, deleted or foreign user).
   * @example
   * ```ts
   * const { customId, lastTokenIssuedAt } = await client.getUser(user);
   * ```
   */
  async getUser(user: CommunicationUser | string, options: GetUserOptions = {}): Promise<CommunicationUserDetails> {
    return identity.getUser(this.#sender, user, options);
  }

  /**
   * The official client's name (`@azure/communication-identity` 1.4.0-beta) for
   * {@link CommunicationIdentityClient.getUser}, with the same result.
   */
  async getUserDetail(user: CommunicationUser | string, options: GetUserOptions = {}): Promise<CommunicationUserDetail> {
    return this.getUser(user, options);
  }

  /**
   * Issues an access token to an existing user.
   *
   * @param user - the user, or its `communicationUserId`.
   * @param scopes - what the token allows, e.g. `["chat", "voip"]`; not empty; scopes the api-version does not know are refused unless wrapped in {@link UnknownTokenScope}.
   * @param options - `tokenExpiresInMinutes` (60 to 1440, default 1440) and operation options.
   * @returns the token, its expiry and the user.
   * @throws TypeError or RangeError for bad arguments (nothing is sent); RestError when the service refuses (401 IdentityNotOwned for an unknown, deleted or foreign user; 400 ValidationError for scopes or a lifetime it refuses).
   * @example
   * ```ts
   * const { token, expiresOn } = await client.issueToken(user, ["chat"], { tokenExpiresInMinutes: 60 });
   * ```
   */
  async issueToken(
    user: CommunicationUser | string,
    scopes: readonly TokenScopeArgument[],
    options: IssueTokenOptions = {},
  ): Promise<CommunicationUserToken> {
    return identity.issueToken(this.#sender, user, scopes, options);
  }

  /**
   * The official client's name for {@link CommunicationIdentityClient.issueToken}, so code written
   * for `@azure/communication-identity` works after changing the import.
   */
  async getToken(
    user: CommunicationUser | string,
    scopes: readonly TokenScopeArgument[],
    options: IssueTokenOptions = {},
  ): Promise<CommunicationUserToken> {
    return this.issueToken(user, scopes, options);
  }

  /**
   * Creates a user and issues it a token in one request; with `customId`, issues the token to the
   * user created earlier with it, if any.
   *
   * @param scopes - what the token allows, e.g. `["chat", "voip"]`; not empty; scopes the api-version does not know are refused unless wrapped in {@link UnknownTokenScope}.
   * @param options - `tokenExpiresInMinutes` (60 to 1440, default 1440), `customId` (1 to 256 characters; needs `apiVersion: "2025-03-02-preview"`) and operation options.
   * @throws TypeError or RangeError for bad arguments (nothing is sent); RestError when the service refuses.
   * @example
   * ```ts
   * const { user, token } = await client.createUserAndToken(["voip"]);
   * ```
   */
  async createUserAndToken(
    scopes: readonly TokenScopeArgument[],
    options: CreateUserAndTokenOptions = {},
  ): Promise<CommunicationUserToken> {
    return identity.createUserAndToken(this.#sender, scopes, options);
  }

  /**
   * Revokes every token issued to the user so far; tokens issued later are valid.
   *
   * @throws TypeError or RangeError for a bad user (nothing is sent); RestError when the service refuses (401 IdentityNotOwned for an unknown, deleted or foreign user).
   */
  async revokeTokens(user: CommunicationUser | string, options: RevokeTokensOptions = {}): Promise<void> {
    return identity.revokeTokens(this.#sender, user, options);
  }

  /**
   * Deletes the user, revokes its tokens and deletes its data.
   *
   * @throws TypeError or RangeError for a bad user (nothing is sent); RestError when the service refuses (401 IdentityNotOwned for an unknown, deleted or foreign user).
   */
  async deleteUser(user: CommunicationUser | string, options: DeleteUserOptions = {}): Promise<void> {
    return identity.deleteUser(this.#sender, user, options);
  }

  /**
   * Exchanges a Teams user's Microsoft Entra token for a Communication Services token.
   *
   * @param options - `teamsUserAadToken`, `clientId` and `userObjectId` (all required) and operation options.
   * When the Entra token is a readable JWT, its claims are checked first, locally and without its
   * signature, so that the common mistakes get a message that names them; opaque tokens are sent as they are.
   *
   * @throws TypeError when a field is missing; RangeError when the Entra token expired (more than 5 minutes ago by this machine's clock) or its `oid` or `appid` / `azp` claim does not match `userObjectId` or `clientId` (nothing is sent; the message never contains the token); RestError: 401 InvalidAccessToken for an empty, invalid or expired Entra token; 400 ValidationError when `clientId` or `userObjectId` is empty, not a GUID, or does not match it.
   */
  async getTokenForTeamsUser(options: GetTokenForTeamsUserOptions): Promise<CommunicationAccessToken> {
    return identity.getTokenForTeamsUser(this.#sender, options);
  }

  /**
   * The Teams Phone extensibility assignment of a user or resource account: whether it may
   * exchange its Entra token for a Communication Services token, and through which apps.
   * Needs the client option `apiVersion: "2025-06-30"` (or `"2025-03-02-preview"`), as do the other Teams extension methods.
   *
   * @param tenantId - the Entra tenant id, a GUID.
   * @param objectId - the Entra object id of the user or resource account, a GUID.
   * @throws TypeError or RangeError for a bad id or api-version (nothing is sent); RestError when the service refuses (404 when there is no such assignment).
   */
  async getTeamsExtensionAssignment(
    tenantId: string,
    objectId: string,
    options: GetTeamsExtensionAssignmentOptions = {},
  ): Promise<TeamsExtensionAssignment> {
    return teamsExtension.getTeamsExtensionAssignment(this.#sender, tenantId, objectId, options);
  }

  /**
   * Creates or replaces a Teams Phone extensibility assignment (the service answers 201 or 200).
   *
   * @param assignment - `principalType` (`"user"` or `"resourceAccount"`) and, optionally, `clientIds`: the Entra application ids allowed to exchange tokens.
   * @returns the assignment as stored.
   * @throws TypeError or RangeError for a bad id, assignment or api-version (nothing is sent); RestError when the service refuses.
   * @example
   * ```ts
   * await client.setTeamsExtensionAssignment(tenantId, objectId, { principalType: "user", clientIds: [appId] });
   * ```
   */
  async setTeamsExtensionAssignment(
    tenantId: string,
    objectId: string,
    assignment: TeamsExtensionAssignmentInput,
    options: SetTeamsExtensionAssignmentOptions = {},
  ): Promise<TeamsExtensionAssignment> {
    return teamsExtension.setTeamsExtensionAssignment(this.#sender, tenantId, objectId, assignment, options);
  }

  /**
   * Deletes a Teams Phone extensibility assignment: the principal can no longer exchange tokens.
   *
   * @throws TypeError or RangeError for a bad id or api-version (nothing is sent); RestError when the service refuses.
   */
  async deleteTeamsExtensionAssignment(
    tenantId: string,
    objectId: string,
    options: DeleteTeamsExtensionAssignmentOptions = {},
  ): Promise<void> {
    return teamsExtension.deleteTeamsExtensionAssignment(this.#sender, tenantId, objectId, options);
  }

  /**
   * Lists the Microsoft Entra ID assignments of the resource, one request per page (each its own
   * operation: span, `onResponse`). Needs the client option `apiVersion: "2025-03-02-preview"`, as do the other Entra methods.
   *
   * @returns `for await` over the assignments, or `.byPage({ continuationToken })` over pages (`maxPageSize` is refused: the service sizes pages).
   * @throws TypeError or RangeError, at once, for bad options or api-version; from `byPage`, for bad settings; from the iteration, for a next page on another origin (not followed) or a service failure (RestError).
   * @example
   * ```ts
   * for await (const { objectId, principalType } of client.listEntraAssignments()) console.log(objectId, principalType);
   * ```
   */
  listEntraAssignments(options: ListEntraAssignmentsOptions = {}): PagedAsyncIterableIterator<EntraAssignment> {
    return entra.listEntraAssignments(this.#sender, options);
  }

  /**
   * The Microsoft Entra ID assignment of a user, group or tenant.
   *
   * @param objectId - the Entra object id, a GUID.
   * @throws TypeError or RangeError for a bad id or api-version (nothing is sent); RestError when the service refuses (404 when there is no such assignment).
   */
  async getEntraAssignment(objectId: string, options: GetEntraAssignmentOptions = {}): Promise<EntraAssignment> {
    return entra.getEntraAssignment(this.#sender, objectId, options);
  }

  /**
   * Creates or replaces a Microsoft Entra ID assignment (the service answers 201 or 200).
   *
   * @param assignment - `tenantId`, `principalType` (`"user"`, `"group"` or `"tenant"`) and `clientIds` (Entra application ids; may be empty).
   * @returns the assignment as stored.
   * @throws TypeError or RangeError for a bad id, assignment or api-version (nothing is sent); RestError when the service refuses.
   */
  async setEntraAssignment(
    objectId: string,
    assignment: EntraAssignmentInput,
    options: SetEntraAssignmentOptions = {},
  ): Promise<EntraAssignment> {
    return entra.setEntraAssignment(this.#sender, objectId, assignment, options);
  }

  /**
   * Deletes a Microsoft Entra ID assignment: its users can no longer exchange tokens through it.
   *
   * @throws TypeError or RangeError for a bad id or api-version (nothing is sent); RestError when the service refuses.
   */
  async deleteEntraAssignment(objectId: string, options: DeleteEntraAssignmentOptions = {}): Promise<void> {
    return entra.deleteEntraAssignment(this.#sender, objectId, options);
  }

  /**
   * Adds, replaces and removes Microsoft Entra ID assignments in one request (JSON merge patch).
   *
   * @param changes - object ids (GUIDs, at least one) to their new assignment, or to `null` to remove it.
   * @returns the assignments the service reports (none when it answers 204).
   * @throws TypeError or RangeError for bad changes or api-version (nothing is sent); RestError when the service refuses.
   * @example
   * ```ts
   * await client.updateEntraAssignments({ [groupId]: { tenantId, principalType: "group", clientIds: [appId] }, [userId]: null });
   * ```
   */
  async updateEntraAssignments(
    changes: Readonly<Record<string, EntraAssignmentInput | null>>,
    options: UpdateEntraAssignmentsOptions = {},
  ): Promise<EntraAssignment[]> {
    return entra.updateEntraAssignments(this.#sender, changes, options);
  }
}
