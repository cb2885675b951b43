import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import { ACCESS_KEY_FILE, SIGNING_KEY_FILE } from "../../src/emulator/store/dataDirFiles.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { Journal, JOURNAL_FILE } from "../../src/emulator/store/journal.js";
import { IdentityStore } from "../../src/emulator/store/store.js";
import { createIdentity, identityPath, PREVIEW, signedSend, verifyWithJwks } from "./helpers.js";
import { tempDirEachTest } from "../helpers/tempDir.js";

const KEY = Buffer.alloc(64, 1).toString("base64");
const RESOURCE = "11111111-2222-3333-4444-555555555555";
const A = `8:acs:${RESOURCE}_0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`;
const B = `8:acs:${RESOURCE}_1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e`;

describe("Journal", () => {
  const temp = tempDirEachTest("acs-journal-");

  it("appends one JSON line per event, shares one write among concurrent appends", async () => {
    const { journal, lines, damage } = await Journal.open(temp.path);
    expect([lines, damage]).toStrictEqual([[], []]);
    await Promise.all([journal.append({ op: "issue", id: "a", at: 1 }), journal.append({ op: "revoke", id: "a", at: 2 })]);
    await journal.close();
    expect(await readFile(join(temp.path, JOURNAL_FILE), "utf8")).toBe('{"op":"issue","id":"a","at":1}\n{"op":"revoke","id":"a","at":2}\n');
  });

  it("cuts a torn last line and keeps appending after the last whole one", async () => {
    await writeFile(join(temp.path, JOURNAL_FILE), '{"op":"issue","id":"a","at":1}\n{"op":"revo');
    const { journal, lines, damage } = await Journal.open(temp.path);
    expect([lines, damage]).toStrictEqual([[{ line: 1, value: { op: "issue", id: "a", at: 1 } }], []]);
    await journal.append({ op: "delete", id: "a", at: 3 });
    await journal.close();
    expect(await readFile(join(temp.path, JOURNAL_FILE), "utf8")).toBe('{"op":"issue","id":"a","at":1}\n{"op":"delete","id":"a","at":3}\n');
  });

  it("skips lines damaged before the last one, says which and what they seem to hold, and keeps the rest", async () => {
    const cut = `{"op":"create","id":"${A}","at":5`;
    await writeFile(
      join(temp.path, JOURNAL_FILE),
      `{"op":"issue","id":"a","at":1}\ngarbage\n${cut}\n\n[1]\n{"op":"issue","id":"a","at":2}\n`,
    );
    const { journal, lines, damage } = await Journal.open(temp.path);
    expect(lines).toStrictEqual([
      { line: 1, value: { op: "issue", id: "a", at: 1 } },
      { line: 6, value: { op: "issue", id: "a", at: 2 } },
    ]);
    expect(damage).toStrictEqual([
      { line: 2, reason: "unreadable (7 bytes)" },
      { line: 3, reason: `unreadable (${cut.length} bytes; op "create", id ${A})` },
      { line: 5, reason: "unreadable (3 bytes)" },
    ]);
    await journal.append({ op: "delete", id: "a", at: 3 });
    await journal.close();
    expect(await readFile(join(temp.path, JOURNAL_FILE), "utf8")).toMatch(
      /\n\{"op":"issue","id":"a","at":2\}\n\{"op":"delete","id":"a","at":3\}\n$/,
    );
  });
});

