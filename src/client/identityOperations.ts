// The identity operations (users and their tokens), each a function of the client's shared
// OperationSender: arguments checked first, then one request through the sender's operation path.
// The client's methods (communicationIdentityClient.ts) document them and call these.
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type {
  CommunicationAccessToken,
  CommunicationUser,
  CommunicationUserDetails,
  CommunicationUserToken,
  CreateUserAndTokenOptions,
  CreateUserOptions,
  DeleteUserOptions,
  GetTokenForTeamsUserOptions,
  GetUserOptions,
  IssueTokenOptions,
  OperationOptions,
  RevokeTokensOptions,
} from "./models.js";
import type { OperationSender } from "./operationSender.js";
import type { TokenScopeArgument } from "./tokenScope.js";
import { toAccessToken, toUser, toUserDetails, toUserToken } from "./responses.js";
import { IDENTITY_NOT_OWNED } from "./serviceError.js";
import { checkTeamsTokenClaims } from "./teamsTokenCheck.js";
import {
  checkCustomId,
  checkCustomIdApiVersion,
  checkOptions,
  checkScopes,
  checkTeamsOptions,
  checkTokenExpiresInMinutes,
  userIdOf,
} from "./validation.js";

export function createUser(sender: OperationSender, options: CreateUserOptions): Promise<CommunicationUser> {
  checkOptions(options);
  checkCustomId(options.customId, sender.apiVersion);
  const body = options.customId === undefined ? undefined : { customId: options.customId };
  return sender.operation("createUser", options, (traced) => sender.create("createUser", body, traced), toUser);
}

export function getUser(
  sender: OperationSender,
  user: CommunicationUser | string,
  options: GetUserOptions,
): Promise<CommunicationUserDetails> {
  const id = userIdOf(user);
  checkOptions(options);
  checkCustomIdApiVersion("getUser", sender.apiVersion);
  const send = (traced: OperationOptions) => sender.send({ method: "GET", path: identityPath(id), status: 200, options: traced });
  return sender.operation("getUser", options, send, toUserDetails);
}

export function issueToken(
  sender: OperationSender,
  user: CommunicationUser | string,
  scopes: readonly TokenScopeArgument[],
  options: IssueTokenOptions,
): Promise<CommunicationUserToken> {
  const id = userIdOf(user);
  const names = checkScopes(scopes, sender.apiVersion);
  checkOptions(options);
  checkTokenExpiresInMinutes(options.tokenExpiresInMinutes);
  const body = { scopes: names, expiresInMinutes: options.tokenExpiresInMinutes };
  const send = (traced: OperationOptions) =>
    sender.send({ method: "POST", path: `${identityPath(id)}/:issueAccessToken`, status: 200, options: traced, body });
  const read = (response: PipelineResponse) => ({ user: { communicationUserId: id }, ...toAccessToken(response) });
  return sender.operation("issueToken", options, send, read);
}

export function createUserAndToken(
  sender: OperationSender,
  scopes: readonly TokenScopeArgument[],
  options: CreateUserAndTokenOptions,
): Promise<CommunicationUserToken> {
  const names = checkScopes(scopes, sender.apiVersion);
  checkOptions(options);
  checkTokenExpiresInMinutes(options.tokenExpiresInMinutes);
  checkCustomId(options.customId, sender.apiVersion);
  const body = { createTokenWithScopes: names, expiresInMinutes: options.tokenExpiresInMinutes, customId: options.customId };
  return sender.operation("createUserAndToken", options, (traced) => sender.create("createUserAndToken", body, traced), toUserToken);
}

export function revokeTokens(sender: OperationSender, user: CommunicationUser | string, options: RevokeTokensOptions): Promise<void> {
  const id = userIdOf(user);
  checkOptions(options);
  const send = (traced: OperationOptions) =>
    sender.send({ method: "POST", path: `${identityPath(id)}/:revokeAccessTokens`, status: 204, options: traced });
  return sender.operation("revokeTokens", options, send, () => undefined);
}

export function deleteUser(sender: OperationSender, user: CommunicationUser | string, options: DeleteUserOptions): Promise<void> {
  const id = userIdOf(user);
  checkOptions(options);
  const alsoDoneAfterRepeat = { status: 401, code: IDENTITY_NOT_OWNED };
  const send = (traced: OperationOptions) =>
    sender.send({ method: "DELETE", path: identityPath(id), status: 204, options: traced, alsoDoneAfterRepeat });
  return sender.operation("deleteUser", options, send, () => undefined);
}

export function getTokenForTeamsUser(sender: OperationSender, options: GetTokenForTeamsUserOptions): Promise<CommunicationAccessToken> {
  checkTeamsOptions(options);
  checkTeamsTokenClaims(options);
  const body = { token: options.teamsUserAadToken, appId: options.clientId, userId: options.userObjectId };
  const send = (traced: OperationOptions) =>
    sender.send({ method: "POST", path: "/teamsUser/:exchangeAccessToken", status: 200, options: traced, body });
  return sender.operation("getTokenForTeamsUser", options, send, toAccessToken);
}

function identityPath(id: string): string {
  return `/identities/${encodeURIComponent(id)}`;
}
