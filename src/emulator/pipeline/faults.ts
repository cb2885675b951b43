/**
 * Programmatic fault injection: answer with an error, delay, or drop the connection, for the next
 * N matching requests. Tests use it to exercise retries and outcome-unknown creates.
 */
import { jsonReply, type Reply } from "../routes/reply.js";
import type { FaultSpec, Faults, Operation } from "../types.js";

/** A fault still waiting for requests, as the admin API lists it. */
export interface ActiveFault {
  /** Its number, for removing it alone. */
  readonly id: number;
  readonly spec: FaultSpec;
  left: number;
}

const CODES: Readonly<Record<number, string>> = {
  408: "RequestTimeout",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/** The list of faults of one emulator. */
export class FaultInjector implements Faults {
  #faults: ActiveFault[] = [];
  #nextId = 1;

  /**
   * Adds a fault.
   *
   * @returns its id, for {@link FaultInjector.remove}.
   * @throws RangeError when `count` is not a positive integer or `Infinity`, or `status` is not 400-599.
   */
  add(fault: FaultSpec): number {
    const count = fault.count ?? 1;
    if (!(count === Infinity || (Number.isInteger(count) && count > 0)))
      throw new RangeError("A fault's count must be a positive integer or Infinity.");
    if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
      throw new RangeError("A fault's status must be an HTTP error status (400-599).");
    }
    const id = this.#nextId++;
    this.#faults.push({ id, spec: { ...fault }, left: count });
    return id;
  }

  /** The faults still waiting, in the order they are tried (copies). */
  list(): ActiveFault[] {
    return this.#faults.map((fault) => ({ ...fault }));
  }

  /** Removes one fault; `false` when there is none with that id (any more). */
  remove(id: number): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((fault) => fault.id !== id);
    return this.#faults.length < before;
  }

  /** Removes every fault. */
  clear(): void {
    this.#faults = [];
  }

  /** Injections left in total. */
  remaining(): number {
    return this.#faults.reduce((sum, fault) => sum + fault.left, 0);
  }

  /**
   * The fault for a request of `operation`, consuming one of its count, or `undefined`.
   */
  take(operation: Operation): FaultSpec | undefined {
    const index = this.#faults.findIndex((fault) => fault.spec.operation === undefined || fault.spec.operation === operation);
    if (index === -1) return undefined;
    const fault = this.#faults[index]!;
    fault.left -= 1;
    if (fault.left <= 0) this.#faults.splice(index, 1);
    return fault.spec;
  }
}

/**
 * The error answer of a fault, or `undefined` when the fault only delays or drops. A fault with
 * none of `status`, `drop` and `latencyMs` answers 503.
 */
export function faultReply(fault: FaultSpec): Reply | undefined {
  const status = faultStatus(fault);
  if (status === undefined) return undefined;
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
  if (fault.retryAfterMs !== undefined) {
    headers["retry-after-ms"] = String(fault.retryAfterMs);
    headers["x-ms-retry-after-ms"] = String(fault.retryAfterMs);
  }
  const body = fault.body ?? { error: { code: CODES[status] ?? "InjectedFault", message: `Injected fault: HTTP ${status}.` } };
  return jsonReply(status, body, headers);
}

/** The status a fault answers with: its own, none when it only delays or drops, else 503. */
function faultStatus(fault: FaultSpec): number | undefined {
  return fault.status ?? (fault.drop !== undefined || fault.latencyMs !== undefined ? undefined : 503);
}

/** What a fault does, e.g. `HTTP 503, Retry-After 2 s` or `dropped before processing`. */
export function faultText(fault: FaultSpec): string {
  const parts: string[] = [];
  if (fault.latencyMs !== undefined) parts.push(`${fault.latencyMs} ms latency`);
  if (fault.drop !== undefined) parts.push(`dropped ${fault.drop} processing`);
  const status = faultStatus(fault);
  if (status !== undefined) parts.push(`HTTP ${status}`);
  if (fault.retryAfterSeconds !== undefined) parts.push(`Retry-After ${fault.retryAfterSeconds} s`);
  if (fault.retryAfterMs !== undefined) parts.push(`retry-after-ms ${fault.retryAfterMs}`);
  return parts.join(", ");
}
