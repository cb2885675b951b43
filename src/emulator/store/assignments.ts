/**
 * The access assignments of one emulated resource: Teams Phone extensibility (by tenant and object
 * id) and Microsoft Entra ID users (by object id), and the identities minted by exchanging an Entra
 * token through them. Kept like identities: every change is a journal event, applied in memory by
 * {@link Assignments.apply} live and at replay, and only once the journal holds it.
 */
import type { IdentityRecord } from "../types.js";

/** A Teams Phone extensibility assignment, as the service returns it. Ids are lower-case GUIDs. */
export interface TeamsExtensionAssignment {
  readonly objectId: string;
  readonly tenantId: string;
  /** `user` or `resourceAccount` (the docs' `teamsResourceAccount` too), as it was given. */
  readonly principalType: string;
  /** The applications allowed to exchange; any application when absent. */
  readonly clientIds?: readonly string[];
}

/** A Microsoft Entra ID assignment, as the service returns it. Ids are lower-case GUIDs. */
export interface EntraAssignment {
  readonly objectId: string;
  readonly tenantId: string;
  /** `user`, `group` or `tenant` (then `objectId` is the tenant id). */
  readonly principalType: string;
  /** The applications allowed to exchange. */
  readonly clientIds: readonly string[];
}

/**
 * An identity minted by an exchange (never with a `customId`). `createdAt` is its first exchange,
 * `lastTokenIssuedAt` its last; `revokedAt` is when an assignment that a token was exchanged
 * through was deleted, which revokes its tokens.
 */
export interface ExchangedIdentity extends IdentityRecord {
  readonly lastTokenIssuedAt: number;
}

/**
 * The journal events of assignments and exchanges.
 *
 * An assignment's generation tells it from one deleted and set again under the same key: an `assign`
 * event that creates the assignment gives it the event's `generation` (unique in the journal; 0 in
 * journals written before generations), one that replaces it keeps the generation it has.
 */
export type AssignmentEvent =
  | { op: "assignTeams"; assignment: TeamsExtensionAssignment; at: number; generation?: number }
  | { op: "unassignTeams"; tenantId: string; objectId: string; at: number }
  | { op: "assignEntra"; assignment: EntraAssignment; at: number; generation?: number }
  | { op: "unassignEntra"; objectId: string; at: number }
  /**
   * A token issued to `id` through the assignment `via` ({@link teamsKey} or {@link entraKey}) of
   * generation `viaGeneration`, as the exchange checked it (absent in older journals: any generation).
   */
  | { op: "exchange"; id: string; via: string; viaGeneration?: number; at: number }
  /** Every identity minted by exchange is forgotten (a reset, in journals before `clearAssignments`). */
  | { op: "forgetExchanged"; at: number }
  /** A reset: every assignment there is when this event is applied is deleted, every exchanged identity forgotten. */
  | { op: "clearAssignments"; at: number };

/** The `op` of every {@link AssignmentEvent}. */
export const ASSIGNMENT_OPS: ReadonlySet<string> = new Set([
  "assignTeams",
  "unassignTeams",
  "assignEntra",
  "unassignEntra",
  "exchange",
  "forgetExchanged",
  "clearAssignments",
]);

/** The key a Teams assignment is known by, also in `exchange` events. */
export function teamsKey(tenantId: string, objectId: string): string {
  return `teams:${tenantId.toLowerCase()}/${objectId.toLowerCase()}`;
}

/** The key an Entra assignment is known by, also in `exchange` events. */
export function entraKey(objectId: string): string {
  return `entra:${objectId.toLowerCase()}`;
}

interface MutableExchanged {
  id: string;
  createdAt: number;
  lastTokenIssuedAt: number;
  revokedAt?: number;
  /** The assignments tokens were exchanged through since the last revocation. */
  via: Set<string>;
}