describe("replay of a damaged journal", () => {
  const temp = tempDirEachTest("acs-replay-");

  it("checks every event: one with no id, another resource's, no time or an unknown kind is damage, not an identity", async () => {
    const other = "8:acs:99999999-9999-9999-9999-999999999999_0c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";
    const events = [
      { op: "resource", resourceId: RESOURCE },
      { op: "create", id: A, at: 1, customId: "alice" },
      { op: "create", at: 2 },
      { op: "create", id: other, at: 3 },
      { op: "issue", id: A },
      { op: "rename", id: A, at: 4 },
      { op: "resource", resourceId: "99999999-9999-9999-9999-999999999999" },
      { op: "create", id: B, at: 5, customId: 7 },
      { op: "revoke", id: A, at: 6 },
    ];
    await writeFile(join(temp.path, JOURNAL_FILE), events.map((event) => `${JSON.stringify(event)}\n`).join(""));
    const store = await IdentityStore.open({ dataDir: temp.path });
    try {
      expect(store.resourceId).toBe(RESOURCE);
      expect(store.list()).toStrictEqual([{ id: A, customId: "alice", createdAt: 1, revokedAt: 6 }]);
      expect(store.damageReport).toBe(
        [
          `The emulator journal ${join(temp.path, JOURNAL_FILE)} is damaged; started without what these lines held:`,
          "  line 3: create event without an identity id",
          `  line 4: create event of an identity not of this resource (${other})`,
          `  line 5: issue event of ${A} without a valid time`,
          "  line 6: event of unknown kind",
          "  line 7: resource event of another resource",
          `  line 8: create event of ${B} with a custom id or request id that is not text`,
          "Every other change was kept. The damaged lines stay in the file.",
        ].join("\n"),
      );
    } finally {
      await store.close();
    }
  });

  it("keeps the resource when the line naming it is lost, and reports nothing for a journal without damage", async () => {
    await writeFile(join(temp.path, JOURNAL_FILE), `{"op":"reso\n${JSON.stringify({ op: "create", id: A, at: 1 })}\n`);
    let store = await IdentityStore.open({ dataDir: temp.path });
    expect([store.resourceId, store.list().map((identity) => identity.id)]).toStrictEqual([RESOURCE, [A]]);
    await store.close();
    await writeFile(join(temp.path, JOURNAL_FILE), `${JSON.stringify({ op: "create", id: A, at: 1 })}\n`);
    store = await IdentityStore.open({ dataDir: temp.path });
    expect([store.resourceId, store.damageReport]).toStrictEqual([RESOURCE, undefined]);
    await store.close();
    expect(await readFile(join(temp.path, JOURNAL_FILE), "utf8")).toBe(
      `${JSON.stringify({ op: "create", id: A, at: 1 })}\n${JSON.stringify({ op: "resource", resourceId: RESOURCE })}\n`,
    );
  });
  it("keeps the resource and every identity of a journal of batch lines whose resource line is damaged", async () => {
    let store = await IdentityStore.open({ dataDir: temp.path });
    const resourceId = store.resourceId;
    // createUserAndToken writes each identity as one batch line: a create and an issue.
    const ids = [(await store.create(undefined, 1, undefined, true)).id, (await store.create(undefined, 2, undefined, true)).id];
    await store.close();
    const path = join(temp.path, JOURNAL_FILE);
    const [resourceLine, ...batches] = (await readFile(path, "utf8")).split("\n");
    expect([resourceLine, batches.map((line) => JSON.parse(line || "{}").op)]).toStrictEqual([
      JSON.stringify({ op: "resource", resourceId }),
      ["batch", "batch", undefined],
    ]);
    await writeFile(path, [resourceLine!.replace('"resourceId"', '"resourceI\u0000"'), ...batches].join("\n"));
    store = await IdentityStore.open({ dataDir: temp.path });
    try {
      expect([store.resourceId, store.list().map(({ id, lastTokenIssuedAt }) => [id, lastTokenIssuedAt])]).toStrictEqual([
        resourceId,
        [
          [ids[0], 1],
          [ids[1], 2],
        ],
      ]);
      expect(store.damageReport).toBe(
        [
          `The emulator journal ${path} is damaged; started without what these lines held:`,
          `  line 1: unreadable (${resourceLine!.length} bytes; op "resource")`,
          "Every other change was kept. The damaged lines stay in the file.",
        ].join("\n"),
      );
    } finally {
      await store.close();
    }
    // The resource line appended at this start names the same resource: a second start agrees.
    store = await IdentityStore.open({ dataDir: temp.path });
    expect([store.resourceId, store.list().length]).toStrictEqual([resourceId, 2]);
    await store.close();
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

  it("keeps the signing key: a token issued before a restart verifies after it from the JWKS, with the same kid", async () => {
    emulator = await startEmulator({ dataDir: dir, accessKey: KEY });
    const id = await createIdentity(emulator);
    const issued = await signedSend(emulator, { method: "POST", path: identityPath(id, ":issueAccessToken"), body: { scopes: ["chat"] } });
    const keyId = emulator.tokenKeyId;
    await emulator.close();
    expect((await stat(join(dir, SIGNING_KEY_FILE))).mode & 0o777).toBe(0o600);

    emulator = await startEmulator({ dataDir: dir, accessKey: KEY });
    expect(emulator.tokenKeyId).toBe(keyId);
    expect(await verifyWithJwks(emulator.endpoint, issued.json.token)).toBe(true);
  });

  it("keeps a generated access key, so that the first connection string still works after a restart", async () => {
    emulator = await startEmulator({ dataDir: dir });
    const first = emulator.connectionString;
    await emulator.close();
    expect((await stat(join(dir, ACCESS_KEY_FILE))).mode & 0o777).toBe(0o600);

    emulator = await startEmulator({ dataDir: dir });
    const client = new CommunicationIdentityClient(first.replace(/endpoint=[^;]+/, `endpoint=${emulator.endpoint}/`));
    expect((await client.createUser()).communicationUserId).toMatch(/^8:acs:/);
    expect(emulator.connectionString.split(";")[1]).toBe(first.split(";")[1]);
    await emulator.close();
    // A key given explicitly is used, and the kept one stays for the starts without one.
    emulator = await startEmulator({ dataDir: dir, accessKey: KEY });
    expect(emulator.accessKey).toBe(KEY);
    await emulator.close();
    emulator = await startEmulator({ dataDir: dir });
    expect(emulator.connectionString.split(";")[1]).toBe(first.split(";")[1]);
  });

  it("refuses a damaged kept key with what to do", async () => {
    await writeFile(join(dir, ACCESS_KEY_FILE), "not base64!\n");
    await expect(startEmulator({ dataDir: dir })).rejects.toThrow(
      `The access key kept in ${dir} (access-key) is damaged; delete the file to generate a new key.`,
    );
    await writeFile(join(dir, SIGNING_KEY_FILE), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    await expect(startEmulator({ dataDir: dir, accessKey: KEY })).rejects.toThrow(
      `The token signing key in ${dir} (token-signing-key.pem) is damaged; delete the file to start with a new key (tokens issued before will no longer verify).`,
    );
    // The failed starts released the directory; without the damaged file, a new key is made.
    await rm(join(dir, SIGNING_KEY_FILE));
    emulator = await startEmulator({ dataDir: dir, accessKey: KEY });
  });

  it("writes each acknowledged create to disk before answering", async () => {
    emulator = await startEmulator({ dataDir: dir, accessKey: KEY });
    const id = await createIdentity(emulator);
    // Read while the emulator still runs: the reply came after the fsync.
    expect(await readFile(join(dir, JOURNAL_FILE), "utf8")).toContain(`"op":"create","id":"${id}"`);
  });
});
