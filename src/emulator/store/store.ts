/**
 * The identities of one emulated resource. Every change is one {@link JournalEvent}, applied in
 * memory by the same function whether it happens live or is replayed from the journal at start,
 * so a restarted emulator is exactly the one that stopped. A live change is applied only once the
 * journal holds it: a failed write leaves memory as it was, and no reader ever sees a change that
 * a restart would lose.
 */
import { randomUUID } from "node:crypto";
import { checkEvent, damageReport, Journal, resourceOf, type JournalEvent, type OpenedJournal, type SingleEvent } from "./journal.js";
import { DEFAULT_REPEATABILITY_LIMITS } from "../routes/repeatability.js";
import type { IdentityRecord } from "../types.js";
import { Assignments } from "./assignments.js";
import { writeFailed } from "./writeFailed.js";

export { WRITE_FAILED_RETRY_AFTER_SECONDS } from "./writeFailed.js";

interface MutableRecord {
  id: string;
  customId?: string;
  createdAt: number;
  lastTokenIssuedAt?: number;
  revokedAt?: number;
}

/** Where a store lives and what it is called. */
export interface StoreOptions {
  /** The resource GUID; when the data directory already has one, they must agree. */
  resourceId?: string;
  /** The journal's directory; in memory only when absent. */
  dataDir?: string;
}

/** A deleted identity, as it was when deleted. */
export interface DeletedRecord extends IdentityRecord {
  /** When it was deleted, milliseconds since the epoch. */
  readonly deletedAt: number;
}

/** How many deleted identities are remembered (for the request log's reasons and the dashboard). */
export const MAX_DELETED_KEPT = 10_000;

/** The identities, in memory, with an optional journal behind them. */
export class IdentityStore {
  readonly #live = new Map<string, MutableRecord>();
  readonly #byCustomId = new Map<string, string>();
  /** Recently deleted identities, oldest first, at most {@link MAX_DELETED_KEPT}. */
  readonly #deleted = new Map<string, DeletedRecord>();
  /**
   * Identity ids by the `Repeatability-Request-ID` that created them, oldest first, kept in the
   * journal too: a create repeated after a restart still finds its identity.
   */
  readonly #byRequestId = new Map<string, { id: string; at: number }>();
  /** Creates being written, by `custom:<customId>` and `request:<requestId>`: a repeat waits for their outcome. */
  readonly #creating = new Map<string, Promise<IdentityRecord>>();
  readonly #journal: Journal | undefined;
  readonly #prefix: string;
  /** The access assignments and the identities exchanged through them, in the same journal. */
  readonly assignments = new Assignments((...events) => this.#commit(...events));

  private constructor(
    /** The resource GUID every id carries. */
    readonly resourceId: string,
    journal: Journal | undefined,
    /** What a damaged journal lost, as printed at start; `undefined` when nothing was lost. */
    readonly damageReport?: string,
  ) {
    this.#journal = journal;
    this.#prefix = `8:acs:${resourceId}_`;
  }

  /**
   * Opens a store: empty in memory, or loaded from the journal in `dataDir`. Damaged journal lines
   * are skipped and described in {@link IdentityStore.damageReport}.
   *
   * @throws Error when the journal belongs to another `resourceId`, or cannot be read.
   */
  static async open(options: StoreOptions): Promise<IdentityStore> {
    if (options.dataDir === undefined) return new IdentityStore(options.resourceId ?? randomUUID(), undefined);
    const opened = await Journal.open(options.dataDir);
    try {
      return await IdentityStore.#replay(opened, options.resourceId);
    } catch (error) {
      await opened.journal.close();
      throw error;
    }
  }

  static async #replay(opened: OpenedJournal, wanted: string | undefined): Promise<IdentityStore> {
    const { journal, lines, path } = opened;
    const stored = resourceOf(lines);
    if (stored !== undefined && wanted !== undefined && stored !== wanted) {
      throw new Error(`The data directory belongs to resource ${stored}, not ${wanted}; use another directory.`);
    }
    const resourceId = stored ?? wanted ?? randomUUID();
    const damage = [...opened.damage];
    const events: JournalEvent[] = [];
    for (const { line, value } of lines) {
      const event = checkEvent(value, resourceId);
      if (typeof event === "string") damage.push({ line, reason: event });
      else events.push(event);
    }
    damage.sort((a, b) => a.line - b.line);
    const store = new IdentityStore(resourceId, journal, damage.length === 0 ? undefined : damageReport(path, damage));
    if (!events.some((event) => event.op === "resource")) await journal.append({ op: "resource", resourceId });
    for (const event of events) store.#apply(event);
    return store;
  }

