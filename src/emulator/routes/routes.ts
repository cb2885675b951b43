/**
 * Routing: which operation a method and path name. Unknown paths are 404; a known path with
 * another method is 405 with `Allow`.
 */
import { ServiceError } from "./errors.js";
import type { Operation } from "../types.js";

/** A matched route. */
export interface Route {
  /** The operation to run. */
  operation: Operation;
  /** The decoded identity id, for operations on one identity. */
  id?: string;
  /** The decoded tenant id, for a Teams Phone extensibility assignment. */
  tenantId?: string;
  /** The decoded object id, for one assignment. */
  objectId?: string;
}

type MethodTable = Partial<Record<string, Operation>>;

const IDENTITY_ACTIONS: Readonly<Record<string, Operation>> = {
  ":issueAccessToken": "issueToken",
  ":revokeAccessTokens": "revokeTokens",
};

/**
 * Matches a request.
 *
 * @param method - the HTTP method, upper-case.
 * @param pathname - the URL's pathname, still percent-encoded.
 * @throws {@link ServiceError} 404 for an unknown path, 405 for a method the path does not take.
 */
export function matchRoute(method: string, pathname: string): Route {
  const segments = pathname.split("/").slice(1);
  if (segments[0] === "access") return matchAccess(method, segments.slice(1));
  const [collection, id, action, ...rest] = segments;
  if (rest.length > 0 || id === "" || action === "") throw notFound();
  if (collection === "identities") {
    if (id === undefined) return pick(method, { POST: "createUser" });
    if (action === undefined) return { ...pick(method, { GET: "getUser", DELETE: "deleteUser" }), id: decode(id) };
    if (!Object.hasOwn(IDENTITY_ACTIONS, action)) throw notFound();
    return { ...pick(method, { POST: IDENTITY_ACTIONS[action]! }), id: decode(id) };
  }
  if (collection === "teamsUser" && id === ":exchangeAccessToken" && action === undefined) {
    return pick(method, { POST: "exchangeTeamsToken" });
  }
  throw notFound();
}

/** `/access/teamsExtension/...` and `/access/entra/...`: the assignments and the Entra token exchanges. */
function matchAccess(method: string, segments: readonly string[]): Route {
  const [family, first, second, third, fourth, ...rest] = segments;
  if (rest.length > 0 || segments.includes("")) throw notFound();
  const exchange = first === ":exchangeAccessToken" && second === undefined;
  if (family === "teamsExtension") {
    if (exchange) return pick(method, { POST: "exchangeTeamsExtensionToken" });
    if (first !== "tenants" || second === undefined || third !== "assignments" || fourth === undefined) throw notFound();
    const route = pick(method, {
      GET: "getTeamsExtensionAssignment",
      PUT: "setTeamsExtensionAssignment",
      DELETE: "deleteTeamsExtensionAssignment",
    });
    return { ...route, tenantId: decode(second), objectId: decode(fourth) };
  }
  if (family !== "entra" || third !== undefined) throw notFound();
  if (exchange) return pick(method, { POST: "exchangeEntraToken" });
  if (first !== "assignments") throw notFound();
  if (second === undefined) return pick(method, { GET: "listEntraAssignments", PATCH: "updateEntraAssignments" });
  return {
    ...pick(method, { GET: "getEntraAssignment", PUT: "setEntraAssignment", DELETE: "deleteEntraAssignment" }),
    objectId: decode(second),
  };
}

function pick(method: string, table: MethodTable): Route {
  const operation = Object.hasOwn(table, method) ? table[method] : undefined;
  if (operation === undefined) {
    throw new ServiceError(405, "MethodNotAllowed", `The method ${method} is not allowed here.`, { allow: Object.keys(table).join(", ") });
  }
  return { operation };
}

/** Ids are percent-encoded in paths; a broken escape is kept as is and matches no identity. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function notFound(): ServiceError {
  return new ServiceError(404, "NotFound", "The requested resource does not exist.");
}
