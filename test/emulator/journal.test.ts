import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { Journal, JOURNAL_FILE } from "../../src/emulator/journal.js";
import { createIdentity, identityPath, PREVIEW, signedSend } from "./helpers.js";

const KEY = Buffer.alloc(64, 1).toString("base64");

describe("Journal", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "acs-journal-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("appends one JSON line per event, shares one write among concurrent appends", async () => {
    const { journal, events } = await Journal.open(dir);
    expect(events).toEqual([]);
    await Promise.all([journal.append({ op: "issue", id: "a", at: 1 }), journal.append({ op: "revoke", id: "a", at: 2 })]);
    await journal.close();
    expect(await readFile(join(dir, JOURNAL_FILE), "utf8")).toBe('{"op":"issue","id":"a","at":1}\n{"op":"revoke","id":"a","at":2}\n');
  });

  it("cuts a torn last line and keeps appending after the last whole one", async () => {
    await writeFile(join(dir, JOURNAL_FILE), '{"op":"issue","id":"a","at":1}\n{"op":"revo');
    const { journal, events } = await Journal.open(dir);
    expect(events).toEqual([{ op: "issue", id: "a", at: 1 }]);
    await journal.append({ op: "delete", id: "a", at: 3 });
    await journal.close();
    expect(await readFile(join(dir, JOURNAL_FILE), "utf8")).toBe('{"op":"issue","id":"a","at":1}\n{"op":"delete","id":"a","at":3}\n');
  });

  it("refuses a journal damaged before its last line", async () => {
    await writeFile(join(dir, JOURNAL_FILE), '{"op":"issue","id":"a","at":1}\ngarbage\n{"op":"issue","id":"a","at":2}\n');
    await expect(Journal.open(dir)).rejects.toThrow(/damaged at line 2/);
  });
});

describe("persistence across restarts", () => {
  let dir: string;
  let emulator: Emulator | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "acs-data-"));
  });
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps identities, custom ids, token times, revocations and deletions", async () => {
    emulator = await startEmulator({ dataDir: dir, accessKey: KEY });
    const kept = await createIdentity(emulator, { customId: "kept", createTokenWithScopes: ["chat"] }, PREVIEW);
    const revoked = await createIdentity(emulator);
    const deleted = await createIdentity(emulator);
    await signedSend(emulator, { method: "POST", path: identityPath(revoked, ":revokeAccessTokens") });
    await signedSend(emulator, { method: "DELETE", path: identityPath(deleted) });
    const before = emulator.identities();
    const resourceId = emulator.resourceId;
    await emulator.close();

    emulator = await startEmulator({ dataDir: dir, accessKey: KEY });
    expect(emulator.resourceId).toBe(resourceId);
    expect(emulator.identities()).toEqual(before);
    expect(emulator.identity(revoked)?.revokedAt).toBeTypeOf("number");
    expect(emulator.identity(deleted)).toBeUndefined();
    expect(await createIdentity(emulator, { customId: "kept" }, PREVIEW)).toBe(kept);
    const issue = await signedSend(emulator, { method: "POST", path: identityPath(kept, ":issueAccessToken"), body: { scopes: ["voip"] } });
    expect(issue.status).toBe(200);
  });

  it("loads a journal whose last line was torn by a crash", async () => {
    emulator = await startEmulator({ dataDir: dir, accessKey: KEY });
    const id = await createIdentity(emulator);
    await emulator.close();
    await appendFile(join(dir, JOURNAL_FILE), '{"op":"create","id":"8:acs:torn');
    emulator = await startEmulator({ dataDir: dir, accessKey: KEY });
    expect(emulator.identities().map((identity) => identity.id)).toEqual([id]);
  });

  it("refuses a data directory of another resource", async () => {
    emulator = await startEmulator({ dataDir: dir, resourceId: "11111111-1111-1111-1111-111111111111" });
    await emulator.close();
    emulator = undefined;
    await expect(startEmulator({ dataDir: dir, resourceId: "22222222-2222-2222-2222-222222222222" })).rejects.toThrow(
      "The data directory belongs to resource 11111111-1111-1111-1111-111111111111, not 22222222-2222-2222-2222-222222222222; use another directory.",
    );
  });

  it("writes each acknowledged create to disk before answering", async () => {
    emulator = await startEmulator({ dataDir: dir, accessKey: KEY });
    const id = await createIdentity(emulator);
    // Read while the emulator still runs: the reply came after the fsync.
    expect(await readFile(join(dir, JOURNAL_FILE), "utf8")).toContain(`"op":"create","id":"${id}"`);
  });
});