/** The assignments and exchanged identities in memory; changes go through `commit`, which writes the journal first. */
export class Assignments {
  readonly #teams = new Map<string, TeamsExtensionAssignment>();
  readonly #entra = new Map<string, EntraAssignment>();
  readonly #exchanged = new Map<string, MutableExchanged>();
  /** The generation of each assignment, by key (see {@link AssignmentEvent}). */
  readonly #generations = new Map<string, number>();
  /** Above every generation written or replayed: the next `assign` event's. */
  #nextGeneration = 1;
  readonly #commit: (...events: AssignmentEvent[]) => Promise<void>;
  /** The exchange events applied after their assignment was gone, for {@link Assignments.tokenExchanged} to answer. */
  readonly #arrivedRevoked = new WeakSet<AssignmentEvent>();

  /** @param commit - writes the events to the journal (all or none), then applies them here. */
  constructor(commit: (...events: AssignmentEvent[]) => Promise<void>) {
    this.#commit = commit;
  }

  /** The Teams assignment of an object in a tenant. */
  teams(tenantId: string, objectId: string): TeamsExtensionAssignment | undefined {
    return this.#teams.get(teamsKey(tenantId, objectId));
  }

  /**
   * Creates or replaces a Teams assignment. @returns whether it was created.
   * @throws {@link ServiceError} 503 when the journal write failed; nothing changed.
   */
  async setTeams(assignment: TeamsExtensionAssignment, at: number): Promise<boolean> {
    const created = this.teams(assignment.tenantId, assignment.objectId) === undefined;
    await this.#commit({ op: "assignTeams", assignment, at, generation: this.#nextGeneration++ });
    return created;
  }

