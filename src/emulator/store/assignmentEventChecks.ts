/**
 * The checks of assignment events read from the journal at replay: a line that fails them is
 * damage (reported, skipped), never a half-read assignment.
 */
import { areGuids } from "../../client/guid.js";
import type { AssignmentEvent } from "./assignments.js";

/**
 * Checks that a journal line is an assignment event of the resource `resourceId`.
 *
 * @returns the event, or why it is damage.
 */
export function checkAssignmentEvent(value: Record<string, unknown>, resourceId: string): AssignmentEvent | string {
  const op = value.op as AssignmentEvent["op"];
  if (typeof value.at !== "number" || !Number.isFinite(value.at)) return `${op} event without a valid time`;
  const problem = assignmentEventProblem(op, value, resourceId);
  return problem === undefined ? (value as AssignmentEvent) : `${op} event ${problem}`;
}

function assignmentEventProblem(op: AssignmentEvent["op"], value: Record<string, unknown>, resourceId: string): string | undefined {
  switch (op) {
    case "assignTeams":
    case "assignEntra":
      return isGeneration(value.generation)
        ? assignmentProblem(value.assignment, op === "assignEntra")
        : "with a generation that is not a count";
    case "unassignTeams":
      return areGuids(value.tenantId, value.objectId) ? undefined : "without a tenant id and object id";
    case "unassignEntra":
      return areGuids(value.objectId) ? undefined : "without an object id";
    case "forgetExchanged":
    case "clearAssignments":
      return undefined;
    case "exchange": {
      const id = typeof value.id === "string" ? value.id : "";
      const rest = id.startsWith(`8:acs:${resourceId}_`) ? id.slice(`8:acs:${resourceId}_`.length).replace(/^wf_/, "").split("_") : [];
      if (rest.length !== 2 || !areGuids(...rest)) return `of an identity not of this resource (${id.slice(0, 100)})`;
      if (typeof value.via !== "string" || !/^(teams|entra):/.test(value.via)) return `of ${id} without the assignment it went through`;
      return isGeneration(value.viaGeneration) ? undefined : `of ${id} with a generation that is not a count`;
    }
  }
}

/** A generation as written (absent in journals before generations): a whole number, at least 0. */
function isGeneration(value: unknown): boolean {
  return value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0);
}

function assignmentProblem(value: unknown, clientIdsRequired: boolean): string | undefined {
  const assignment = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const { objectId, tenantId, principalType, clientIds } = assignment;
  if (!areGuids(objectId, tenantId) || typeof principalType !== "string") return "without a valid assignment";
  if (clientIds === undefined && !clientIdsRequired) return undefined;
  return Array.isArray(clientIds) && areGuids(...(clientIds as unknown[])) ? undefined : "with client ids that are not GUIDs";
}
