/**
 * What a handler answers, before the server adds the headers every response carries.
 */
import { errorBody, type ServiceError } from "./errors.js";

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

/** The answer for a {@link ServiceError}. */
export function errorReply(error: ServiceError): Reply {
  return jsonReply(error.status, errorBody(error.code, error.message), { ...error.headers });
}
