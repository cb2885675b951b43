// IdentityStore's creates in detail: concurrent creates with and without custom ids and request
// ids, the repeatability window's edges, tokens issued with a repeated create, and replay of
// journal events that name unknown identities.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JOURNAL_FILE } from "../../src/emulator/store/journal.js";
import { DEFAULT_REPEATABILITY_LIMITS } from "../../src/emulator/routes/repeatability.js";
import { IdentityStore, MAX_DELETED_KEPT } from "../../src/emulator/store/store.js";
import { tempDirEachTest } from "../helpers/tempDir.js";

const RESOURCE = "11111111-2222-3333-4444-555555555555";
const A = `8:acs:${RESOURCE}_0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`;
const B = `8:acs:${RESOURCE}_1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e`;
const requestId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const { ttlMs, maxEntries } = DEFAULT_REPEATABILITY_LIMITS;

describe.each([
  ["in memory", false],
  ["with a journal (each create waits for its write)", true],
])("concurrent creates, %s", (_where, journaled) => {
  let dir: string | undefined;
  let opened: IdentityStore[] = [];
  const open = async () => {
    if (journaled) dir = await mkdtemp(join(tmpdir(), "acs-store-concurrent-"));
    const store = await IdentityStore.open({ resourceId: RESOURCE, dataDir: dir });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened) await store.close();
    opened = [];
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("with different custom ids make different identities", async () => {
    const store = await open();
    const [a, b] = await Promise.all([store.create("a", 1), store.create("b", 1)]);
    expect(a.id).not.toBe(b.id);
    expect([a.customId, b.customId]).toStrictEqual(["a", "b"]);
    expect(store.count()).toBe(2);
  });

  it("with different request ids and no custom id make different identities", async () => {
    const store = await open();
    const [a, b] = await Promise.all([store.create(undefined, 1, requestId(1)), store.create(undefined, 1, requestId(2))]);
    expect(a.id).not.toBe(b.id);
    expect(store.count()).toBe(2);
  });

  it("without custom id or request id make different identities", async () => {
    const store = await open();
    const [a, b] = await Promise.all([store.create(undefined, 1), store.create(undefined, 1)]);
    expect(a.id).not.toBe(b.id);
  });

  it("with one request id make one identity", async () => {
    const store = await open();
    const [a, b] = await Promise.all([store.create(undefined, 1, requestId(1)), store.create(undefined, 1, requestId(1))]);
    expect(b).toStrictEqual(a);
    expect(store.count()).toBe(1);
  });

  it("with one request id and different custom ids make one identity: the request id is found among the keys", async () => {
    const store = await open();
    const [a, b] = await Promise.all([store.create("a", 1, requestId(1)), store.create("b", 1, requestId(1))]);
    expect(b.id).toBe(a.id);
    expect(store.count()).toBe(1);
  });

  it("a repeat that waited for the first gets the identity as it is now, with the first's token time", async () => {
    const store = await open();
    const [first, repeat] = await Promise.all([store.create("a", 1, undefined, true), store.create("a", 2)]);
    expect(first).toStrictEqual({ id: first.id, customId: "a", createdAt: 1 });
    expect(repeat).toStrictEqual({ id: first.id, customId: "a", createdAt: 1, lastTokenIssuedAt: 1 });
  });
});

describe("repeated creates", () => {
  it("a create that issues a token records its time with the identity", async () => {
    const store = await IdentityStore.open({ resourceId: RESOURCE });
    const created = await store.create(undefined, 5, undefined, true);
    expect(created).toStrictEqual({ id: created.id, createdAt: 5 });
    expect(store.get(created.id)).toStrictEqual({ id: created.id, createdAt: 5, lastTokenIssuedAt: 5 });
  });

  it("a repeat that issues a token records the repeat's time", async () => {
    const store = await IdentityStore.open({ resourceId: RESOURCE });
    const created = await store.create("a", 1000);
    const repeat = await store.create("a", 2000, undefined, true);
    expect(repeat).toStrictEqual({ id: created.id, customId: "a", createdAt: 1000 });
    expect(store.get(created.id)?.lastTokenIssuedAt).toBe(2000);
  });

  it("a request id of a deleted identity makes a new identity", async () => {
    const store = await IdentityStore.open({ resourceId: RESOURCE });
    const first = await store.create(undefined, 1, requestId(1));
    await store.delete(first.id, 2);
    const again = await store.create(undefined, 3, requestId(1));
    expect(again.id).not.toBe(first.id);
    expect(again).toStrictEqual({ id: again.id, createdAt: 3 });
  });

  it("a request id is remembered for exactly the repeatability window", async () => {
    const store = await IdentityStore.open({ resourceId: RESOURCE });
    const first = await store.create(undefined, 0, requestId(1));
    expect((await store.create(undefined, ttlMs, requestId(1))).id).toBe(first.id);
    expect((await store.create(undefined, ttlMs + 1, requestId(1))).id).not.toBe(first.id);
  });

  it("the cache holds exactly maxEntries request ids; a create without one takes no place", async () => {
    const store = await IdentityStore.open({ resourceId: RESOURCE });
    const first = await store.create(undefined, 1, requestId(0));
    for (let n = 1; n < maxEntries; n++) await store.create(undefined, 1, requestId(n));
    await store.create(undefined, 1);
    expect((await store.create(undefined, 2, requestId(0))).id).toBe(first.id);
  });
});