  /** Every Teams assignment, by tenant id, then object id. */
  listTeams(): TeamsExtensionAssignment[] {
    return [...this.#teams.values()].sort((a, b) => byText(a.tenantId, b.tenantId) || byText(a.objectId, b.objectId));
  }

  /** Deletes a Teams assignment, revoking the tokens exchanged through it. @throws as {@link Assignments.setTeams}. */
  deleteTeams(tenantId: string, objectId: string, at: number): Promise<void> {
    return this.#commit({ op: "unassignTeams", tenantId: tenantId.toLowerCase(), objectId: objectId.toLowerCase(), at });
  }

  /** The Entra assignment of an object (a user, a group or a tenant). */
  entra(objectId: string): EntraAssignment | undefined {
    return this.#entra.get(entraKey(objectId));
  }

  /** Every Entra assignment, by object id. */
  listEntra(): EntraAssignment[] {
    return [...this.#entra.values()].sort((a, b) => byText(a.objectId, b.objectId));
  }

  /**
   * Creates, replaces and deletes Entra assignments in one journal write: all of them or none.
   *
   * @param changes - an assignment to set, or an object id (lower-case) to delete.
   * @returns whether the first change created an assignment.
   * @throws {@link ServiceError} 503 when the journal write failed; nothing changed.
   */
  async updateEntra(changes: ReadonlyArray<EntraAssignment | string>, at: number): Promise<boolean> {
    if (changes.length === 0) return false;
    const first = changes[0];
    const created = typeof first === "object" && this.entra(first.objectId) === undefined;
    await this.#commit(
      ...changes.map((change): AssignmentEvent =>
        typeof change === "string"
          ? { op: "unassignEntra", objectId: change, at }
          : { op: "assignEntra", assignment: change, at, generation: this.#nextGeneration++ },
      ),
    );
    return created;
  }

  /** An identity minted by exchange. */
  exchanged(id: string): ExchangedIdentity | undefined {
    const record = this.#exchanged.get(id);
    return record && snapshot(record);
  }

  /** Every identity minted by exchange, first exchange first. */
  listExchanged(): ExchangedIdentity[] {
    return [...this.#exchanged.values()].map(snapshot);
  }

  /** The generation of the assignment of a key ({@link teamsKey} or {@link entraKey}), for the exchange to record. */
  generation(key: string): number | undefined {
    return this.#generations.get(key);
  }

  /**
   * Records a token exchanged for `id` through the assignment `via`, of the generation the exchange
   * checked ({@link Assignments.generation}).
   *
   * @returns whether the token stands: `false` when the assignment was deleted (also when set again
   * since) between the exchange's check and this record (the token minted meanwhile is revoked).
   * @throws as {@link Assignments.setTeams}.
   */
  async tokenExchanged(id: string, via: string, viaGeneration: number, at: number): Promise<boolean> {
    const event: AssignmentEvent = { op: "exchange", id, via, viaGeneration, at };
    await this.#commit(event);
    return !this.#arrivedRevoked.has(event);
  }

  /**
   * Deletes every assignment and forgets the exchanged identities (a reset), with one journal event
   * applied to whatever exists when it lands, so that a change written just before it (a PUT, an
   * exchange) is cleared too, also after a restart. @throws as {@link Assignments.setTeams}.
   */
  clear(at: number): Promise<void> {
    return this.#commit({ op: "clearAssignments", at });
  }

  /** Applies one event in memory (live, after the journal holds it, or at replay). */
  apply(event: AssignmentEvent): void {
    switch (event.op) {
      case "assignTeams":
        this.#assign(this.#teams, teamsKey(event.assignment.tenantId, event.assignment.objectId), event.assignment, event.generation);
        return;
      case "unassignTeams":
        this.#unassign(this.#teams, teamsKey(event.tenantId, event.objectId), event.at);
        return;
      case "assignEntra":
        this.#assign(this.#entra, entraKey(event.assignment.objectId), event.assignment, event.generation);
        return;
      case "unassignEntra":
        this.#unassign(this.#entra, entraKey(event.objectId), event.at);
        return;
      case "exchange": {
        const record = this.#exchanged.get(event.id) ?? { id: event.id, createdAt: event.at, lastTokenIssuedAt: event.at, via: new Set() };
        record.lastTokenIssuedAt = event.at;
        this.#exchanged.set(event.id, record);
        if (this.#assigned(event.via, event.viaGeneration)) {
          record.via.add(event.via);
          return;
        }
        // The assignment was deleted (and maybe set again) while the token was minted (the exchange
        // checked it before): the deletion revokes this token too, live and at replay alike.
        record.revokedAt = Math.max(record.revokedAt ?? event.at, event.at);
        this.#arrivedRevoked.add(event);
        return;
      }
      case "forgetExchanged":
        this.#exchanged.clear();
        return;
      case "clearAssignments":
        for (const key of this.#teams.keys()) this.#unassign(this.#teams, key, event.at);
        for (const key of this.#entra.keys()) this.#unassign(this.#entra, key, event.at);
        this.#exchanged.clear();
        return;
    }
  }

  /** Creates (with the event's generation) or replaces (keeping its generation) the assignment of a key. */
  #assign<T>(map: Map<string, T>, key: string, assignment: T, generation = 0): void {
    if (!map.has(key)) this.#generations.set(key, generation);
    this.#nextGeneration = Math.max(this.#nextGeneration, generation + 1);
    map.set(key, assignment);
  }

  /**
   * Whether the assignment of a key ({@link teamsKey} or {@link entraKey}) exists, of `generation`
   * (of any when `undefined`, as in journals written before generations).
   */
  #assigned(key: string, generation: number | undefined): boolean {
    const current = this.#generations.get(key);
    return current !== undefined && (generation === undefined || generation === current);
  }

  /** A deleted assignment revokes every token exchanged through it (the REST specification's pull request says so). */
  #unassign(map: Map<string, unknown>, key: string, at: number): void {
    map.delete(key);
    this.#generations.delete(key);
    for (const record of this.#exchanged.values()) {
      if (!record.via.delete(key)) continue;
      record.revokedAt = at;
      // Revocation is per identity, as revokeAccessTokens: every token issued until now is revoked.
      record.via.clear();
    }
  }
}

/** Orders ids by their code units, as the list's `skipToken` compares them (not by locale). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function snapshot({ via: _via, ...record }: MutableExchanged): ExchangedIdentity {
  return Object.freeze(record);
}
