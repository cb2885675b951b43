// The assignment store's bookkeeping, on a real journal: ids of either case name one assignment,
// lists come in code-unit order, generations continue across a restart, an empty change list
// writes nothing, and a deletion revokes only the identities exchanged through it.
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entraKey, teamsKey, type EntraAssignment } from "../../src/emulator/store/assignments.js";
import { JOURNAL_FILE } from "../../src/emulator/store/journal.js";
import type { IdentityStore } from "../../src/emulator/store/store.js";
import { APP, GROUP as OTHER, TENANT, USER } from "../helpers/entraIds.js";
import { tempDirEachTest } from "../helpers/tempDir.js";
import { withStoreIn } from "../helpers/withStore.js";

const RESOURCE = "11111111-2222-3333-4444-555555555555";
const TENANT2 = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const THIRD = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
const entra = (objectId: string): EntraAssignment => ({ objectId, tenantId: TENANT, principalType: "user", clientIds: [APP] });
const teams = (tenantId: string, objectId: string) => ({ objectId, tenantId, principalType: "user" });
const exchangedOf = (objectId: string) => `8:acs:${RESOURCE}_wf_${TENANT}_${objectId}`;

const temp = tempDirEachTest("acs-assignment-books-");
const journal = () => readFile(join(temp.path, JOURNAL_FILE), "utf8");
/** The journal's lines after the first (the resource event), parsed. */
const journalEvents = async () =>
  (await journal())
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => JSON.parse(line) as unknown);

const withStore = <T>(use: (store: IdentityStore) => Promise<T>): Promise<T> => withStoreIn(temp.path, RESOURCE, use);

describe("assignment keys", () => {
  it("are lower-case: upper-case and lower-case ids name one assignment", () => {
    expect(teamsKey(TENANT.toUpperCase(), USER.toUpperCase())).toBe(`teams:${TENANT}/${USER}`);
    expect(entraKey(USER.toUpperCase())).toBe(`entra:${USER}`);
  });

  it("a Teams assignment set in upper case is found, replaced and deleted in lower case, and the reverse", async () => {
    await withStore(async (store) => {
      const { assignments } = store;
      expect(await assignments.setTeams(teams(TENANT.toUpperCase(), USER.toUpperCase()), 1)).toBe(true);
      expect(assignments.teams(TENANT, USER)).toStrictEqual(teams(TENANT.toUpperCase(), USER.toUpperCase()));
      expect(await assignments.setTeams(teams(TENANT, USER), 2)).toBe(false);
      expect(assignments.listTeams()).toStrictEqual([teams(TENANT, USER)]);
      await assignments.deleteTeams(TENANT.toUpperCase(), USER.toUpperCase(), 3);
      expect(assignments.listTeams()).toStrictEqual([]);
    });
    // The deletion is journalled with the ids in lower case, as the service returns them.
    expect((await journalEvents())[2]).toStrictEqual({ op: "unassignTeams", tenantId: TENANT, objectId: USER, at: 3 });
  });

  it("an Entra assignment set in upper case is found, replaced and deleted in lower case", async () => {
    await withStore(async (store) => {
      const { assignments } = store;
      expect(await assignments.updateEntra([entra(USER.toUpperCase())], 1)).toBe(true);
      expect(assignments.entra(USER)).toStrictEqual(entra(USER.toUpperCase()));
      expect(assignments.generation(entraKey(USER))).toBe(1);
      expect(await assignments.updateEntra([entra(USER)], 2)).toBe(false);
      expect(assignments.listEntra()).toStrictEqual([entra(USER)]);
      await assignments.updateEntra([USER], 3);
      expect(assignments.entra(USER.toUpperCase())).toBeUndefined();
    });
  });
});

describe("assignment lists", () => {
  it("list Teams assignments by tenant id, then object id, in code-unit order, whatever order they were set in", async () => {
    await withStore(async (store) => {
      for (const [tenantId, objectId] of [
        [TENANT, USER],
        [TENANT2, OTHER],
        [TENANT, THIRD],
        [TENANT2, THIRD],
        [TENANT, OTHER],
      ] as const) {
        await store.assignments.setTeams(teams(tenantId, objectId), 1);
      }
      expect(store.assignments.listTeams()).toStrictEqual([
        teams(TENANT2, THIRD),
        teams(TENANT2, OTHER),
        teams(TENANT, THIRD),
        teams(TENANT, USER),
        teams(TENANT, OTHER),
      ]);
    });
  });

  it("list Entra assignments by object id in code-unit order (upper case before lower case, not by locale)", async () => {
    const upper = "B27B64B9-39D2-44A3-869D-67700B74E805";
    await withStore(async (store) => {
      await store.assignments.updateEntra([entra(OTHER), entra(USER), entra(THIRD)], 1);
      expect(store.assignments.listEntra().map((assignment) => assignment.objectId)).toStrictEqual([THIRD, USER, OTHER]);
      // Kept as given: an id set in upper case sorts by its text, before every lower-case letter.
      await store.assignments.updateEntra([USER, entra(upper)], 2);
      expect(store.assignments.listEntra().map((assignment) => assignment.objectId)).toStrictEqual([THIRD, upper, OTHER]);
    });
  });
});

