/**
 * Durability of the emulator's data directory against a crash: the built command runs as a child
 * process, clients create users in a loop, the process is killed with SIGKILL at several moments,
 * and after each restart on the same directory every create that was acknowledged is still there.
 * Revocations, deletions and custom ids survive too, and a journal whose last line was torn loads.
 *
 * Needs the built package: `npm test` builds first; alone, run `npm run build` before this file.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { isRestError } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { JOURNAL_FILE } from "../../src/emulator/store/journal.js";
import { IdentityStore } from "../../src/emulator/store/store.js";
import { identityPath, PREVIEW, signedSend, verifyWithJwks } from "./helpers.js";

const CLI = fileURLToPath(new URL("../../dist/esm/cli/main.js", import.meta.url));
const ACCESS_KEY = randomBytes(64).toString("base64");
/** Concurrent create loops while the process is killed. */
const LOOPS = 4;

/** A running emulator process. */
interface Child {
  process: ChildProcess;
  connectionString: string;
  exited: Promise<NodeJS.Signals | number | null>;
  /** What it wrote to stderr so far. */
  stderr: () => string;
}

/**
 * Starts the built command on `dataDir` with a random port (and {@link ACCESS_KEY} unless
 * `accessKey` is false), and resolves once it printed its connection string.
 */
