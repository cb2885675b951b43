/**
 * The request log: the last {@link REQUEST_LOG_SIZE} requests the emulator answered (or dropped),
 * each with its precise refusal reason, for the dashboard and the admin API. A ring in memory;
 * it keeps no header and no body, so no key, signature or token can land in it.
 */
import { performance } from "node:perf_hooks";
import type { IncomingRequest, Outcome } from "./pipeline.js";
import { describe, type DescribedReason } from "./reasons.js";
import type { Operation } from "../types.js";

/** How many requests the log keeps; older ones are forgotten. */
export const REQUEST_LOG_SIZE = 1000;

/** One request as the log keeps it. */
export interface RequestLogEntry {
  /** Its number, counting from 1 since the start (or the last reset). */
  readonly seq: number;
  /** When it arrived, by the emulator's clock (ISO 8601). */
  readonly time: string;
  /** HTTP method. */
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  /** The `api-version` query parameter, when there was one. */
  readonly apiVersion?: string;
  /** The operation it was routed to. */
  readonly operation?: Operation;
  /** The identity id in the path. */
  readonly identityId?: string;
  /** The status answered, or `null` when the connection was dropped (an injected fault). */
  readonly status: number | null;
  /** Milliseconds from the whole body received to the answer decided, to 0.1 ms. */
  readonly durationMs: number;
  /** The request's `x-ms-client-request-id`. */
  readonly clientRequestId?: string;
  /** Why it was refused (status 400 and up, or dropped), or the fault that answered it. */
  readonly reason?: DescribedReason;
}

/** A function called with every new entry. */
export type RequestListener = (entry: RequestLogEntry) => void;

/** The ring of the last requests, and the listeners that follow it live. */
export class RequestLog {
  readonly #ring: (RequestLogEntry | undefined)[];
  readonly #listeners = new Set<RequestListener>();
  #next = 0;
  #seq = 0;

  /** @param size - how many requests to keep. @default {@link REQUEST_LOG_SIZE} */
  constructor(size = REQUEST_LOG_SIZE) {
    this.#ring = new Array<RequestLogEntry | undefined>(size);
  }

  /** Adds an entry (numbering it) and tells the listeners. */
  add(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const numbered = { seq: ++this.#seq, ...entry };
    this.#ring[this.#next] = numbered;
    this.#next = (this.#next + 1) % this.#ring.length;
    for (const listener of this.#listeners) listener(numbered);
    return numbered;
  }

  /** The kept entries, newest first. */
  list(): RequestLogEntry[] {
    const entries: RequestLogEntry[] = [];
    for (let i = 1; i <= this.#ring.length; i++) {
      const entry = this.#ring[(this.#next - i + this.#ring.length) % this.#ring.length];
      if (entry === undefined) break;
      entries.push(entry);
    }
    return entries;
  }

  /** Forgets every entry and restarts the numbering. */
  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#seq = 0;
  }

  /** Calls `listener` with every new entry until the returned function is called. */
  subscribe(listener: RequestListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Wraps the pipeline so that every request it decides is logged, then handed to `observe` (which
 * keeps the issued tokens).
 *
 * @param now - the emulator's clock, for the entries' times.
 */
export function loggedPipeline(
  handle: (request: IncomingRequest) => Promise<Outcome>,
  log: RequestLog,
  now: () => number,
  observe: (outcome: Outcome) => void,
): (request: IncomingRequest) => Promise<Outcome> {
  return async (request) => {
    const time = now();
    const started = performance.now();
    const outcome = await handle(request);
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    log.add(entryOf(request, outcome, time, durationMs));
    observe(outcome);
    return outcome;
  };
}

function entryOf(request: IncomingRequest, outcome: Outcome, time: number, durationMs: number): Omit<RequestLogEntry, "seq"> {
  const { path, apiVersion } = splitTarget(request.target);
  const clientRequestId = request.headers["x-ms-client-request-id"];
  return {
    time: new Date(time).toISOString(),
    method: request.method,
    path,
    ...(apiVersion === undefined ? {} : { apiVersion }),
    ...(outcome.operation === undefined ? {} : { operation: outcome.operation }),
    ...(outcome.id === undefined ? {} : { identityId: outcome.id }),
    status: outcome.drop ? null : outcome.reply.status,
    durationMs,
    ...(typeof clientRequestId === "string" ? { clientRequestId } : {}),
    ...(outcome.reason === undefined ? {} : { reason: describe(outcome.reason) }),
  };
}

/** The path and api-version of a request target, read without a URL parse (the log is on every request). */
function splitTarget(target: string): { path: string; apiVersion?: string } {
  const query = target.indexOf("?");
  if (query === -1) return { path: target };
  const version = /(?:^|&)api-version=([^&]*)/.exec(target.slice(query + 1))?.[1];
  return { path: target.slice(0, query), ...(version === undefined ? {} : { apiVersion: safeDecode(version) }) };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