  /**
   * Creates an identity, or returns the live one created by the same `requestId` (within the
   * repeatability window) or with the same `customId`. A repeat that arrives while the first is
   * still being written waits for its outcome, so two racing creates with one `customId` get one
   * identity, and a create whose write failed is found by nobody.
   *
   * @param issuesToken - a token is issued with the identity: its time is written with the create.
   * @throws {@link ServiceError} 503 when the journal write failed; nothing was created.
   */
  async create(customId: string | undefined, at: number, requestId?: string, issuesToken = false): Promise<IdentityRecord> {
    this.#forgetRequestIdsBefore(at - DEFAULT_REPEATABILITY_LIMITS.ttlMs);
    const keys: string[] = [];
    if (customId !== undefined) keys.push(`custom:${customId}`);
    if (requestId !== undefined) keys.push(`request:${requestId}`);
    const pending = keys.map((key) => this.#creating.get(key)).find((creating) => creating !== undefined);
    if (pending !== undefined) {
      const earlier = await pending.catch(() => undefined);
      // The earlier create failed and changed nothing: this one tries on its own.
      return earlier ? this.#reuse(this.get(earlier.id) ?? earlier, at, issuesToken) : this.create(customId, at, requestId, issuesToken);
    }
    const earlier = requestId === undefined ? undefined : this.#byRequestId.get(requestId)?.id;
    const existing = [earlier, customId === undefined ? undefined : this.#byCustomId.get(customId)].find(
      (id) => id !== undefined && this.#live.has(id),
    );
    // Each reply describes the identity as it was when this request saw it: a delete that lands
    // while the journal is flushing must not turn the reply into an identity without an id.
    if (existing !== undefined) return this.#reuse(this.#snapshot(this.#live.get(existing)!), at, issuesToken);
    const event: SingleEvent = {
      op: "create",
      id: `${this.#prefix}${randomUUID()}`,
      at,
      ...(customId === undefined ? {} : { customId }),
      ...(requestId === undefined ? {} : { requestId }),
    };
    // The new identity as it was before this request's token, which has none.
    const creating = this.#commit(event, ...(issuesToken ? [{ op: "issue", id: event.id, at } as const] : [])).then(() => {
      const { lastTokenIssuedAt: _token, ...created } = this.#live.get(event.id)!;
      return this.#snapshot(created);
    });
    for (const key of keys) this.#creating.set(key, creating);
    try {
      return await creating;
    } finally {
      for (const key of keys) this.#creating.delete(key);
    }
  }

  /** An identity found again by a repeated create; a token issued with it is recorded first. */
  async #reuse(record: IdentityRecord, at: number, issuesToken: boolean): Promise<IdentityRecord> {
    if (issuesToken) await this.tokenIssued(record.id, at);
    return record;
  }

  /** The live identity with this id, or `undefined` when unknown, foreign or deleted. */
  get(id: string): IdentityRecord | undefined {
    const record = this.#live.get(id);
    return record && this.#snapshot(record);
  }

  /**
   * Remembers that a token was issued. The identity must be live.
   *
   * @throws {@link ServiceError} 503 when the journal write failed; nothing was recorded.
   */
  tokenIssued(id: string, at: number): Promise<void> {
    return this.#commit({ op: "issue", id, at });
  }

  /**
   * Revokes the identity's tokens. The identity must be live.
   *
   * @throws {@link ServiceError} 503 when the journal write failed; nothing was revoked.
   */
  revoke(id: string, at: number): Promise<void> {
    return this.#commit({ op: "revoke", id, at });
  }

  /**
   * Deletes the identity (and so revokes its tokens). The identity must be live.
   *
   * @throws {@link ServiceError} 503 when the journal write failed; nothing was deleted.
   */
  delete(id: string, at: number): Promise<void> {
    return this.#commit({ op: "delete", id, at });
  }

  /** A deleted identity of this run or the journal, while it is among the last {@link MAX_DELETED_KEPT}. */
  deleted(id: string): DeletedRecord | undefined {
    return this.#deleted.get(id);
  }

  /** The remembered deleted identities, oldest deletion first. */
  listDeleted(): DeletedRecord[] {
    return [...this.#deleted.values()];
  }

  /** Forgets the deleted identities (a reset of the emulator's state). */
  forgetDeleted(): void {
    this.#deleted.clear();
  }

  /** Every live identity, oldest first. */
  list(): IdentityRecord[] {
    return [...this.#live.values()].map((record) => this.#snapshot(record));
  }

  /** How many identities are live. */
  count(): number {
    return this.#live.size;
  }

  /** Waits for pending journal writes and closes the journal. */
  async close(): Promise<void> {
    await this.#journal?.close();
  }

  /** Writes the events (together: all or none), then applies them in memory. */
  async #commit(...events: SingleEvent[]): Promise<void> {
    if (this.#journal) {
      try {
        await this.#journal.append(...events);
      } catch (error) {
        throw writeFailed(error);
      }
    }
    for (const event of events) this.#apply(event);
  }

  #apply(event: JournalEvent): void {
    switch (event.op) {
      case "create":
        this.#live.set(event.id, {
          id: event.id,
          createdAt: event.at,
          ...(event.customId === undefined ? {} : { customId: event.customId }),
        });
        if (event.customId !== undefined) this.#byCustomId.set(event.customId, event.id);
        if (event.requestId !== undefined) this.#rememberRequestId(event.requestId, event.id, event.at);
        return;
      case "issue":
        this.#update(event.id, (record) => (record.lastTokenIssuedAt = event.at));
        return;
      case "revoke":
        this.#update(event.id, (record) => (record.revokedAt = event.at));
        return;
      case "delete":
        this.#remove(event.id, event.at);
        return;
      case "resource":
        return;
      case "batch":
        for (const inner of event.events) this.#apply(inner);
        return;
      default:
        this.assignments.apply(event);
    }
  }

  #update(id: string, change: (record: MutableRecord) => void): void {
    const record = this.#live.get(id);
    if (record) change(record);
  }

  /** A deleted identity is gone; its custom id may name a new identity afterwards. */
  #remove(id: string, at: number): void {
    const record = this.#live.get(id);
    if (record?.customId !== undefined) this.#byCustomId.delete(record.customId);
    this.#live.delete(id);
    if (record === undefined) return;
    this.#deleted.set(id, Object.freeze({ ...record, deletedAt: at }));
    if (this.#deleted.size > MAX_DELETED_KEPT) this.#deleted.delete(this.#deleted.keys().next().value!);
  }

  /** Remembers as many request ids as the repeatability cache does, forgetting the oldest first. */
  #rememberRequestId(requestId: string, id: string, at: number): void {
    this.#byRequestId.set(requestId, { id, at });
    if (this.#byRequestId.size > DEFAULT_REPEATABILITY_LIMITS.maxEntries) {
      this.#byRequestId.delete(this.#byRequestId.keys().next().value!);
    }
  }

  /** Map order is creation order, so the expired request ids are at the front. */
  #forgetRequestIdsBefore(cutoff: number): void {
    for (const [requestId, { at }] of this.#byRequestId) {
      if (at >= cutoff) break;
      this.#byRequestId.delete(requestId);
    }
  }

  #snapshot(record: MutableRecord): IdentityRecord {
    return Object.freeze({ ...record });
  }
}
