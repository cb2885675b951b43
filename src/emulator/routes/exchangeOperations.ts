/**
 * The two exchanges of a user's Microsoft Entra token for a Communication Services token:
 * `POST /access/teamsExtension/:exchangeAccessToken` (Teams Phone extensibility) and
 * `POST /access/entra/:exchangeAccessToken` (Entra ID users). Authorized by the Entra token alone
 * (no access key), and allowed by an assignment: of the user in its tenant (Teams), or of the user,
 * one of its groups or its whole tenant (Entra), whose `clientIds` include the application.
 */
import { requireApiVersion } from "./apiVersion.js";
import { ENTRA_VERSIONS, TEAMS_EXTENSION_VERSIONS } from "./assignmentOperations.js";
import { readEntraUser, type EntraUser } from "./entraToken.js";
import { ServiceError } from "./errors.js";
import type { OperationContext, OperationHandler, OperationRequest } from "./operations.js";
import { jsonReply, type Reply } from "./reply.js";
import { parseJsonObject } from "./validation.js";
import { entraKey, teamsKey, type EntraAssignment } from "../store/assignments.js";
import type { Operation } from "../types.js";

const DAY_MS = 24 * 60 * 60_000;

/** The ACS scope each Entra permission grants, in the order tokens list them. */
const SCOPE_OF_PERMISSION: Readonly<Record<string, string>> = {
  Chat: "chat",
  "Chat.Join": "chat.join",
  "Chat.Join.Limited": "chat.join.limited",
  VoIP: "voip",
  "VoIP.Join": "voip.join",
};

/** What an exchange found: the identity, the assignment it went through, and the token's scopes. */
interface Grant {
  id: string;
  /** The key of the assignment the exchange went through. */
  via: string;
  scopes: string[];
}

async function exchangeTeamsExtensionToken(context: OperationContext, request: OperationRequest): Promise<Reply> {
  requireApiVersion(request.version, TEAMS_EXTENSION_VERSIONS, "POST /access/teamsExtension/:exchangeAccessToken");
  const user = readEntraUser(request.headers.authorization, "teamsExtension", context.now());
  parseJsonObject(request.body);
  const assignment = context.store.assignments.teams(user.tenantId, user.objectId);
  const where = `Teams Phone extensibility assignment for user ${user.objectId} in tenant ${user.tenantId}`;
  if (assignment === undefined) throw forbidden("UserNotAssigned", `No ${where}.`);
  if (assignment.clientIds !== undefined && !assignment.clientIds.includes(user.clientId)) {
    throw forbidden("ClientNotAllowed", `The application ${user.clientId} is not among the clientIds of the ${where}.`);
  }
  const id = `8:acs:${context.store.resourceId}_${user.tenantId}_${user.objectId}`;
  return exchanged(context, user, { id, via: teamsKey(user.tenantId, user.objectId), scopes: ["voip"] });
}

async function exchangeEntraToken(context: OperationContext, request: OperationRequest): Promise<Reply> {
  requireApiVersion(request.version, ENTRA_VERSIONS, "POST /access/entra/:exchangeAccessToken");
  const user = readEntraUser(request.headers.authorization, "entra", context.now());
  parseJsonObject(request.body);
  const covering = coveringAssignments(context, user);
  const who = `user ${user.objectId} of tenant ${user.tenantId}`;
  if (covering.length === 0) {
    const groups = user.groups.length === 1 ? "1 group" : `${user.groups.length} groups`;
    throw forbidden("UserNotAssigned", `No Microsoft Entra ID assignment covers ${who}: none for the user, its ${groups} or the tenant.`);
  }
  const allowing = covering.find((assignment) => assignment.clientIds.includes(user.clientId));
  if (allowing === undefined) {
    throw forbidden(
      "ClientNotAllowed",
      `The application ${user.clientId} is not among the clientIds of the Microsoft Entra ID assignments that cover ${who}.`,
    );
  }
  const scopes = Object.keys(SCOPE_OF_PERMISSION)
    .filter((permission) => user.permissions.includes(permission))
    .map((permission) => SCOPE_OF_PERMISSION[permission]!);
  const id = `8:acs:${context.store.resourceId}_wf_${user.tenantId}_${user.objectId}`;
  return exchanged(context, user, { id, via: entraKey(allowing.objectId), scopes });
}

/** The assignments of the user's tenant for the user, its groups and the tenant, in that order. */
function coveringAssignments(context: OperationContext, user: EntraUser): EntraAssignment[] {
  const principals: Array<[string, string]> = [
    [user.objectId, "user"],
    ...user.groups.map((group): [string, string] => [group, "group"]),
    [user.tenantId, "tenant"],
  ];
  return principals.flatMap(([objectId, principalType]) => {
    const assignment = context.store.assignments.entra(objectId);
    return assignment?.principalType === principalType && assignment.tenantId === user.tenantId ? [assignment] : [];
  });
}

/**
 * Issues the token, which expires with the Entra token (and never after a day), and records the
 * exchange (journalled: a token is answered only once the exchange is kept, so that deleting the
 * assignment revokes it also after a restart). An assignment deleted while the token was minted
 * revokes it: 403 `UserNotAssigned`, as if the deletion had come first.
 */
async function exchanged(context: OperationContext, user: EntraUser, grant: Grant): Promise<Reply> {
  const now = context.now();
  const expiresAt = Math.min(user.expiresAt, now + DAY_MS);
  const { assignments } = context.store;
  // The assignment as checked: one deleted and set again while the token is minted is another.
  const generation = assignments.generation(grant.via);
  const accessToken = await context.minter.mint({ id: grant.id, scopes: grant.scopes, issuedAt: now, expiresAt });
  if (generation === undefined || !(await assignments.tokenExchanged(grant.id, grant.via, generation, now))) {
    throw forbidden(
      "UserNotAssigned",
      `The assignment the exchange went through was deleted while the token was issued; the token is revoked.`,
    );
  }
  return jsonReply(200, { identity: { id: grant.id }, accessToken });
}

/** 403: no assignment applies, or it does not allow the application (the service's answer is not documented; ASSUMPTIONS.md). */
function forbidden(code: string, message: string): ServiceError {
  return new ServiceError(403, code, message);
}

/** The exchanges' handlers, by name. */
export const EXCHANGE_OPERATIONS = {
  exchangeTeamsExtensionToken,
  exchangeEntraToken,
} as const satisfies Partial<Record<Operation, OperationHandler>>;
