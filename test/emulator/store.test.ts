import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JOURNAL_FILE } from "../../src/emulator/store/journal.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { IdentityStore } from "../../src/emulator/store/store.js";
import { PREVIEW, signedSend } from "./helpers.js";
import { tempDirEachTest } from "../helpers/tempDir.js";

const RESOURCE = "11111111-2222-3333-4444-555555555555";

describe("IdentityStore in memory", () => {
  it("creates ids of its resource and lists them oldest first", async () => {
    const store = await IdentityStore.open({ resourceId: RESOURCE });
    const a = await store.create(undefined, 1);
    const b = await store.create("custom", 2);
    expect(a.id).toMatch(
      /^8:acs:11111111-2222-3333-4444-555555555555_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(store.list()).toEqual([
      { id: a.id, createdAt: 1 },
      { id: b.id, customId: "custom", createdAt: 2 },
    ]);
    expect(store.count()).toBe(2);
  });

  it("returns the same identity for the same customId", async () => {
    const store = await IdentityStore.open({});
    const [a, b] = await Promise.all([store.create("same", 1), store.create("same", 2)]);
    expect(b).toEqual(a);
    expect(store.count()).toBe(1);
  });

  it("records issue and revocation times, and forgets deleted identities and their customId", async () => {
    const store = await IdentityStore.open({ resourceId: RESOURCE });
    const a = await store.create("key", 1);
    await store.tokenIssued(a.id, 5);
    await store.revoke(a.id, 7);
    expect(store.get(a.id)).toEqual({ id: a.id, customId: "key", createdAt: 1, lastTokenIssuedAt: 5, revokedAt: 7 });
    await store.delete(a.id, 9);
    expect(store.get(a.id)).toBeUndefined();
    const again = await store.create("key", 10);
    expect(again.id).not.toBe(a.id);
  });

  it("hands out frozen snapshots", async () => {
    const store = await IdentityStore.open({});
    const a = await store.create(undefined, 1);
    expect(Object.isFrozen(a)).toBe(true);
  });
});

describe("customId over HTTP", () => {
  let emulator: Emulator | undefined;
  afterEach(() => emulator?.close());

  it("gives two racing creates with one customId the same identity", async () => {
    emulator = await startEmulator();
    const create = () => signedSend(emulator!, { method: "POST", path: `/identities?api-version=${PREVIEW}`, body: { customId: "racer" } });
    const responses = await Promise.all([create(), create(), create(), create()]);
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(responses.map((response) => response.json.identity.id)).size).toBe(1);
    expect(emulator.identities()).toHaveLength(1);
  });
});

describe("a create racing a delete", () => {
  it("answers with the identity as the create saw it, never an identity without an id", async () => {
    const { IdentityStore } = await import("../../src/emulator/store/store.js");
    const store = await IdentityStore.open({});
    const first = await store.create("alice", 1);
    const second = store.create("alice", 2);
    await store.delete(first.id, 3);
    expect((await second).id).toBe(first.id);
    const fresh = await store.create(undefined, 4, "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    expect(await store.create(undefined, 5, "3f2504e0-4f89-41d3-9a0c-0305e82c3301")).toEqual(fresh);
    expect((await store.create(undefined, 4 + 11 * 60_000, "3f2504e0-4f89-41d3-9a0c-0305e82c3301")).id).not.toBe(fresh.id);
  });
});

describe("request ids of repeatable creates", () => {
  it("are remembered up to the repeatability cache's size, oldest forgotten first", async () => {
    const { IdentityStore } = await import("../../src/emulator/store/store.js");
    const { DEFAULT_REPEATABILITY_LIMITS } = await import("../../src/emulator/routes/repeatability.js");
    const store = await IdentityStore.open({});
    const requestId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
    const first = await store.create(undefined, 1, requestId(0));
    expect((await store.create(undefined, 2, requestId(0))).id).toBe(first.id);
    for (let n = 1; n <= DEFAULT_REPEATABILITY_LIMITS.maxEntries; n++) await store.create(undefined, 3, requestId(n));
    expect((await store.create(undefined, 4, requestId(0))).id).not.toBe(first.id);
    expect((await store.create(undefined, 5, requestId(DEFAULT_REPEATABILITY_LIMITS.maxEntries))).id).toBe(store.list().at(-2)!.id);
  });
});

describe("a store with a journal", () => {
  const temp = tempDirEachTest("acs-store-");

  it("shows a change only once the journal holds it", async () => {
    const store = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    try {
      const creating = store.create("kept", 1);
      const racing = store.create("kept", 2);
      expect(store.list()).toStrictEqual([]);
      const created = await creating;
      expect(await racing).toStrictEqual(created);
      expect(await readFile(join(temp.path, JOURNAL_FILE), "utf8")).toContain(`"id":"${created.id}"`);
      expect(store.list()).toStrictEqual([{ id: created.id, customId: "kept", createdAt: 1 }]);

      const revoking = store.revoke(created.id, 3);
      const issuing = store.tokenIssued(created.id, 3);
      expect(store.get(created.id)).toStrictEqual(created);
      await Promise.all([revoking, issuing]);
      expect(store.get(created.id)).toStrictEqual({ ...created, revokedAt: 3, lastTokenIssuedAt: 3 });

      const deleting = store.delete(created.id, 4);
      expect(store.get(created.id)).toStrictEqual({ ...created, revokedAt: 3, lastTokenIssuedAt: 3 });
      await deleting;
      expect(store.get(created.id)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it("writes a create that issues a token and its issue time in one write, on one line", async () => {
    const store = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    const created = await store.create(undefined, 5, undefined, true);
    expect(store.get(created.id)).toStrictEqual({ id: created.id, createdAt: 5, lastTokenIssuedAt: 5 });
    await store.close();
    const lines = (await readFile(join(temp.path, JOURNAL_FILE), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toStrictEqual([
      { op: "resource", resourceId: RESOURCE },
      {
        op: "batch",
        events: [
          { op: "create", id: created.id, at: 5 },
          { op: "issue", id: created.id, at: 5 },
        ],
      },
    ]);
    // The reply shows the identity before this request's token; the store holds the token's time.
    expect(created).toStrictEqual({ id: created.id, createdAt: 5 });
  });
});
