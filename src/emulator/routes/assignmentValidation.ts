/**
 * Reading and checking the assignment operations' ids and bodies, with 400 ValidationError answers
 * in the style of the service's other checks (`validation.ts`, `teams.ts`). Ids are GUIDs, compared
 * without regard to case and kept lower-case.
 */
import { badRequest, ServiceError } from "./errors.js";
import { isGuid } from "../../client/guid.js";
import { parseJsonObject, type JsonObject } from "./validation.js";
import type { EntraAssignment, TeamsExtensionAssignment } from "../store/assignments.js";

/** Teams Phone extensibility principal types: the REST specification's, and the docs' `teamsResourceAccount`. */
export const TEAMS_EXTENSION_PRINCIPAL_TYPES: readonly string[] = ["user", "resourceAccount", "teamsResourceAccount"];
/** Microsoft Entra ID principal types. */
export const ENTRA_PRINCIPAL_TYPES: readonly string[] = ["user", "group", "tenant"];

/** The largest page of `GET /access/entra/assignments`, and the page size when `maxpagesize` is not given. */
export const MAX_PAGE_SIZE = 100;

/**
 * A GUID from the path or a body, lower-case.
 *
 * @throws {@link ServiceError} 400 ValidationError "Provided {name} has invalid format.".
 */
export function readGuid(value: unknown, name: string): string {
  if (typeof value !== "string" || !isGuid(value)) throw badRequest("ValidationError", `Provided ${name} has invalid format.`, name);
  return value.toLowerCase();
}

/** Checks the body of `PUT /access/teamsExtension/tenants/{tenantId}/assignments/{objectId}`. @throws {@link ServiceError} 400. */
export function readTeamsExtensionAssignment(body: Buffer, tenantId: string, objectId: string): TeamsExtensionAssignment {
  const value = parseJsonObject(body);
  const principalType = readPrincipalType(value, TEAMS_EXTENSION_PRINCIPAL_TYPES);
  const clientIds = value.clientIds === undefined || value.clientIds === null ? undefined : readClientIds(value.clientIds);
  return { objectId, tenantId, principalType, ...(clientIds === undefined ? {} : { clientIds }) };
}

/**
 * Checks an Entra assignment: the body of `PUT /access/entra/assignments/{objectId}`, or one value
 * of a bulk update. @throws {@link ServiceError} 400, also for a `tenant` assignment whose object
 * id is not its tenant id.
 */
export function readEntraAssignment(value: JsonObject, objectId: string): EntraAssignment {
  if (value.tenantId === undefined || value.tenantId === null) throw required("tenantId");
  const tenantId = readGuid(value.tenantId, "tenantId");
  const principalType = readPrincipalType(value, ENTRA_PRINCIPAL_TYPES);
  if (value.clientIds === undefined || value.clientIds === null) throw required("clientIds");
  const clientIds = readClientIds(value.clientIds);
  // A tenant is assigned under its own id; under any other, no exchange could ever match it (ASSUMPTIONS.md).
  if (principalType === "tenant" && objectId !== tenantId) {
    throw badRequest("ValidationError", `Invalid objectId - the objectId of a tenant assignment is the tenantId, ${tenantId}.`, "objectId");
  }
  return { objectId, tenantId, principalType, clientIds };
}

/**
 * Checks the body of `PATCH /access/entra/assignments`: object ids to an assignment or `null`.
 *
 * @returns the changes in the body's order: an assignment to set, or an object id to delete.
 * @throws {@link ServiceError} 400 for a key that is not a GUID, a key naming the same object as an
 * earlier one (GUIDs compare without regard to case), or a value that is neither an assignment nor `null`.
 */
export function readEntraUpdate(body: Buffer): Array<EntraAssignment | string> {
  const seen = new Set<string>();
  return Object.entries(parseJsonObject(body)).map(([key, value]) => {
    const objectId = readGuid(key, "objectId");
    // Keys differing only in case name one object: which change would win is not for the emulator to guess.
    if (seen.has(objectId)) {
      throw badRequest(
        "ValidationError",
        `Duplicate objectId ${key} - each object id may appear once, compared without regard to case.`,
        key,
      );
    }
    seen.add(objectId);
    if (value === null) return objectId;
    if (typeof value !== "object" || Array.isArray(value)) {
      throw badRequest("ValidationError", `Invalid value for ${key} - it must be an assignment object, or null to remove it.`, key);
    }
    return readEntraAssignment(value as JsonObject, objectId);
  });
}

/**
 * The page size asked with `maxpagesize`. @throws {@link ServiceError} 400 unless a whole number
 * from 1 to {@link MAX_PAGE_SIZE}.
 */
export function readPageSize(value: string | null): number {
  if (value === null) return MAX_PAGE_SIZE;
  const size = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(size >= 1 && size <= MAX_PAGE_SIZE)) {
    throw badRequest("ValidationError", `Invalid maxpagesize - it must be a whole number from 1 to ${MAX_PAGE_SIZE}.`, "maxpagesize");
  }
  return size;
}

/** `principalType`, as given, when it is one of `known`. */
function readPrincipalType(value: JsonObject, known: readonly string[]): string {
  const { principalType } = value;
  if (principalType === undefined || principalType === null) throw required("principalType");
  if (typeof principalType !== "string" || !known.includes(principalType)) {
    throw badRequest("ValidationError", `Invalid principalType - it must be one of: ${known.join(", ")}.`, "principalType");
  }
  return principalType;
}

/** Client ids: an array of GUIDs (may be empty), lower-case. */
function readClientIds(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((id) => typeof id === "string" && isGuid(id))) {
    throw badRequest("ValidationError", "Invalid clientIds - it must be an array of client ids (GUIDs).", "clientIds");
  }
  return (value as string[]).map((id) => id.toLowerCase());
}

/** The service's model-validation answer for a missing field. */
function required(field: string): ServiceError {
  return badRequest("ValidationError", `${field}: The ${field} field is required.`, field);
}
