/**
 * Lets one caller stop waiting for work that others share, without stopping the work itself.
 *
 * @internal
 */
import type { AbortSignalLike } from "./models.js";

/** The error an aborted operation rejects with, named `AbortError` like the pipeline's. */
export function abortError(message = "The operation was aborted."): Error {
  const error = new Error(message);
  error.name = "AbortError";
  return error;
}

/**
 * Settles like `promise`, or rejects with an `AbortError` as soon as `signal` fires, whichever
 * comes first. `promise` keeps running either way.
 *
 * @param onAbort - called once when the signal, not the promise, decides the outcome.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignalLike | undefined, onAbort?: () => void): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    onAbort?.();
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const listener = (): void => {
      onAbort?.();
      reject(abortError());
    };
    signal.addEventListener("abort", listener, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", listener);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", listener);
        reject(error);
      },
    );
  });
}
