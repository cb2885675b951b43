/**
 * Lets one caller stop waiting for work that others share, without stopping the work itself.
 *
 * @internal
 */
import type { AbortSignalLike } from "../client/models.js";

/** The error an aborted operation rejects with, named `AbortError` like the pipeline's. */
export function abortError(message = "The operation was aborted."): Error {
  const error = new Error(message);
  error.name = "AbortError";
  return error;
}

/** A deadline for {@link raceAbort}: after `ms` milliseconds it rejects with an `AbortError` saying `message`. */
export interface Deadline {
  ms: number;
  message: string;
}

/**
 * Settles like `promise`, or rejects with an `AbortError` as soon as `signal` fires or `deadline`
 * passes, whichever comes first. `promise` keeps running either way; no listener or timer is left
 * behind once the race is decided.
 *
 * @param onAbort - called once when the signal or the deadline, not the promise, decides the outcome.
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignalLike | undefined,
  onAbort?: () => void,
  deadline?: Deadline,
): Promise<T> {
  if (!signal && !deadline) return promise;
  if (signal?.aborted) {
    onAbort?.();
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const settle = (): void => {
      signal?.removeEventListener("abort", listener);
      if (timer !== undefined) clearTimeout(timer);
    };
    const stop = (error: Error): void => {
      settle();
      onAbort?.();
      reject(error);
    };
    const listener = (): void => stop(abortError());
    const timer = deadline ? setTimeout(() => stop(abortError(deadline.message)), deadline.ms) : undefined;
    signal?.addEventListener("abort", listener, { once: true });
    promise.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
