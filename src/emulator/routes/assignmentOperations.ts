/**
 * The assignment operations: who may exchange an Entra token, for Teams Phone extensibility
 * (`/access/teamsExtension/tenants/{tenantId}/assignments/{objectId}`, api-versions
 * 2025-03-02-preview and 2025-06-30) and for Microsoft Entra ID users (`/access/entra/assignments`,
 * 2025-03-02-preview). Authenticated like every other operation, before these run.
 */
import { requireApiVersion, type ApiVersion } from "./apiVersion.js";
import { readEntraAssignment, readEntraUpdate, readGuid, readPageSize, readTeamsExtensionAssignment } from "./assignmentValidation.js";
import { badRequest, ServiceError } from "./errors.js";
import { isGuid } from "../../client/guid.js";
import type { OperationContext, OperationHandler, OperationRequest } from "./operations.js";
import { jsonReply, type Reply } from "./reply.js";
import { parseJsonObject } from "./validation.js";
import type { EntraAssignment, TeamsExtensionAssignment } from "../store/assignments.js";
import type { Operation } from "../types.js";

/** The api-versions of the Teams Phone extensibility operations. */
export const TEAMS_EXTENSION_VERSIONS: readonly ApiVersion[] = ["2025-03-02-preview", "2025-06-30"];
/** The api-versions of the Microsoft Entra ID operations. */
export const ENTRA_VERSIONS: readonly ApiVersion[] = ["2025-03-02-preview"];

/** The content type `PATCH /access/entra/assignments` takes. */
export const MERGE_PATCH = "application/merge-patch+json";

const NO_CONTENT: Reply = { status: 204 };
const TEAMS_PATH = "/access/teamsExtension/tenants/{tenantId}/assignments/{objectId}";

/** The path's tenant and object ids of a Teams assignment, checked, after the api-version. */
function teamsIds(request: OperationRequest, method: string): { tenantId: string; objectId: string } {
  requireApiVersion(request.version, TEAMS_EXTENSION_VERSIONS, `${method} ${TEAMS_PATH}`);
  return { tenantId: readGuid(request.tenantId, "tenantId"), objectId: readGuid(request.objectId, "objectId") };
}

/** The path's object id of an Entra assignment, checked, after the api-version. */
function entraId(request: OperationRequest, method: string): string {
  requireApiVersion(request.version, ENTRA_VERSIONS, `${method} /access/entra/assignments/{objectId}`);
  return readGuid(request.objectId, "objectId");
}

function getTeamsExtensionAssignment(context: OperationContext, request: OperationRequest): Promise<Reply> {
  const { tenantId, objectId } = teamsIds(request, "GET");
  return Promise.resolve(jsonReply(200, teamsBody(existingTeams(context, tenantId, objectId))));
}

async function setTeamsExtensionAssignment(context: OperationContext, request: OperationRequest): Promise<Reply> {
  const { tenantId, objectId } = teamsIds(request, "PUT");
  const assignment = readTeamsExtensionAssignment(request.body, tenantId, objectId);
  const created = await context.store.assignments.setTeams(assignment, context.now());
  return jsonReply(created ? 201 : 200, teamsBody(assignment));
}

async function deleteTeamsExtensionAssignment(context: OperationContext, request: OperationRequest): Promise<Reply> {
  const { tenantId, objectId } = teamsIds(request, "DELETE");
  existingTeams(context, tenantId, objectId);
  await context.store.assignments.deleteTeams(tenantId, objectId, context.now());
  return NO_CONTENT;
}

function getEntraAssignment(context: OperationContext, request: OperationRequest): Promise<Reply> {
  return Promise.resolve(jsonReply(200, entraBody(existingEntra(context, entraId(request, "GET")))));
}

async function setEntraAssignment(context: OperationContext, request: OperationRequest): Promise<Reply> {
  const objectId = entraId(request, "PUT");
  const assignment = readEntraAssignment(parseJsonObject(request.body), objectId);
  const created = await context.store.assignments.updateEntra([assignment], context.now());
  return jsonReply(created ? 201 : 200, entraBody(assignment));
}

async function deleteEntraAssignment(context: OperationContext, request: OperationRequest): Promise<Reply> {
  const objectId = entraId(request, "DELETE");
  existingEntra(context, objectId);
  await context.store.assignments.updateEntra([objectId], context.now());
  return NO_CONTENT;
}

