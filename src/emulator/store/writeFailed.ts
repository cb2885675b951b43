/**
 * The answer to a change the journal could not keep (a full disk, an I/O error): one for every
 * store, identities and assignments alike.
 */
import { ServiceError } from "../routes/errors.js";

/** Seconds a client is told to wait after a failed journal write (`Retry-After`). */
export const WRITE_FAILED_RETRY_AFTER_SECONDS = 1;

/**
 * 503 with `Retry-After`, since nothing was changed and the same request may succeed once space
 * is freed.
 */
export function writeFailed(error: unknown): ServiceError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "an I/O error";
  return new ServiceError(
    503,
    "ServiceUnavailable",
    `The emulator could not write to its data directory (${code}); nothing was changed. Retry later.`,
    { "retry-after": String(WRITE_FAILED_RETRY_AFTER_SECONDS) },
  );
}