describe("the journal of creates", () => {
  const temp = tempDirEachTest("acs-store-journal-");

  it("holds one line per create, with a token or without (the create and its issue are one batch line)", async () => {
    const store = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    const plain = await store.create("p", 1);
    const withToken = await store.create(undefined, 2, requestId(1), true);
    await store.close();
    expect(await readFile(join(temp.path, JOURNAL_FILE), "utf8")).toBe(
      [
        { op: "resource", resourceId: RESOURCE },
        { op: "create", id: plain.id, at: 1, customId: "p" },
        {
          op: "batch",
          events: [
            { op: "create", id: withToken.id, at: 2, requestId: requestId(1) },
            { op: "issue", id: withToken.id, at: 2 },
          ],
        },
      ]
        .map((event) => `${JSON.stringify(event)}\n`)
        .join(""),
    );
  });
});

describe("replay", () => {
  const temp = tempDirEachTest("acs-store-replay-");

  const lines = (...events: object[]) => events.map((event) => `${JSON.stringify(event)}\n`).join("");

  it("ignores an issue, a revoke and a delete of an identity it does not have", async () => {
    await writeFile(
      join(temp.path, JOURNAL_FILE),
      lines(
        { op: "resource", resourceId: RESOURCE },
        { op: "issue", id: A, at: 1 },
        { op: "revoke", id: A, at: 2 },
        { op: "delete", id: A, at: 3 },
        { op: "create", id: B, at: 4, customId: "b" },
      ),
    );
    const store = await IdentityStore.open({ dataDir: temp.path });
    try {
      expect(store.damageReport).toBeUndefined();
      expect(store.list()).toStrictEqual([{ id: B, customId: "b", createdAt: 4 }]);
    } finally {
      await store.close();
    }
  });

  it("reports damage in line order, whether the line was unreadable or not an event of this resource", async () => {
    const path = join(temp.path, JOURNAL_FILE);
    await writeFile(
      path,
      lines({ op: "resource", resourceId: RESOURCE }, { op: "create", id: "8:acs:other_x", at: 1 }) +
        "garbage\n" +
        lines({ op: "rename", id: A, at: 2 }, { op: "create", id: A, at: 3 }),
    );
    const store = await IdentityStore.open({ dataDir: temp.path });
    try {
      expect(store.damageReport).toBe(
        [
          `The emulator journal ${path} is damaged; started without what these lines held:`,
          "  line 2: create event of an identity not of this resource (8:acs:other_x)",
          "  line 3: unreadable (7 bytes)",
          "  line 4: event of unknown kind",
          "Every other change was kept. The damaged lines stay in the file.",
        ].join("\n"),
      );
      expect(store.list()).toStrictEqual([{ id: A, createdAt: 3 }]);
    } finally {
      await store.close();
    }
  });
});

describe("deleted identities", () => {
  it("are remembered as they were, with the time of deletion, oldest first, until forgotten", async () => {
    const store = await IdentityStore.open({ resourceId: RESOURCE });
    const a = await store.create("a", 1);
    const b = await store.create(undefined, 2);
    await store.tokenIssued(b.id, 3);
    await store.delete(b.id, 4);
    await store.delete(a.id, 5);
    const deletedB = { id: b.id, createdAt: 2, lastTokenIssuedAt: 3, deletedAt: 4 };
    expect(store.deleted(b.id)).toStrictEqual(deletedB);
    expect(Object.isFrozen(store.deleted(b.id))).toBe(true);
    expect(store.listDeleted()).toStrictEqual([deletedB, { id: a.id, customId: "a", createdAt: 1, deletedAt: 5 }]);
    expect(store.deleted("8:acs:unknown")).toBeUndefined();
    store.forgetDeleted();
    expect(store.listDeleted()).toStrictEqual([]);
    expect(store.deleted(b.id)).toBeUndefined();
  });

  it("a delete of an identity the store does not have remembers nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "acs-store-deleted-"));
    try {
      await writeFile(
        join(dir, JOURNAL_FILE),
        `${JSON.stringify({ op: "resource", resourceId: RESOURCE })}\n${JSON.stringify({ op: "delete", id: A, at: 1 })}\n`,
      );
      const store = await IdentityStore.open({ dataDir: dir });
      expect(store.listDeleted()).toStrictEqual([]);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it(`keeps exactly the last ${MAX_DELETED_KEPT}`, async () => {
    const store = await IdentityStore.open({ resourceId: RESOURCE });
    const ids: string[] = [];
    for (let n = 0; n <= MAX_DELETED_KEPT; n++) {
      const { id } = await store.create(undefined, n);
      await store.delete(id, n);
      ids.push(id);
      if (n === MAX_DELETED_KEPT - 1) expect(store.listDeleted().length).toBe(MAX_DELETED_KEPT);
    }
    expect(store.listDeleted().length).toBe(MAX_DELETED_KEPT);
    expect(store.deleted(ids[0]!)).toBeUndefined();
    expect(store.deleted(ids[1]!)?.id).toBe(ids[1]);
  });
});
