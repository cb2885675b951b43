/**
 * Repeatable requests (`Repeatability-Request-ID` + `Repeatability-First-Sent`) on
 * `POST /identities`: a retry with the same request id gets the first answer instead of creating a
 * second identity. `Repeatability-Result` takes the two values of the OASIS Repeatable Requests
 * specification: `accepted` (done now, or the first answer replayed) and `rejected` (headers the
 * service cannot honour: 400 when malformed, 412 when the first-sent time is outside the window).
 * The service documents the headers for api-version 2023-08-01; the emulator honours them on every
 * version.
 */
import type { IncomingHttpHeaders } from "node:http";
import { ServiceError } from "./errors.js";
import type { Reply } from "./reply.js";
import { isGuid } from "../../client/guid.js";

/** How long, and how many, request ids are remembered. */
export interface RepeatabilityLimits {
  /** Milliseconds a request id is remembered after its first answer. @default 600_000 (10 minutes) */
  ttlMs: number;
  /** The most request ids remembered; the oldest are forgotten first. @default 10_000 */
  maxEntries: number;
}

/** The default {@link RepeatabilityLimits}. */
export const DEFAULT_REPEATABILITY_LIMITS: RepeatabilityLimits = { ttlMs: 10 * 60_000, maxEntries: 10_000 };

/** How far in the future `Repeatability-First-Sent` may be: the same tolerance as `x-ms-date`. */
const MAX_FUTURE_MS = 15 * 60_000;

interface Entry {
  reply: Promise<Reply>;
  expiresAt: number;
}

/**
 * Reads the repeatability headers.
 *
 * @returns the request id (lower-case), or `undefined` when the request is not repeatable.
 * @throws {@link ServiceError} 400 when the id is not a UUID, or the first-sent date is missing,
 * not an HTTP date, in the future, or older than the emulator remembers.
 */
export function repeatabilityKey(headers: IncomingHttpHeaders, now: number, limits: RepeatabilityLimits): string | undefined {
  const id = headers["repeatability-request-id"];
  if (id === undefined) return undefined;
  if (typeof id !== "string" || !isGuid(id)) {
    throw rejected(400, "InvalidRepeatabilityRequestId", "The Repeatability-Request-ID header must be a UUID.");
  }
  const firstSent = headers["repeatability-first-sent"];
  const sentAt = typeof firstSent === "string" ? Date.parse(firstSent) : NaN;
  if (Number.isNaN(sentAt)) {
    throw rejected(
      400,
      "InvalidRepeatabilityFirstSent",
      "The Repeatability-First-Sent header must be an HTTP date (IMF-fixdate) sent with Repeatability-Request-ID.",
    );
  }
  if (sentAt > now + MAX_FUTURE_MS || sentAt < now - limits.ttlMs) {
    throw rejected(
      412,
      "RepeatabilityWindowExceeded",
      "The Repeatability-First-Sent date is too far from the service's clock to be honoured.",
    );
  }
  return id.toLowerCase();
}

function rejected(status: number, code: string, message: string): ServiceError {
  return new ServiceError(status, code, message, { "repeatability-result": "rejected" });
}

/** Remembered answers of repeatable requests. */
export class RepeatabilityCache {
  readonly #entries = new Map<string, Entry>();
  readonly #limits: RepeatabilityLimits;
  readonly #now: () => number;

  constructor(limits: RepeatabilityLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /**
   * Runs `handle` once per request id. A repeat, also one that arrives while the first is still
   * being processed, gets the first answer. Only successful answers are remembered: a failed
   * request changed nothing, so running it again is what a retry should do.
   *
   * @returns the answer, and whether it was replayed.
   */
  async run(key: string, handle: () => Promise<Reply>): Promise<{ reply: Reply; replayed: boolean }> {
    this.#evict();
    const existing = this.#entries.get(key);
    if (existing) return { reply: await existing.reply, replayed: true };
    const reply = handle();
    this.#entries.set(key, { reply, expiresAt: this.#now() + this.#limits.ttlMs });
    try {
      const answer = await reply;
      if (answer.status >= 300) this.#entries.delete(key);
      return { reply: answer, replayed: false };
    } catch (error) {
      this.#entries.delete(key);
      throw error;
    }
  }

  /** Forgets every remembered answer (a reset of the emulator's state). */
  clear(): void {
    this.#entries.clear();
  }

  /** How many request ids are remembered. */
  size(): number {
    return this.#entries.size;
  }

  /** Map order is insertion order, so the oldest entries are at the front. */
  #evict(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now && this.#entries.size < this.#limits.maxEntries) break;
      this.#entries.delete(key);
    }
  }
}
