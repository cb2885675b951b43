/**
 * The identities of one emulated resource. Every change is one {@link JournalEvent}, applied in
 * memory by the same function whether it happens live or is replayed from the journal at start,
 * so a restarted emulator is exactly the one that stopped.
 */
import { randomUUID } from "node:crypto";
import { Journal, type JournalEvent } from "./journal.js";
import { DEFAULT_REPEATABILITY_LIMITS } from "./repeatability.js";
import type { IdentityRecord } from "./types.js";

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

/** The identities, in memory, with an optional journal behind them. */
export class IdentityStore {
  readonly #live = new Map<string, MutableRecord>();
  readonly #byCustomId = new Map<string, string>();
  /**
   * Identity ids by the `Repeatability-Request-ID` that created them, oldest first, kept in the
   * journal too: a create repeated after a restart still finds its identity.
   */
  readonly #byRequestId = new Map<string, { id: string; at: number }>();
  readonly #journal: Journal | undefined;
  readonly #prefix: string;

  private constructor(
    /** The resource GUID every id carries. */
    readonly resourceId: string,
    journal: Journal | undefined,
  ) {
    this.#journal = journal;
    this.#prefix = `8:acs:${resourceId}_`;
  }

  /**
   * Opens a store: empty in memory, or loaded from the journal in `dataDir`.
   *
   * @throws Error when the journal is damaged or belongs to another `resourceId`.
   */
  static async open(options: StoreOptions): Promise<IdentityStore> {
    if (options.dataDir === undefined) return new IdentityStore(options.resourceId ?? randomUUID(), undefined);
    const { journal, events } = await Journal.open(options.dataDir);
    try {
      return await IdentityStore.#replay(journal, events, options.resourceId);
    } catch (error) {
      await journal.close();
      throw error;
    }
  }

  static async #replay(journal: Journal, events: JournalEvent[], wanted: string | undefined): Promise<IdentityStore> {
    const first = events[0];
    const stored = first?.op === "resource" ? first.resourceId : undefined;
    if (stored !== undefined && wanted !== undefined && stored !== wanted) {
      throw new Error(`The data directory belongs to resource ${stored}, not ${wanted}; use another directory.`);
    }
    const store = new IdentityStore(stored ?? wanted ?? randomUUID(), journal);
    if (stored === undefined) await journal.append({ op: "resource", resourceId: store.resourceId });
    for (const event of events) store.#apply(event);
    return store;
  }

  /**
   * Creates an identity, or returns the live one created by the same `requestId` (within the
   * repeatability window) or with the same `customId`. The check and the insert happen in one
   * synchronous step, so two racing creates with one `customId` get one identity; both replies
   * wait until it is on disk.
   */
  async create(customId: string | undefined, at: number, requestId?: string): Promise<IdentityRecord> {
    this.#forgetRequestIdsBefore(at - DEFAULT_REPEATABILITY_LIMITS.ttlMs);
    const earlier = requestId === undefined ? undefined : this.#byRequestId.get(requestId)?.id;
    const existing = [earlier, customId === undefined ? undefined : this.#byCustomId.get(customId)].find(
      (id) => id !== undefined && this.#live.has(id),
    );
    // Each reply describes the identity as it was when this request saw it: a delete that lands
    // while the journal is flushing must not turn the reply into an identity without an id.
    if (existing !== undefined) {
      const record = this.#snapshot(this.#live.get(existing)!);
      await this.#journal?.flushed();
      return record;
    }
    const event: JournalEvent = {
      op: "create",
      id: `${this.#prefix}${randomUUID()}`,
      at,
      ...(customId === undefined ? {} : { customId }),
      ...(requestId === undefined ? {} : { requestId }),
    };
    this.#apply(event);
    const record = this.#snapshot(this.#live.get(event.id)!);
    await this.#journal?.append(event);
    return record;
  }

  /** The live identity with this id, or `undefined` when unknown, foreign or deleted. */
  get(id: string): IdentityRecord | undefined {
    const record = this.#live.get(id);
    return record && this.#snapshot(record);
  }

  /** Remembers that a token was issued. The identity must be live. */
  tokenIssued(id: string, at: number): Promise<void> {
    return this.#commit({ op: "issue", id, at });
  }

  /** Revokes the identity's tokens. The identity must be live. */
  revoke(id: string, at: number): Promise<void> {
    return this.#commit({ op: "revoke", id, at });
  }

  /** Deletes the identity (and so revokes its tokens). The identity must be live. */
  delete(id: string, at: number): Promise<void> {
    return this.#commit({ op: "delete", id, at });
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

  /** Applies in memory at once (later readers see it), then resolves when it is durable. */
  async #commit(event: JournalEvent): Promise<void> {
    this.#apply(event);
    await this.#journal?.append(event);
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
        this.#remove(event.id);
        return;
      case "resource":
        return;
    }
  }

  #update(id: string, change: (record: MutableRecord) => void): void {
    const record = this.#live.get(id);
    if (record) change(record);
  }

  /** A deleted identity is gone; its custom id may name a new identity afterwards. */
  #remove(id: string): void {
    const record = this.#live.get(id);
    if (record?.customId !== undefined) this.#byCustomId.delete(record.customId);
    this.#live.delete(id);
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
