/**
 * One request in flight per group (a custom id): callers asking for the same thing share it,
 * callers asking for something else in the same group wait for it to settle first.
 *
 * @internal
 */
import { abortError, raceAbort } from "./abort.js";
import type { AbortSignalLike } from "./models.js";

interface Flight<T> {
  readonly key: string;
  readonly controller: AbortController;
  readonly promise: Promise<T>;
  /** Resolves (never rejects) once `promise` settled and the flight left the map. */
  readonly landed: Promise<void>;
  callers: number;
}

/**
 * Coalesces concurrent work per group.
 *
 * Abort semantics: the shared work does not take any caller's signal. A caller whose signal fires
 * stops waiting at once (its promise rejects with an `AbortError`) while the others keep waiting
 * for the same result; only when every caller has given up is the shared work aborted, and the
 * group is freed at that moment so a new caller starts afresh.
 */
export class Coalescer<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /**
   * @param group - what must not run twice at once (a custom id).
   * @param key - what exactly is asked for; equal keys in one group share one run of `start`.
   * @param signal - this caller's abort signal.
   * @param start - the work, given a signal that fires when every caller has aborted.
   */
  async run(group: string, key: string, signal: AbortSignalLike | undefined, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (;;) {
      if (signal?.aborted) throw abortError();
      const flight = this.#flights.get(group);
      if (!flight) return this.#join(group, this.#launch(group, key, start), signal);
      if (flight.key === key) return this.#join(group, flight, signal);
      // A different request for the same group: the service does not create atomically per
      // custom id, so this one waits and then finds the identity the other one created.
      await raceAbort(flight.landed, signal);
    }
  }

  #launch(group: string, key: string, start: (signal: AbortSignal) => Promise<T>): Flight<T> {
    const controller = new AbortController();
    const promise = start(controller.signal);
    const landed = promise.then(
      () => this.#land(group, flight),
      () => this.#land(group, flight),
    );
    const flight: Flight<T> = { key, controller, promise, landed, callers: 0 };
    this.#flights.set(group, flight);
    return flight;
  }

  #join(group: string, flight: Flight<T>, signal: AbortSignalLike | undefined): Promise<T> {
    flight.callers += 1;
    const leave = (): void => {
      flight.callers -= 1;
      if (flight.callers > 0) return;
      this.#land(group, flight);
      flight.controller.abort();
    };
    return raceAbort(flight.promise, signal, leave);
  }

  #land(group: string, flight: Flight<T>): void {
    if (this.#flights.get(group) === flight) this.#flights.delete(group);
  }
}