describe("assignment generations", () => {
  it("count up from 1 across Teams and Entra assignments, one per assign event, a replacement keeping its own", async () => {
    await withStore(async (store) => {
      const { assignments } = store;
      await assignments.setTeams(teams(TENANT, USER), 1);
      await assignments.updateEntra([entra(USER), entra(OTHER)], 2);
      await assignments.setTeams(teams(TENANT, USER), 3);
      expect([
        assignments.generation(teamsKey(TENANT, USER)),
        assignments.generation(entraKey(USER)),
        assignments.generation(entraKey(OTHER)),
      ]).toStrictEqual([1, 2, 3]);
      expect(assignments.generation(entraKey(THIRD))).toBeUndefined();
    });
    expect(await journalEvents()).toStrictEqual([
      { op: "assignTeams", assignment: teams(TENANT, USER), at: 1, generation: 1 },
      {
        op: "batch",
        events: [
          { op: "assignEntra", assignment: entra(USER), at: 2, generation: 2 },
          { op: "assignEntra", assignment: entra(OTHER), at: 2, generation: 3 },
        ],
      },
      { op: "assignTeams", assignment: teams(TENANT, USER), at: 3, generation: 4 },
    ]);
  });

  it("are each set's own when sets overlap: the generation is taken before the journal write, not after it", async () => {
    await withStore(async (store) => {
      const { assignments } = store;
      await Promise.all([assignments.setTeams(teams(TENANT, USER), 1), assignments.setTeams(teams(TENANT, OTHER), 1)]);
      await assignments.setTeams(teams(TENANT, THIRD), 2);
      expect([USER, OTHER, THIRD].map((objectId) => assignments.generation(teamsKey(TENANT, objectId)))).toStrictEqual([1, 2, 3]);
    });
  });

  it("continue after a restart past the highest replayed, so a re-set after the restart still revokes an exchange in flight", async () => {
    await withStore(async (store) => {
      await store.assignments.updateEntra([entra(OTHER), entra(USER)], 1);
      await store.assignments.updateEntra([OTHER], 2);
    });
    await withStore(async (store) => {
      const { assignments } = store;
      expect(store.damageReport).toBeUndefined();
      expect(assignments.generation(entraKey(USER))).toBe(2);
      // An exchange checks the assignment; before its record lands, the assignment is deleted and set again.
      const checked = assignments.generation(entraKey(USER))!;
      await assignments.updateEntra([USER], 3);
      await assignments.updateEntra([entra(USER)], 4);
      expect(assignments.generation(entraKey(USER))).toBe(3);
      expect(await assignments.tokenExchanged(exchangedOf(USER), entraKey(USER), checked, 5)).toBe(false);
      expect(assignments.exchanged(exchangedOf(USER))).toStrictEqual({
        id: exchangedOf(USER),
        createdAt: 5,
        lastTokenIssuedAt: 5,
        revokedAt: 5,
      });
    });
    await withStore(async (store) => {
      expect(store.assignments.exchanged(exchangedOf(USER))).toStrictEqual({
        id: exchangedOf(USER),
        createdAt: 5,
        lastTokenIssuedAt: 5,
        revokedAt: 5,
      });
      await store.assignments.setTeams(teams(TENANT, USER), 6);
      expect(store.assignments.generation(teamsKey(TENANT, USER))).toBe(4);
    });
  });

  it("continue past a replayed generation higher than any set since, and past a journal's generation 0", async () => {
    await withStore(async (store) => {
      store.assignments.apply({ op: "assignEntra", assignment: entra(USER), at: 1, generation: 0 });
      expect(store.assignments.generation(entraKey(USER))).toBe(0);
      await store.assignments.updateEntra([entra(OTHER)], 1);
      expect(store.assignments.generation(entraKey(OTHER))).toBe(1);
      store.assignments.apply({ op: "assignEntra", assignment: entra(THIRD), at: 2, generation: 7 });
      store.assignments.apply({ op: "assignTeams", assignment: teams(TENANT, USER), at: 2, generation: 5 });
      await store.assignments.setTeams(teams(TENANT, OTHER), 3);
      expect(store.assignments.generation(teamsKey(TENANT, OTHER))).toBe(8);
    });
  });
});

