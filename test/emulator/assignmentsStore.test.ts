// The assignments kept in the store's journal: replay across a restart, damaged lines skipped with
// the same checks as identity events, a failed (full-disk) write leaving memory as it was, and the
// revocation of exchanged identities when their assignment goes.
import { appendFile, open, readFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ServiceError } from "../../src/emulator/routes/errors.js";
import { entraKey, teamsKey, type EntraAssignment } from "../../src/emulator/store/assignments.js";
import { JOURNAL_FILE } from "../../src/emulator/store/journal.js";
import type { IdentityStore } from "../../src/emulator/store/store.js";
import { tempDirEachTest } from "../helpers/tempDir.js";
import { withStoreIn } from "../helpers/withStore.js";

const RESOURCE = "11111111-2222-3333-4444-555555555555";
const TENANT = "c70d068c-2f32-484d-9455-73070cd5aadd";
const USER = "b27b64b9-39d2-44a3-869d-67700b74e805";
const OTHER = "fd63f3cb-3731-4d15-8e47-9d062aba58c5";
const APP = "617d08b5-f35b-4270-87d6-56833d2dee1b";
const EXCHANGED = `8:acs:${RESOURCE}_wf_${TENANT}_${USER}`;
const entra = (objectId: string): EntraAssignment => ({ objectId, tenantId: TENANT, principalType: "user", clientIds: [APP] });

const temp = tempDirEachTest("acs-assignments-");
let proto: FileHandle;
beforeAll(async () => {
  const probe = await open(__filename, "r");
  proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
});
afterEach(() => vi.restoreAllMocks());

/** The report of a damaged journal in the test's directory, with these lines. */
function damageReportOf(...lines: string[]): string {
  return [
    `The emulator journal ${join(temp.path, JOURNAL_FILE)} is damaged; started without what these lines held:`,
    ...lines,
    "Every other change was kept. The damaged lines stay in the file.",
  ].join("\n");
}

const withStore = <T>(use: (store: IdentityStore) => Promise<T>): Promise<T> => withStoreIn(temp.path, RESOURCE, use);

