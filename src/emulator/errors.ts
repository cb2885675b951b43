/**
 * The service's error shape. Handlers throw {@link ServiceError}; the server turns it into
 * `{"error":{"code","message"}}` with the status. Anything else that is thrown becomes a bare 500
 * so that no stack trace or internal detail ever reaches a response.
 */

/** A failure with the HTTP status and the service's error code and message. */
export class ServiceError extends Error {
  /**
   * @param status - the HTTP status to answer with.
   * @param code - the service's `error.code`.
   * @param message - the service's `error.message`.
   * @param headers - extra response headers (e.g. `Allow`, `Retry-After`).
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

/** The message of every authentication failure, as the service words it. */
export const DENIED_MESSAGE = "Denied by the resource provider.";

/** 401 Denied, optionally with a more precise message (e.g. about the content hash). */
export function denied(message: string = DENIED_MESSAGE): ServiceError {
  return new ServiceError(401, "Denied", message);
}

/** 400 with a code and message. */
export function badRequest(code: string, message: string): ServiceError {
  return new ServiceError(400, code, message);
}

/** The JSON body of an error. */
export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** Turns anything thrown into a safe error: a {@link ServiceError} as is, everything else as 500. */
export function toServiceError(thrown: unknown): ServiceError {
  if (thrown instanceof ServiceError) return thrown;
  return new ServiceError(500, "InternalServerError", "The emulator failed to process the request.");
}
