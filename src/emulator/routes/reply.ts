/**
 * What a handler answers, before the server adds the headers every response carries.
 */
import { errorBody, type ServiceError } from "./errors.js";
import { supportedVersionsOf } from "./supportedVersions.js";
import type { Operation } from "../types.js";

/** An HTTP answer: status, headers, and an optional JSON body already serialised. */
export interface Reply {
  /** HTTP status. */
  status: number;
  /** Headers specific to this answer. */
  headers?: Readonly<Record<string, string>>;
  /** The JSON text of the body; no body when absent. */
  body?: string;
}

/** A JSON answer. */
export function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, body: JSON.stringify(value), ...(headers ? { headers } : {}) };
}

/** A reply with the `api-supported-versions` header of the operation's path family. */
export function withSupportedVersions(reply: Reply, operation: Operation | undefined): Reply {
  return { ...reply, headers: { "api-supported-versions": supportedVersionsOf(operation), ...reply.headers } };
}

/**
 * The answer for a {@link ServiceError}: its body and headers, and `api-supported-versions`
 * unless the service refuses this before its versioned layer.
 *
 * @param operation - the operation the request was routed to, when it was.
 */
export function errorReply(error: ServiceError, operation?: Operation): Reply {
  const reply = jsonReply(error.status, errorBody(error), { ...error.headers });
  return error.unversioned ? reply : withSupportedVersions(reply, operation);
}
