/**
 * The service's error shape. Handlers throw {@link ServiceError}; the server turns it into
 * `{"error":{"code","message","target"?}}` with the status. Anything else that is thrown becomes a
 * bare 500 so that no stack trace or internal detail ever reaches a response.
 */
import type { RefusalReason } from "../pipeline/reasons.js";

/** What a {@link ServiceError} carries besides its status, code, message and headers. */
export interface ServiceErrorExtra {
  /** The service's `error.target`: the request field that is wrong. */
  target?: string;
  /**
   * The service refuses this before its versioned API layer, so the answer has no
   * `api-supported-versions` header (recorded for the Teams exchange's token and required-field
   * failures). @default false
   */
  unversioned?: boolean;
  /** Why, precisely, for the request log only: never part of the response. */
  reason?: RefusalReason;
}

/** A failure with the HTTP status and the service's error code and message. */
export class ServiceError extends Error {
  /** The service's `error.target`, when it names one. */
  readonly target: string | undefined;
  /** Whether the answer lacks `api-supported-versions` (see {@link ServiceErrorExtra.unversioned}). */
  readonly unversioned: boolean;
  /** Why, precisely, for the request log only (see {@link ServiceErrorExtra.reason}). */
  readonly reason: RefusalReason | undefined;

  /**
   * @param status - the HTTP status to answer with.
   * @param code - the service's `error.code`.
   * @param message - the service's `error.message`.
   * @param headers - extra response headers (e.g. `Allow`, `Retry-After`).
   * @param extra - the `target`, and whether the answer is unversioned.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    extra: ServiceErrorExtra = {},
  ) {
    super(message);
    this.name = "ServiceError";
    this.target = extra.target;
    this.unversioned = extra.unversioned ?? false;
    this.reason = extra.reason;
  }
}

/** The message of every authentication failure, as the service words it. */
export const DENIED_MESSAGE = "Denied by the resource provider.";

/** 401 Denied, with the precise reason for the log, and optionally a more precise message (the content hash). */
export function denied(reason: RefusalReason, message: string = DENIED_MESSAGE): ServiceError {
  return new ServiceError(401, "Denied", message, {}, { reason });
}

/** The service's answer (recorded) for an identity id that is unknown, foreign or deleted. */
export function identityNotOwned(reason?: RefusalReason): ServiceError {
  return new ServiceError(401, "IdentityNotOwned", "Provided identity doesn't belong to the resource.", {}, reason ? { reason } : {});
}

/** 400 with a code, a message and, when the service names one, the field at fault. */
export function badRequest(code: string, message: string, target?: string, reason?: RefusalReason): ServiceError {
  return new ServiceError(400, code, message, {}, { ...(target === undefined ? {} : { target }), ...(reason ? { reason } : {}) });
}

/** The JSON body of an error: `target` only when there is one, as the service writes it. */
export function errorBody(error: ServiceError): { error: { code: string; message: string; target?: string } } {
  return { error: { code: error.code, message: error.message, ...(error.target === undefined ? {} : { target: error.target }) } };
}

/** Turns anything thrown into a safe error: a {@link ServiceError} as is, everything else as 500. */
export function toServiceError(thrown: unknown): ServiceError {
  if (thrown instanceof ServiceError) return thrown;
  return new ServiceError(500, "InternalServerError", "The emulator failed to process the request.");
}
