/**
 * A small, fast client for the Azure Communication Services Identity API: create users and issue
 * them access tokens for chat and calling.
 *
 * @packageDocumentation
 */
export { CommunicationIdentityClient, DEFAULT_API_VERSION } from "./client/communicationIdentityClient.js";
export { parseConnectionString, type ParsedConnectionString } from "./auth/connectionString.js";
export { AccessKeyCredential } from "./auth/keyCredential.js";
export { createCommunicationAccessKeyCredentialPolicy, accessKeyCredentialPolicyName } from "./auth/accessKeyCredentialPolicy.js";
export { COMMUNICATION_SCOPE } from "./auth/tokenCredentialPolicy.js";
export { logger } from "./logger.js";
export { inspectToken, type TokenInspection } from "./credentials/inspectToken.js";
export {
  AutoRefreshingTokenCredential,
  DEFAULT_REFRESH_MARGIN_MS,
  type AutoRefreshingTokenCredentialOptions,
  type TokenInput,
  type TokenRefresher,
} from "./credentials/autoRefreshingTokenCredential.js";
export {
  EntraCommunicationTokenCredential,
  type EntraCommunicationTokenCredentialOptions,
} from "./credentials/entraCommunicationTokenCredential.js";
export { exchangeEntraToken, type ExchangeEntraTokenOptions, type EntraTokenExchangeResult } from "./credentials/exchangeEntraToken.js";
export type { EntraExchangeTarget, EntraScopeFamily } from "./credentials/entraScopes.js";
export type { ServiceErrorDetails } from "./client/serviceError.js";
export { KnownTokenScope, UnknownTokenScope } from "./client/tokenScope.js";
export type {
  AbortSignalLike,
  AdditionalPolicyConfig,
  CommunicationAccessToken,
  CommunicationIdentityClientOptions,
  CommunicationUser,
  CommunicationUserDetail,
  CommunicationUserDetails,
  CommunicationUserToken,
  CreateUserAndTokenOptions,
  CreateUserOptions,
  CustomIdOptions,
  DeleteUserOptions,
  FullOperationResponse,
  GetTokenForTeamsUserOptions,
  GetTokenOptions,
  GetUserOptions,
  IssueTokenOptions,
  OperationOptions,
  OperationRequestOptions,
  RawResponseCallback,
  RevokeTokensOptions,
  TokenScope,
  TokenScopeArgument,
} from "./client/models.js";
export { KnownEntraPrincipalType, KnownTeamsExtensionPrincipalType } from "./client/assignmentModels.js";
export type {
  DeleteEntraAssignmentOptions,
  DeleteTeamsExtensionAssignmentOptions,
  EntraAssignment,
  EntraAssignmentInput,
  EntraPrincipalType,
  GetEntraAssignmentOptions,
  GetTeamsExtensionAssignmentOptions,
  ListEntraAssignmentsOptions,
  SetEntraAssignmentOptions,
  SetTeamsExtensionAssignmentOptions,
  TeamsExtensionAssignment,
  TeamsExtensionAssignmentInput,
  TeamsExtensionPrincipalType,
  UpdateEntraAssignmentsOptions,
} from "./client/assignmentModels.js";
export type { ContinuablePage, PagedAsyncIterableIterator, PageSettings } from "./client/paging.js";
export { AzureKeyCredential, type KeyCredential, type TokenCredential } from "@azure/core-auth";
export { RestError, isRestError } from "@azure/core-rest-pipeline";