async function startChild(dataDir: string, accessKey = true): Promise<Child> {
  const keyArgs = accessKey ? ["--access-key", ACCESS_KEY] : [];
  const child = spawn(process.execPath, [CLI, "emulator", "--port", "0", "--data-dir", dataDir, ...keyArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const connectionString = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start within 10 s: ${stderr}`)), 10_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    void exited.then((code) => reject(new Error(`the emulator exited (${String(code)}) before starting: ${stderr}`)));
  });
  lines.close();
  return { process: child, connectionString, exited, stderr: () => stderr };
}

async function kill(child: Child): Promise<void> {
  child.process.kill("SIGKILL");
  expect(await child.exited).toBe("SIGKILL");
}

/** A client that does not retry, so that every call's outcome is what the service answered to it. */
function clientOf(child: Child, apiVersion?: string): CommunicationIdentityClient {
  return new CommunicationIdentityClient(child.connectionString, {
    retryOptions: { maxRetries: 0 },
    ...(apiVersion ? { apiVersion } : {}),
  });
}

/**
 * Creates users in {@link LOOPS} concurrent loops until the process dies; SIGKILLs it once
 * `killAfter` creates have succeeded. Returns the ids of the creates that succeeded.
 */
async function createUntilKilled(child: Child, killAfter: number): Promise<{ created: string[]; failed: number }> {
  const client = clientOf(child);
  const created: string[] = [];
  let failed = 0;
  let dead = false;
  const loop = async () => {
    while (!dead) {
      try {
        created.push((await client.createUser()).communicationUserId);
        if (created.length === killAfter) {
          dead = true;
          await kill(child);
        }
      } catch {
        // A create in flight when the process died: its outcome is unknown, and it may or may not exist.
        failed += 1;
        dead = true;
      }
    }
  };
  await Promise.all(Array.from({ length: LOOPS }, loop));
  return { created, failed };
}

/** The ids among `ids` that the emulator no longer knows (a token cannot be issued for them). */
async function missing(client: CommunicationIdentityClient, ids: string[]): Promise<string[]> {
  const lost: string[] = [];
  for (const id of ids) {
    try {
      await client.issueToken(id, ["chat"]);
    } catch (error) {
      if (!isRestError(error) || error.statusCode !== 401) throw error;
      lost.push(id);
    }
  }
  return lost;
}

let dataDir: string;
let running: Child | undefined;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error("dist/esm/cli/main.js is missing: run `npm run build` first.");
  dataDir = await mkdtemp(join(tmpdir(), "acs-identity-durability-"));
});
afterAll(async () => {
  if (running && running.process.exitCode === null && running.process.signalCode === null) await kill(running);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the emulator process killed with SIGKILL", () => {
  it("loses no acknowledged create, at several moments of a create loop", { timeout: 60_000 }, async () => {
    const acknowledged: string[] = [];
    for (const killAfter of [1, 25, 150]) {
      running = await startChild(dataDir);
      // Everything acknowledged before earlier kills is still there after this restart.
      expect(await missing(clientOf(running), acknowledged)).toEqual([]);
      const { created } = await createUntilKilled(running, killAfter);
      expect(created.length).toBeGreaterThanOrEqual(killAfter);
      acknowledged.push(...created);
    }
    running = await startChild(dataDir);
    expect(await missing(clientOf(running), acknowledged)).toEqual([]);
    await kill(running);
    running = undefined;

    // In process, on the same directory: the store loads and holds exactly the acknowledged ids,
    // plus at most one per create whose outcome the kill made unknown.
    const emulator = await startEmulator({ dataDir, accessKey: ACCESS_KEY });
    try {
      const stored = new Set(emulator.identities().map((identity) => identity.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      expect(stored.size - acknowledged.length).toBeLessThanOrEqual(3 * LOOPS);
    } finally {
      await emulator.close();
    }
  });

  it("keeps revocations, deletions and custom ids, and loads a journal with a torn last line", { timeout: 30_000 }, async () => {
    running = await startChild(dataDir);
    const client = clientOf(running, "2025-03-02-preview");
    const revoked = (await client.createUser()).communicationUserId;
    const deleted = (await client.createUser()).communicationUserId;
    const custom = (await client.createUser({ customId: "durable@contoso" })).communicationUserId;
    await client.revokeTokens(revoked);
    await client.deleteUser(deleted);
    await kill(running);
    running = undefined;
    // A crash in the middle of an append leaves half a line.
    const journal = join(dataDir, JOURNAL_FILE);
    await appendFile(journal, '{"op":"create","id":"8:acs:torn');

    running = await startChild(dataDir);
    const restarted = clientOf(running, "2025-03-02-preview");
    expect(await missing(restarted, [revoked, deleted, custom])).toEqual([deleted]);
    expect((await restarted.createUser({ customId: "durable@contoso" })).communicationUserId).toBe(custom);
    expect((await restarted.getUser(custom)).customId).toBe("durable@contoso");
    await kill(running);
    running = undefined;
    expect((await readFile(journal, "utf8")).endsWith("\n")).toBe(true);

    const emulator = await startEmulator({ dataDir, accessKey: ACCESS_KEY });
    try {
      expect(emulator.identity(revoked)?.revokedAt).toEqual(expect.any(Number));
      expect(emulator.identity(deleted)).toBeUndefined();
      expect(emulator.identity(custom)?.customId).toBe("durable@contoso");
    } finally {
      await emulator.close();
    }
  });
});

describe("acknowledged changes of every kind, then a fault, then a restart", () => {
  it(
    "keeps every acknowledged create, issue, revoke and delete across SIGKILL and a damaged middle line",
    { timeout: 60_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "acs-identity-changes-"));
      try {
        running = await startChild(dir);
        const client = clientOf(running, PREVIEW);
        const users = [];
        for (let n = 0; n < 8; n++) users.push((await client.createUser({ customId: `user-${n}` })).communicationUserId);
        const [issued, revoked, deleted, damaged] = users;
        const token = (await client.issueToken(issued!, ["chat"])).token;
        await client.revokeTokens(revoked!);
        await client.deleteUser(deleted!);
        // Creates in flight when the process is killed: those answered must be kept, the others are unknown.
        const burst = Promise.allSettled(Array.from({ length: 16 }, () => client.createUser()));
        await new Promise((resolve) => setTimeout(resolve, 5));
        await kill(running);
        const answered = (await burst).flatMap((result) => (result.status === "fulfilled" ? [result.value.communicationUserId] : []));

        // The create of one identity is damaged in the middle of the journal (cut after its id).
        const journal = join(dir, JOURNAL_FILE);
        const lines = (await readFile(journal, "utf8")).split("\n");
        const index = lines.findIndex((line) => line.includes(`"op":"create","id":"${damaged}"`));
        const cut = lines[index]!.slice(0, lines[index]!.indexOf(damaged!) + damaged!.length + 1);
        lines[index] = cut;
        await writeFile(journal, lines.join("\n"));

        running = await startChild(dir);
        const report = [
          `The emulator journal ${journal} is damaged; started without what these lines held:`,
          `  line ${index + 1}: unreadable (${cut.length} bytes; op "create", id ${damaged})`,
          "Every other change was kept. The damaged lines stay in the file.",
        ].join("\n");
        await vi.waitFor(() => expect(running!.stderr()).toContain(report));
        const restarted = clientOf(running, PREVIEW);
        expect(await missing(restarted, [...users, ...answered])).toStrictEqual([deleted, damaged]);
        expect(
          await verifyWithJwks(running.connectionString.slice("endpoint=".length, running.connectionString.indexOf("/;")), token),
        ).toBe(true);
        expect((await restarted.getUser(issued!)).lastTokenIssuedAt).toEqual(expect.any(Date));
        await kill(running);
        running = undefined;

        const emulator = await startEmulator({ dataDir: dir, accessKey: ACCESS_KEY });
        try {
          expect(emulator.identity(revoked!)?.revokedAt).toEqual(expect.any(Number));
          expect(emulator.identity(users[0]!)?.customId).toBe("user-0");
          expect(emulator.identity(damaged!)).toBeUndefined();
        } finally {
          await emulator.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it("prints, after a restart without --access-key, a connection string with the same key", { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "acs-identity-key-"));
    try {
      running = await startChild(dir, false);
      const first = running.connectionString;
      const user = (await clientOf(running).createUser()).communicationUserId;
      await kill(running);
      running = await startChild(dir, false);
      expect(running.connectionString.split(";")[1]).toBe(first.split(";")[1]);
      const endpoint = running.connectionString.split(";")[0]!;
      const firstKeyClient = new CommunicationIdentityClient(`${endpoint};${first.split(";")[1]!}`, { retryOptions: { maxRetries: 0 } });
      expect(await missing(firstKeyClient, [user])).toStrictEqual([]);
      await kill(running);
      running = undefined;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("a full disk", () => {
  let disk: string;
  /** Why the tmpfs could not be mounted; `undefined` once it is. */
  let refused: string | undefined;
  /** The emulator the test has open, closed (again: harmless) before unmounting. */
  let open: Emulator | undefined;
  beforeAll(async () => {
    disk = await mkdtemp(join(tmpdir(), "acs-identity-full-disk-"));
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk], { stdio: "pipe" });
    } catch (error) {
      refused = `mounting a 64 KiB tmpfs was refused (${String((error as { stderr?: Buffer }).stderr ?? error).trim()}); run as root to test a full disk`;
    }
  });
  afterAll(async () => {
    // The tmpfs cannot be unmounted while the journal is open.
    await open?.close();
    if (refused === undefined) execFileSync("umount", [disk], { stdio: "pipe" });
    await rm(disk, { recursive: true, force: true });
  });

  it(
    "acknowledges only what it kept, changes nothing on a failed write, and recovers once space is freed",
    { timeout: 60_000 },
    async (context) => {
      if (refused !== undefined) {
        console.warn(`Skipped: ${refused}.`);
        context.skip(refused);
      }
      const filler = join(disk, "filler");
      await writeFile(filler, Buffer.alloc(8192, 1));
      let emulator = (open = await startEmulator({ dataDir: disk, accessKey: ACCESS_KEY }));
      const create = (customId: string, requestId?: string) =>
        signedSend(emulator, {
          method: "POST",
          path: `/identities?api-version=${PREVIEW}`,
          body: { customId },
          headers:
            requestId === undefined ? {} : { "repeatability-request-id": requestId, "repeatability-first-sent": new Date().toUTCString() },
        });
      // Four concurrent loops, so that group commits of several creates fail together too.
      const acknowledged = new Map<string, string>();
      const failed: { status: number; headers: Record<string, unknown>; json: unknown; customId: string }[] = [];
      let n = 0;
      await Promise.all(
        Array.from({ length: LOOPS }, async () => {
          while (failed.length === 0) {
            const customId = `user-${n++}`;
            const response = await create(customId);
            if (response.status === 201) acknowledged.set(customId, response.json.identity.id as string);
            else failed.push({ status: response.status, headers: response.headers, json: response.json, customId });
          }
        }),
      );
      expect(acknowledged.size).toBeGreaterThan(100);
      const fullDisk = {
        error: {
          code: "ServiceUnavailable",
          message: "The emulator could not write to its data directory (ENOSPC); nothing was changed. Retry later.",
        },
      };
      expect(failed[0]!.status).toBe(503);
      expect(failed[0]!.headers["retry-after"]).toBe("1");
      expect(failed[0]!.json).toStrictEqual(fullDisk);
      // Nothing that was not acknowledged is in memory.
      const kept = () => new Map(emulator.identities().map((identity) => [identity.customId!, identity.id]));
      expect(kept()).toStrictEqual(acknowledged);

      // Repeats find no identity that was not kept: the same custom id, the same request id.
      const lost = failed[0]!.customId;
      expect((await create(lost)).status).toBe(503);
      const requestId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
      expect((await create("repeatable", requestId)).status).toBe(503);
      expect((await create("repeatable", requestId)).status).toBe(503);
      // A revoke, an issue and a delete that fail are not applied.
      const victim = acknowledged.get("user-0")!;
      for (const [method, action, body] of [
        ["POST", ":revokeAccessTokens", undefined],
        ["POST", ":issueAccessToken", { scopes: ["chat"] }],
        ["DELETE", "", undefined],
      ] as const) {
        const response = await signedSend(emulator, { method, path: identityPath(victim, action), ...(body ? { body } : {}) });
        expect([response.status, response.json]).toStrictEqual([503, fullDisk]);
      }
      expect(emulator.identity(victim)).toStrictEqual({ id: victim, customId: "user-0", createdAt: expect.any(Number) });
      expect(kept()).toStrictEqual(acknowledged);
      // The journal ends with its last whole line: no torn write for the next one to land on.
      const journal = await readFile(join(disk, JOURNAL_FILE), "utf8");
      expect(journal.endsWith("\n")).toBe(true);
      expect(
        journal
          .split("\n")
          .slice(0, -1)
          .filter((line) => !isJson(line)),
      ).toStrictEqual([]);

      // Space freed: the same requests now succeed.
      await rm(filler);
      const retried = await create(lost);
      expect(retried.status).toBe(201);
      acknowledged.set(lost, retried.json.identity.id as string);
      const repeatable = await create("repeatable", requestId);
      expect(repeatable.status).toBe(201);
      acknowledged.set("repeatable", repeatable.json.identity.id as string);
      expect((await create("repeatable", requestId)).json.identity.id).toBe(repeatable.json.identity.id);
      expect((await signedSend(emulator, { method: "POST", path: identityPath(victim, ":revokeAccessTokens") })).status).toBe(204);
      const before = emulator.identities();
      expect(before.find((identity) => identity.id === victim)?.revokedAt).toEqual(expect.any(Number));
      await emulator.close();

      // A restart finds exactly what was acknowledged, and no damage.
      const store = await IdentityStore.open({ dataDir: disk });
      try {
        expect(store.damageReport).toBeUndefined();
        expect(store.list()).toStrictEqual(before);
        expect(new Map(store.list().map((identity) => [identity.customId!, identity.id]))).toStrictEqual(acknowledged);
      } finally {
        await store.close();
      }
      emulator = open = await startEmulator({ dataDir: disk, accessKey: ACCESS_KEY });
      expect((await create("user-1")).json.identity.id).toBe(acknowledged.get("user-1"));
      await emulator.close();
    },
  );
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
