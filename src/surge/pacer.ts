/**
 * Pacing, as an `HttpClient` under the client's pipeline, so that it sees every attempt (retries
 * included) of every operation:
 *
 * - Before a send on a limited operation, it waits while the service has asked every sender of
 *   that operation to hold off (a 429's `Retry-After`), then for a slot in the budget when the
 *   client has one (`rateLimits`): a burst queues here instead of being throttled there.
 * - A 429 holds every send on that resource and operation for the wait the service named; the
 *   throttled request itself waits that hold and is sent again, rather than each call retrying on
 *   its own schedule (every request, retries included, counts against the service's limit).
 * - Waiting respects the request's abort signal and its timeout (the wait counts against the
 *   timeout), and at most `maxWaitMs`: a call that cannot be sent in time rejects at once with a
 *   {@link ThrottledError} saying who throttled it and for how long.
 *
 * - A revoke or a delete drops the user's tokens from the guard's token caches, before it is sent
 *   and again after, so that no cache hands out a token issued before the revoke.
 *
 * A send is signed once, before pacing; a wait up to `maxWaitMs` (at most minutes) stays well
 * within the 15 minutes the service allows between `x-ms-date` and its clock.
 */
import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { abortError } from "../transport/abort.js";
import { logger } from "../logger.js";
import { limitedOperationOf, type LimitedOperation, type RateLimits } from "../limits/rateLimits.js";
import { delay, retryAfterMs } from "../transport/retryPolicy.js";
import type { SurgeStore } from "./surgeStore.js";
import { ThrottledError } from "./throttledError.js";

/**
 * How much longer than the service's window the budget spaces sends: requests sent a window apart
 * must not arrive less than a window apart when network and event-loop delays differ.
 */
export const PACING_MARGIN_MS = 250;

/** What the pacer needs. */
export interface PacerOptions {
  /** The client's budget per operation; none: follow the service's 429s only. */
  limits: RateLimits;
  /** The pacing state, in memory or shared. */
  store: SurgeStore;
  /** The longest a send may wait for its turn, in milliseconds. */
  maxWaitMs: number;
  /** The clock, milliseconds since the epoch. */
  now: () => number;
  /**
   * Called with the user's id before and after each revoke or delete is sent, so that token caches
   * drop the user's tokens (also one being issued meanwhile), whatever the answer.
   */
  forgetUser?: (userId: string) => Promise<void>;
}

/** Wraps `inner` so that every request it sends is paced (see the file comment). */
export function pacedHttpClient(inner: HttpClient, options: PacerOptions): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const url = new URL(request.url);
      const operation = limitedOperationOf(request.method, url.pathname, typeof request.body === "string" ? request.body : undefined);
      if (operation === undefined) return inner.sendRequest(request);
      const send = new PacedSend(inner, options, request, operation, `${url.host} ${operation}`);
      if ((operation !== "revoke" && operation !== "delete") || options.forgetUser === undefined) return send.run();
      const userId = decodeURIComponent(url.pathname.split("/")[2]!);
      const forget = options.forgetUser;
      await forgetting(forget, userId);
      try {
        return await send.run();
      } finally {
        await forgetting(forget, userId);
      }
    },
  };
}

/**
 * Drops the user's tokens; a failure (a store's bug: an unreachable store remembers the drop) is
 * said in the log and does not stop the revoke or delete from being sent.
 */
async function forgetting(forgetUser: (userId: string) => Promise<void>, userId: string): Promise<void> {
  try {
    await forgetUser(userId);
  } catch (error) {
    logger.warning(`acs-identity/surge: dropping a user's cached tokens failed (${(error as Error).name}); the request is sent anyway.`);
  }
}

/** One attempt of the client's pipeline, paced. */
class PacedSend {
  /** The request's own timeout (0: none), restored after sending with what was left of it. */
  readonly #timeout: number;
  readonly #started: number;
  /** How long this send may wait for its turn, and what set that. */
  readonly #allowedMs: number;
  readonly #allowedBy: "timeout" | "maxWaitMs";
  /** Whether an attempt of this send went to the service (and was answered 429). */
  #sent = false;

  constructor(
    readonly inner: HttpClient,
    readonly options: PacerOptions,
    readonly request: PipelineRequest,
    readonly operation: LimitedOperation,
    readonly key: string,
  ) {
    this.#timeout = request.timeout;
    this.#started = options.now();
    const byTimeout = request.timeout > 0 && request.timeout < options.maxWaitMs;
    this.#allowedBy = byTimeout ? "timeout" : "maxWaitMs";
    this.#allowedMs = byTimeout ? request.timeout : options.maxWaitMs;
  }

  async run(): Promise<PipelineResponse> {
    for (;;) {
      await this.#waitForHold();
      await this.#waitForBudget();
      const response = await this.#send();
      if (response.status !== 429) return response;
      this.#sent = true;
      // The service names the wait; without one, a second, the shortest Retry-After it could name.
      await this.options.store.hold(this.key, retryAfterMs(response) ?? 1000);
    }
  }

  async #waitForHold(): Promise<void> {
    for (let held = await this.options.store.heldFor(this.key); held > 0; held = await this.options.store.heldFor(this.key)) {
      this.#checkInTime(held, "service");
      await delay(held, this.request.abortSignal);
    }
  }

  async #waitForBudget(): Promise<void> {
    const limit = this.options.limits[this.operation];
    if (limit === undefined) return;
    const windowed = { requests: limit.requests, windowMs: limit.windowMs + PACING_MARGIN_MS };
    const { waitMs, reserved } = await this.options.store.reserve(this.key, windowed, this.#left());
    if (!reserved) this.#checkInTime(waitMs, "budget");
    if (waitMs > 0) await delay(waitMs, this.request.abortSignal);
  }

  /** Sends with what is left of the timeout, so that waiting and sending together keep it. */
  async #send(): Promise<PipelineResponse> {
    if (this.request.abortSignal?.aborted) throw abortError();
    if (this.#timeout > 0) this.request.timeout = Math.max(1, this.#started + this.#timeout - this.options.now());
    try {
      return await this.inner.sendRequest(this.request);
    } finally {
      this.request.timeout = this.#timeout;
    }
  }

  /** Milliseconds this send may still wait. */
  #left(): number {
    return Math.max(0, this.#started + this.#allowedMs - this.options.now());
  }

  #checkInTime(waitMs: number, by: "service" | "budget"): void {
    if (this.request.abortSignal?.aborted) throw abortError();
    const left = this.#left();
    if (waitMs > left) throw new ThrottledError(this.operation, by, waitMs, this.#allowedMs, this.#allowedBy, left, this.#sent);
  }
}
