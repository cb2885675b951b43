/**
 * One request in flight per group (a custom id): callers asking for the same thing share it,
 * callers asking for something else in the same group wait for it to settle first.
 *
 * @internal
 */
import { abortError, raceAbort } from "../transport/abort.js";
import type { AbortSignalLike } from "../client/models.js";

interface Flight<T> {
  readonly key: string;
  readonly promise: Promise<T>;
  /** Resolves (never rejects) once `promise` settled and the flight left the map. */
  readonly landed: Promise<void>;
}

/**
 * Coalesces concurrent work per group.
 *
 * Abort semantics: the shared work takes no caller's signal and is never cut short. A caller whose
 * signal fires stops waiting at once (its promise rejects with an `AbortError`) while the others
 * keep waiting for the same result. When every caller has given up, the work still runs to its
 * end and the group stays busy until then: a create cut off mid-flight may still be done by the
 * service, and a new create for the same custom id started meanwhile could mint a second identity.
 */
export class Coalescer<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /**
   * @param group - what must not run twice at once (a custom id).
   * @param key - what exactly is asked for; equal keys in one group share one run of `start`.
   * @param signal - this caller's abort signal: it stops this caller's wait, not the work.
   * @param start - the work.
   */
  async run(group: string, key: string, signal: AbortSignalLike | undefined, start: () => Promise<T>): Promise<T> {
    for (;;) {
      if (signal?.aborted) throw abortError();
      const flight = this.#flights.get(group);
      if (!flight) return raceAbort(this.#launch(group, key, start).promise, signal);
      if (flight.key === key) return raceAbort(flight.promise, signal);
      // A different request for the same group: the service does not create atomically per
      // custom id, so this one waits and then finds the identity the other one created.
      await raceAbort(flight.landed, signal);
    }
  }

  #launch(group: string, key: string, start: () => Promise<T>): Flight<T> {
    const promise = start();
    const land = (): void => {
      if (this.#flights.get(group) === flight) this.#flights.delete(group);
    };
    const flight: Flight<T> = { key, promise, landed: promise.then(land, land) };
    this.#flights.set(group, flight);
    return flight;
  }
}
