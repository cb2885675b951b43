// The Teams Phone extensibility assignment operations (api-version 2025-06-30 or
// 2025-03-02-preview): which Entra users and resource accounts of a tenant may exchange their
// Entra tokens for Communication Services tokens. Each is a function of the client's shared
// OperationSender: arguments checked first, then one request; the client's methods document them.
import type { TeamsExtensionAssignment, TeamsExtensionAssignmentInput } from "./assignmentModels.js";
import type { OperationOptions } from "./models.js";
import type { OperationSender } from "./operationSender.js";
import type { TracedOperation } from "../transport/tracing.js";
import { FEATURE_API_VERSIONS } from "./apiVersions.js";
import { guid, teamsExtensionBody } from "./assignmentChecks.js";
import { toTeamsExtensionAssignment } from "./responses.js";
import { checkOperation } from "./validation.js";

/** Checks the options and the api-version, then the ids; returns the assignment's path. */
function pathOf(sender: OperationSender, name: TracedOperation, tenantId: unknown, objectId: unknown, options: OperationOptions): string {
  checkOperation(name, options, sender.apiVersion, FEATURE_API_VERSIONS.teamsExtension);
  return `/access/teamsExtension/tenants/${guid("tenantId", tenantId)}/assignments/${guid("objectId", objectId)}`;
}

export function getTeamsExtensionAssignment(
  sender: OperationSender,
  tenantId: string,
  objectId: string,
  options: OperationOptions,
): Promise<TeamsExtensionAssignment> {
  const path = pathOf(sender, "getTeamsExtensionAssignment", tenantId, objectId, options);
  return sender.call("getTeamsExtensionAssignment", options, { method: "GET", path, status: 200 }, toTeamsExtensionAssignment);
}

export function setTeamsExtensionAssignment(
  sender: OperationSender,
  tenantId: string,
  objectId: string,
  assignment: TeamsExtensionAssignmentInput,
  options: OperationOptions,
): Promise<TeamsExtensionAssignment> {
  const path = pathOf(sender, "setTeamsExtensionAssignment", tenantId, objectId, options);
  const call = { method: "PUT", path, status: [200, 201], body: teamsExtensionBody(assignment) } as const;
  return sender.call("setTeamsExtensionAssignment", options, call, toTeamsExtensionAssignment);
}

export function deleteTeamsExtensionAssignment(
  sender: OperationSender,
  tenantId: string,
  objectId: string,
  options: OperationOptions,
): Promise<void> {
  const path = pathOf(sender, "deleteTeamsExtensionAssignment", tenantId, objectId, options);
  return sender.call("deleteTeamsExtensionAssignment", options, { method: "DELETE", path, status: 204 }, () => undefined);
}
