// The Microsoft Entra ID assignment operations (api-version 2025-03-02-preview): which Entra
// users, groups and tenants may exchange their Entra tokens for Communication Services tokens.
// Each is a function of the client's shared OperationSender: arguments checked first, then one
// request (one per page for the list); the client's methods document them.
import type { EntraAssignment, EntraAssignmentInput } from "./assignmentModels.js";
import type { OperationOptions } from "./models.js";
import type { OperationSender } from "./operationSender.js";
import type { TracedOperation } from "../transport/tracing.js";
import { FEATURE_API_VERSIONS } from "./apiVersions.js";
import { entraBody, entraChanges, guid } from "./assignmentChecks.js";
import { pagedIterator, type PagedAsyncIterableIterator } from "./paging.js";
import { toEntraAssignment, toEntraAssignmentPage, toEntraAssignments } from "./responses.js";
import { checkOperation } from "./validation.js";

const ASSIGNMENTS = "/access/entra/assignments";

/** Checks the options and the api-version; returns the assignments' path. */
function checked(sender: OperationSender, name: TracedOperation, options: OperationOptions): string {
  checkOperation(name, options, sender.apiVersion, FEATURE_API_VERSIONS.entra);
  return ASSIGNMENTS;
}

/** Checks as {@link checked}, then the object id; returns the assignment's path. */
function pathOf(sender: OperationSender, name: TracedOperation, options: OperationOptions, objectId: unknown): string {
  return `${checked(sender, name, options)}/${guid("objectId", objectId)}`;
}

export function listEntraAssignments(sender: OperationSender, options: OperationOptions): PagedAsyncIterableIterator<EntraAssignment> {
  const first = checked(sender, "listEntraAssignments", options);
  return pagedIterator(sender.endpoint, first, (path) =>
    sender.call("listEntraAssignments", options, { method: "GET", path, status: 200 }, toEntraAssignmentPage),
  );
}

export function getEntraAssignment(sender: OperationSender, objectId: string, options: OperationOptions): Promise<EntraAssignment> {
  const path = pathOf(sender, "getEntraAssignment", options, objectId);
  return sender.call("getEntraAssignment", options, { method: "GET", path, status: 200 }, toEntraAssignment);
}

export function setEntraAssignment(
  sender: OperationSender,
  objectId: string,
  assignment: EntraAssignmentInput,
  options: OperationOptions,
): Promise<EntraAssignment> {
  const path = pathOf(sender, "setEntraAssignment", options, objectId);
  return sender.call(
    "setEntraAssignment",
    options,
    { method: "PUT", path, status: [200, 201], body: entraBody(assignment) },
    toEntraAssignment,
  );
}

export function deleteEntraAssignment(sender: OperationSender, objectId: string, options: OperationOptions): Promise<void> {
  const path = pathOf(sender, "deleteEntraAssignment", options, objectId);
  return sender.call("deleteEntraAssignment", options, { method: "DELETE", path, status: 204 }, () => undefined);
}

export function updateEntraAssignments(
  sender: OperationSender,
  changes: Readonly<Record<string, EntraAssignmentInput | null>>,
  options: OperationOptions,
): Promise<EntraAssignment[]> {
  const path = checked(sender, "updateEntraAssignments", options);
  const call = {
    method: "PATCH",
    path,
    status: [200, 204],
    body: entraChanges(changes),
    contentType: "application/merge-patch+json",
  } as const;
  return sender.call("updateEntraAssignments", options, call, toEntraAssignments);
}