describe("assignments in the journal", () => {
  it("survive a restart: Teams and Entra assignments, a bulk update's deletions, exchanged identities and their revocation", async () => {
    await withStore(async (store) => {
      expect(await store.assignments.setTeams({ objectId: USER, tenantId: TENANT, principalType: "resourceAccount" }, 1000)).toBe(true);
      expect(await store.assignments.setTeams({ objectId: USER, tenantId: TENANT, principalType: "user", clientIds: [APP] }, 1001)).toBe(
        false,
      );
      expect(await store.assignments.updateEntra([entra(USER), entra(OTHER)], 1002)).toBe(true);
      await store.assignments.tokenExchanged(EXCHANGED, entraKey(OTHER), store.assignments.generation(entraKey(OTHER))!, 1003);
      await store.assignments.updateEntra([OTHER], 1004);
    });
    await withStore(async (store) => {
      expect(store.damageReport).toBeUndefined();
      expect(store.assignments.teams(TENANT.toUpperCase(), USER)).toStrictEqual({
        objectId: USER,
        tenantId: TENANT,
        principalType: "user",
        clientIds: [APP],
      });
      expect(store.assignments.listEntra()).toStrictEqual([entra(USER)]);
      expect(store.assignments.exchanged(EXCHANGED)).toStrictEqual({
        id: EXCHANGED,
        createdAt: 1003,
        lastTokenIssuedAt: 1003,
        revokedAt: 1004,
      });
      // Exchanged identities are not identities of the resource: no token is issued to them directly.
      expect(store.get(EXCHANGED)).toBeUndefined();
    });
  });

  it("a reset (clear) is one journal write, kept across a restart: no assignment and no exchanged identity comes back", async () => {
    await withStore(async (store) => {
      await store.assignments.setTeams({ objectId: USER, tenantId: TENANT, principalType: "user" }, 1);
      await store.assignments.updateEntra([entra(USER)], 2);
      await store.assignments.tokenExchanged(EXCHANGED, entraKey(USER), store.assignments.generation(entraKey(USER))!, 3);
      await store.assignments.clear(4);
      expect(store.assignments.listExchanged()).toStrictEqual([]);
    });
    await withStore(async (store) => {
      expect(store.damageReport).toBeUndefined();
      expect(store.assignments.listTeams()).toStrictEqual([]);
      expect(store.assignments.listEntra()).toStrictEqual([]);
      expect(store.assignments.listExchanged()).toStrictEqual([]);
      // One event, written also with nothing left: it clears what exists when it lands, so it cannot know.
      const before = await readFile(join(temp.path, JOURNAL_FILE), "utf8");
      await store.assignments.clear(5);
      expect(await readFile(join(temp.path, JOURNAL_FILE), "utf8")).toBe(`${before}${JSON.stringify({ op: "clearAssignments", at: 5 })}\n`);
    });
  });

  it("a reset clears what the journal holds before it: a PUT and an exchange still being written are cleared, also after a restart", async () => {
    await withStore(async (store) => {
      await store.assignments.updateEntra([entra(USER)], 1);
      // Both are on their way to the journal when the reset arrives: its event lands after theirs.
      const put = store.assignments.setTeams({ objectId: USER, tenantId: TENANT, principalType: "user" }, 2);
      const bulk = store.assignments.updateEntra([entra(OTHER)], 2);
      const exchange = store.assignments.tokenExchanged(EXCHANGED, entraKey(USER), store.assignments.generation(entraKey(USER))!, 2);
      const reset = store.assignments.clear(3);
      expect(await Promise.all([put, bulk, exchange, reset])).toStrictEqual([true, true, true, undefined]);
      expect([store.assignments.listTeams(), store.assignments.listEntra(), store.assignments.listExchanged()]).toStrictEqual([[], [], []]);
    });
    await withStore(async (store) => {
      expect(store.damageReport).toBeUndefined();
      expect([store.assignments.listTeams(), store.assignments.listEntra(), store.assignments.listExchanged()]).toStrictEqual([[], [], []]);
    });
  });

  it("an exchange journalled after a reset finds its assignment gone: its token is revoked, also after a restart", async () => {
    await withStore(async (store) => {
      await store.assignments.setTeams({ objectId: USER, tenantId: TENANT, principalType: "user" }, 1);
      const generation = store.assignments.generation(teamsKey(TENANT, USER))!;
      await store.assignments.clear(2);
      const id = `8:acs:${RESOURCE}_${TENANT}_${USER}`;
      expect(await store.assignments.tokenExchanged(id, teamsKey(TENANT, USER), generation, 3)).toBe(false);
      expect(store.assignments.listExchanged()).toStrictEqual([{ id, createdAt: 3, lastTokenIssuedAt: 3, revokedAt: 3 }]);
    });
    await withStore(async (store) => {
      expect(store.assignments.listExchanged()).toStrictEqual([
        { id: `8:acs:${RESOURCE}_${TENANT}_${USER}`, createdAt: 3, lastTokenIssuedAt: 3, revokedAt: 3 },
      ]);
    });
  });

  it("a bulk update is one write of one line: a batch of its events", async () => {
    await withStore((store) => store.assignments.updateEntra([entra(USER), OTHER], 5));
    const lines = (await readFile(join(temp.path, JOURNAL_FILE), "utf8")).trim().split("\n").slice(1);
    expect(lines.map((text) => JSON.parse(text))).toStrictEqual([
      {
        op: "batch",
        events: [
          { op: "assignEntra", assignment: entra(USER), at: 5, generation: 1 },
          { op: "unassignEntra", objectId: OTHER, at: 5 },
        ],
      },
    ]);
  });

  it("a batch is replayed whole or skipped whole: one damaged event of it, or a cut inside its line, loses all its events", async () => {
    await withStore((store) => store.assignments.updateEntra([entra(USER)], 1));
    const batch = (...events: object[]) => `${JSON.stringify({ op: "batch", events })}\n`;
    const cut = batch({ op: "assignEntra", assignment: entra(OTHER), at: 5 }, { op: "unassignEntra", objectId: USER, at: 5 });
    await appendFile(
      join(temp.path, JOURNAL_FILE),
      [
        batch({ op: "assignEntra", assignment: entra(OTHER), at: 2 }, { op: "unassignEntra", objectId: "nope", at: 2 }),
        batch(),
        `${JSON.stringify({ op: "batch", events: [{ op: "unassignEntra", objectId: USER, at: 3 }, 7] })}\n`,
        batch({ op: "batch", events: [{ op: "unassignEntra", objectId: USER, at: 4 }] }),
        `${cut.slice(0, cut.indexOf("unassignEntra"))}\n`,
        batch({ op: "assignTeams", assignment: { objectId: USER, tenantId: TENANT, principalType: "user" }, at: 6 }),
      ].join(""),
    );
    await withStore(async (store) => {
      expect(store.damageReport).toBe(
        damageReportOf(
          "  line 3: batch event whose event 2 of 2 is damaged: unassignEntra event without an object id",
          "  line 4: batch event without its events",
          "  line 5: batch event whose event 2 of 2 is damaged: not an object",
          "  line 6: batch event whose event 1 of 1 is damaged: event of unknown kind",
          `  line 7: unreadable (${cut.indexOf("unassignEntra")} bytes; op "batch")`,
        ),
      );
      expect(store.assignments.listEntra()).toStrictEqual([entra(USER)]);
      expect(store.assignments.listTeams()).toStrictEqual([{ objectId: USER, tenantId: TENANT, principalType: "user" }]);
    });
  });

  it("damaged assignment lines are skipped and reported, like identity events", async () => {
    await withStore(async () => undefined);
    const lines = [
      { op: "assignTeams", assignment: { objectId: USER, tenantId: "nope", principalType: "user" }, at: 1 },
      { op: "assignEntra", assignment: { objectId: USER, tenantId: TENANT, principalType: "user" }, at: 2 },
      { op: "assignEntra", assignment: { ...entra(USER), clientIds: ["x"] }, at: 3 },
      { op: "unassignEntra", objectId: USER },
      { op: "unassignTeams", objectId: USER, at: 5 },
      { op: "exchange", id: `8:acs:99999999-2222-3333-4444-555555555555_${TENANT}_${USER}`, via: teamsKey(TENANT, USER), at: 6 },
      { op: "exchange", id: EXCHANGED, at: 7 },
      { op: "assignEntra", assignment: entra(OTHER), at: 8 },
    ];
    await appendFile(join(temp.path, JOURNAL_FILE), lines.map((value) => `${JSON.stringify(value)}\n`).join(""));
    await withStore(async (store) => {
      expect(store.damageReport).toBe(
        damageReportOf(
          "  line 2: assignTeams event without a valid assignment",
          "  line 3: assignEntra event with client ids that are not GUIDs",
          "  line 4: assignEntra event with client ids that are not GUIDs",
          "  line 5: unassignEntra event without a valid time",
          "  line 6: unassignTeams event without a tenant id and object id",
          `  line 7: exchange event of an identity not of this resource (${`8:acs:99999999-2222-3333-4444-555555555555_${TENANT}_${USER}`.slice(0, 100)})`,
          `  line 8: exchange event of ${EXCHANGED} without the assignment it went through`,
        ),
      );
      expect(store.assignments.listEntra()).toStrictEqual([entra(OTHER)]);
    });
  });

  it("replays journals written before generations: an exchange without one stands while its assignment exists", async () => {
    await withStore(async () => undefined);
    const lines = [
      { op: "assignEntra", assignment: entra(USER), at: 1 },
      { op: "exchange", id: EXCHANGED, via: entraKey(USER), at: 2 },
      { op: "unassignEntra", objectId: USER, at: 3 },
      { op: "assignEntra", assignment: entra(USER), at: 4 },
      { op: "exchange", id: EXCHANGED, via: entraKey(USER), at: 5 },
      { op: "assignEntra", assignment: entra(OTHER), at: 6, generation: "1" },
      { op: "exchange", id: EXCHANGED, via: entraKey(USER), viaGeneration: -1, at: 7 },
    ];
    await appendFile(join(temp.path, JOURNAL_FILE), lines.map((value) => `${JSON.stringify(value)}\n`).join(""));
    await withStore(async (store) => {
      expect(store.damageReport).toBe(
        damageReportOf(
          "  line 7: assignEntra event with a generation that is not a count",
          `  line 8: exchange event of ${EXCHANGED} with a generation that is not a count`,
        ),
      );
      expect(store.assignments.exchanged(EXCHANGED)).toStrictEqual({ id: EXCHANGED, createdAt: 2, lastTokenIssuedAt: 5, revokedAt: 3 });
      // An assignment of an older journal is of generation 0; the next one set is of generation 1.
      expect(store.assignments.generation(entraKey(USER))).toBe(0);
      await store.assignments.updateEntra([entra(OTHER)], 8);
      expect(store.assignments.generation(entraKey(OTHER))).toBe(1);
    });
  });

  it("a write the disk refuses answers 503 and leaves every assignment as it was", async () => {
    await withStore(async (store) => {
      await store.assignments.setTeams({ objectId: USER, tenantId: TENANT, principalType: "user" }, 1);
      await store.assignments.updateEntra([entra(USER)], 1);
      vi.spyOn(proto, "datasync").mockRejectedValue(Object.assign(new Error("ENOSPC: simulated"), { code: "ENOSPC" }));
      const refusals = await Promise.all([
        store.assignments
          .setTeams({ objectId: USER, tenantId: TENANT, principalType: "resourceAccount" }, 2)
          .catch((error: unknown) => error),
        store.assignments.deleteTeams(TENANT, USER, 2).catch((error: unknown) => error),
        store.assignments.updateEntra([entra(OTHER), USER], 2).catch((error: unknown) => error),
        store.assignments
          .tokenExchanged(EXCHANGED, entraKey(USER), store.assignments.generation(entraKey(USER))!, 2)
          .catch((error: unknown) => error),
      ]);
      for (const error of refusals) {
        expect(error).toBeInstanceOf(ServiceError);
        expect((error as ServiceError).status).toBe(503);
        expect((error as ServiceError).message).toBe(
          "The emulator could not write to its data directory (ENOSPC); nothing was changed. Retry later.",
        );
      }
      expect(store.assignments.teams(TENANT, USER)).toStrictEqual({ objectId: USER, tenantId: TENANT, principalType: "user" });
      expect(store.assignments.listEntra()).toStrictEqual([entra(USER)]);
      expect(store.assignments.listExchanged()).toStrictEqual([]);
    });
  });
});