/**
 * One page of the Entra assignments, by object id. `nextLink` is an absolute URL with the
 * listener's scheme (http or https) on the host the request named, with the api-version, the page size asked and `skipToken` (the last object id
 * of this page); it is absent on the last page.
 */
function listEntraAssignments(context: OperationContext, request: OperationRequest): Promise<Reply> {
  requireApiVersion(request.version, ENTRA_VERSIONS, "GET /access/entra/assignments");
  const size = readPageSize(request.query.get("maxpagesize"));
  const skipToken = request.query.get("skipToken")?.toLowerCase() ?? null;
  if (skipToken !== null && !isGuid(skipToken)) {
    throw badRequest("ValidationError", "Invalid skipToken - use the nextLink of the previous page.", "skipToken");
  }
  const after = context.store.assignments.listEntra().filter((assignment) => skipToken === null || assignment.objectId > skipToken);
  const page = after.slice(0, size);
  if (after.length <= size) return Promise.resolve(jsonReply(200, { value: page.map(entraBody) }));
  // The listener's own scheme (a link to http on a TLS port would fail or send a signed request in
  // the clear), on the host the request named (or, without one, the listener's own address).
  const own = new URL(context.endpoint());
  const next = new URL(`/access/entra/assignments`, `${own.protocol}//${request.headers.host ?? own.host}`);
  next.searchParams.set("api-version", request.version);
  if (request.query.has("maxpagesize")) next.searchParams.set("maxpagesize", String(size));
  next.searchParams.set("skipToken", page[page.length - 1]!.objectId);
  return Promise.resolve(jsonReply(200, { value: page.map(entraBody), nextLink: next.href }));
}

/** Sets and removes assignments in one atomic change; answers the resulting assignments of the keys that were not `null`. */
async function updateEntraAssignments(context: OperationContext, request: OperationRequest): Promise<Reply> {
  requireApiVersion(request.version, ENTRA_VERSIONS, "PATCH /access/entra/assignments");
  const type = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== MERGE_PATCH) {
    throw new ServiceError(415, "UnsupportedMediaType", `PATCH /access/entra/assignments takes Content-Type: ${MERGE_PATCH}.`);
  }
  const changes = readEntraUpdate(request.body);
  await context.store.assignments.updateEntra(changes, context.now());
  const set = changes.filter((change): change is EntraAssignment => typeof change === "object");
  return jsonReply(200, { value: set.map(entraBody) });
}

function existingTeams(context: OperationContext, tenantId: string, objectId: string): TeamsExtensionAssignment {
  const assignment = context.store.assignments.teams(tenantId, objectId);
  if (assignment === undefined) {
    throw notFound(`No Teams Phone extensibility assignment for object ${objectId} in tenant ${tenantId}.`);
  }
  return assignment;
}

function existingEntra(context: OperationContext, objectId: string): EntraAssignment {
  const assignment = context.store.assignments.entra(objectId);
  if (assignment === undefined) throw notFound(`No Microsoft Entra ID assignment for object ${objectId}.`);
  return assignment;
}

/** 404 for a missing assignment; the service's code is not documented (ASSUMPTIONS.md). */
function notFound(message: string): ServiceError {
  return new ServiceError(404, "AssignmentNotFound", message);
}

/** A Teams assignment in the service's field order, `clientIds` only when it has them (also the admin API's). */
export function teamsBody(assignment: TeamsExtensionAssignment): TeamsExtensionAssignment {
  const { objectId, tenantId, principalType, clientIds } = assignment;
  return { objectId, tenantId, principalType, ...(clientIds === undefined ? {} : { clientIds }) };
}

/** An Entra assignment in the service's field order (also the admin API's). */
export function entraBody({ objectId, tenantId, principalType, clientIds }: EntraAssignment): EntraAssignment {
  return { objectId, tenantId, principalType, clientIds };
}

/** The assignment operations' handlers, by name. */
export const ASSIGNMENT_OPERATIONS = {
  getTeamsExtensionAssignment,
  setTeamsExtensionAssignment,
  deleteTeamsExtensionAssignment,
  listEntraAssignments,
  updateEntraAssignments,
  getEntraAssignment,
  setEntraAssignment,
  deleteEntraAssignment,
} as const satisfies Partial<Record<Operation, OperationHandler>>;
