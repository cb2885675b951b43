/**
 * Argument checks of the assignment operations, run before any request, as in `validation.ts`:
 * `TypeError` for a wrong type, `RangeError` for a wrong value, both with the service's 400
 * ValidationError. Each returns what is sent, built from the known fields only.
 *
 * @internal
 */
import { isGuid } from "./guid.js";
import { refusal } from "./validation.js";

/** Throws a `TypeError` when the value has the wrong type, else a `RangeError`. */
function refuse(wrongType: boolean, message: string): never {
  throw refusal(wrongType ? new TypeError(message) : new RangeError(message));
}

/** The properties of `value`, an object that is not an array. */
function fieldsOf(name: string, value: unknown, shape: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) refuse(true, `${name} must be an object: ${shape}.`);
  return value as Record<string, unknown>;
}

/**
 * @param name - the argument as the caller wrote it, e.g. `tenantId` or `assignment.clientIds[0]`.
 * @returns the GUID, as given.
 * @throws TypeError when it is not a string; RangeError when it is not a GUID.
 */
export function guid(name: string, value: unknown): string {
  if (typeof value !== "string" || !isGuid(value)) {
    refuse(typeof value !== "string", `${name} must be a GUID string (8-4-4-4-12 hexadecimal digits, as Entra ids are written).`);
  }
  return value;
}

function principalTypeOf(name: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    refuse(typeof value !== "string", `${name}.principalType must be a non-empty string, such as "user".`);
  }
  return value;
}

function clientIdsOf(name: string, value: unknown): string[] {
  if (!Array.isArray(value)) refuse(true, `${name}.clientIds must be an array of Entra application (client) id GUIDs; it may be empty.`);
  return value.map((id, index) => guid(`${name}.clientIds[${index}]`, id));
}

/**
 * The body of a Teams extension assignment: `{ principalType, clientIds? }`.
 *
 * @throws TypeError or RangeError for a field that is missing, of the wrong type or not a GUID.
 */
export function teamsExtensionBody(assignment: unknown): object {
  const { principalType, clientIds } = fieldsOf("assignment", assignment, "{ principalType, clientIds? }");
  return {
    principalType: principalTypeOf("assignment", principalType),
    clientIds: clientIds === undefined ? undefined : clientIdsOf("assignment", clientIds),
  };
}

/**
 * The body of an Entra assignment: `{ tenantId, principalType, clientIds }`.
 *
 * @param name - the argument as the caller wrote it, for the messages.
 * @throws TypeError or RangeError for a field that is missing, of the wrong type or not a GUID.
 */
export function entraBody(assignment: unknown, name = "assignment"): object {
  const { tenantId, principalType, clientIds } = fieldsOf(name, assignment, "{ tenantId, principalType, clientIds }");
  return {
    tenantId: guid(`${name}.tenantId`, tenantId),
    principalType: principalTypeOf(name, principalType),
    clientIds: clientIdsOf(name, clientIds),
  };
}

/**
 * The body of a bulk Entra update: objectId to assignment, or to `null` to remove one.
 *
 * @throws TypeError when `changes` is not an object; RangeError when it is empty, a key is not a
 * GUID or two keys differ only in case; and as {@link entraBody} for each assignment.
 */
export function entraChanges(changes: unknown): Record<string, object | null> {
  const entries = Object.entries(
    fieldsOf("changes", changes, "objectId GUIDs to { tenantId, principalType, clientIds }, or to null to remove one"),
  );
  if (entries.length === 0) refuse(false, "changes must name at least one objectId.");
  const body: Record<string, object | null> = {};
  const keyOf = new Map<string, string>();
  for (const [key, value] of entries) {
    const earlier = keyOf.get(guid(`The key ${JSON.stringify(key)} of changes`, key).toLowerCase());
    if (earlier !== undefined) {
      refuse(
        false,
        `The keys ${JSON.stringify(earlier)} and ${JSON.stringify(key)} of changes name the same objectId (GUIDs compare without regard to case): give each objectId once.`,
      );
    }
    keyOf.set(key.toLowerCase(), key);
    body[key] = value === null ? null : entraBody(value, `changes[${JSON.stringify(key)}]`);
  }
  return body;
}