describe("assignment changes", () => {
  it("an empty change list writes nothing and creates nothing", async () => {
    await withStore(async (store) => {
      const before = await journal();
      expect(await store.assignments.updateEntra([], 1)).toBe(false);
      expect(await journal()).toBe(before);
      expect(store.assignments.listEntra()).toStrictEqual([]);
    });
    await withStore(async (store) => expect(store.damageReport).toBeUndefined());
  });

  it("a deletion revokes the identities exchanged through that assignment only, and each just once", async () => {
    await withStore(async (store) => {
      const { assignments } = store;
      await assignments.updateEntra([entra(USER), entra(OTHER)], 1);
      await assignments.tokenExchanged(exchangedOf(USER), entraKey(USER), assignments.generation(entraKey(USER))!, 2);
      await assignments.tokenExchanged(exchangedOf(OTHER), entraKey(OTHER), assignments.generation(entraKey(OTHER))!, 3);
      await assignments.updateEntra([USER], 4);
      expect(assignments.listExchanged()).toStrictEqual([
        { id: exchangedOf(USER), createdAt: 2, lastTokenIssuedAt: 2, revokedAt: 4 },
        { id: exchangedOf(OTHER), createdAt: 3, lastTokenIssuedAt: 3 },
      ]);
      // USER's identity has no token through OTHER's assignment: its revocation stays at 4.
      await assignments.updateEntra([OTHER], 5);
      expect(assignments.listExchanged()).toStrictEqual([
        { id: exchangedOf(USER), createdAt: 2, lastTokenIssuedAt: 2, revokedAt: 4 },
        { id: exchangedOf(OTHER), createdAt: 3, lastTokenIssuedAt: 3, revokedAt: 5 },
      ]);
    });
  });

  it("a deletion after a revocation leaves it be: the tokens it revoked were exchanged through that assignment", async () => {
    await withStore(async (store) => {
      const { assignments } = store;
      await assignments.updateEntra([entra(USER), entra(OTHER)], 1);
      const id = exchangedOf(USER);
      await assignments.tokenExchanged(id, entraKey(USER), assignments.generation(entraKey(USER))!, 2);
      await assignments.tokenExchanged(id, entraKey(OTHER), assignments.generation(entraKey(OTHER))!, 3);
      // Revocation is per identity: deleting USER's assignment revokes the token through OTHER's too.
      await assignments.updateEntra([USER], 4);
      await assignments.updateEntra([OTHER], 5);
      expect(assignments.exchanged(id)).toStrictEqual({ id, createdAt: 2, lastTokenIssuedAt: 3, revokedAt: 4 });
    });
  });
});

describe("journals written before generations and resets", () => {
  /** Appends these events to the journal of a store opened once, then replays them. */
  async function replayed(...events: object[]): Promise<void> {
    await withStore(async () => undefined);
    await appendFile(join(temp.path, JOURNAL_FILE), events.map((event) => `${JSON.stringify(event)}\n`).join(""));
  }

  it("an exchange without a generation through an assignment deleted before it is revoked at replay", async () => {
    await replayed(
      { op: "assignEntra", assignment: entra(USER), at: 1 },
      { op: "unassignEntra", objectId: USER, at: 2 },
      { op: "exchange", id: exchangedOf(USER), via: entraKey(USER), at: 3 },
    );
    await withStore(async (store) => {
      expect(store.damageReport).toBeUndefined();
      expect(store.assignments.exchanged(exchangedOf(USER))).toStrictEqual({
        id: exchangedOf(USER),
        createdAt: 3,
        lastTokenIssuedAt: 3,
        revokedAt: 3,
      });
    });
  });

  it("a forgetExchanged event forgets every exchanged identity and keeps the assignments", async () => {
    await replayed(
      { op: "assignEntra", assignment: entra(USER), at: 1 },
      { op: "assignTeams", assignment: teams(TENANT, USER), at: 1 },
      { op: "exchange", id: exchangedOf(USER), via: entraKey(USER), at: 2 },
      { op: "forgetExchanged", at: 3 },
      { op: "exchange", id: exchangedOf(OTHER), via: entraKey(USER), at: 4 },
    );
    await withStore(async (store) => {
      expect(store.damageReport).toBeUndefined();
      expect(store.assignments.listExchanged()).toStrictEqual([{ id: exchangedOf(OTHER), createdAt: 4, lastTokenIssuedAt: 4 }]);
      expect([store.assignments.listEntra(), store.assignments.listTeams()]).toStrictEqual([[entra(USER)], [teams(TENANT, USER)]]);
    });
  });
});
