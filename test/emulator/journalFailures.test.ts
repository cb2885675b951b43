// The journal and the store when the disk misbehaves: short writes, writes that fail half-way or
// make no progress, a failed fsync, a failed cut-back. The file system's calls are made to fail
// (vi.spyOn on the FileHandle prototype); the journal and store themselves are the real ones.
import { mkdtemp, open, readFile, rm, writeFile, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ServiceError } from "../../src/emulator/routes/errors.js";
import { Journal, JOURNAL_FILE, type JournalEvent } from "../../src/emulator/store/journal.js";
import { IdentityStore, WRITE_FAILED_RETRY_AFTER_SECONDS } from "../../src/emulator/store/store.js";

const RESOURCE = "11111111-2222-3333-4444-555555555555";
const line = (event: JournalEvent) => `${JSON.stringify(event)}\n`;
const ISSUE: JournalEvent = { op: "issue", id: "a", at: 1 };
const LONG: JournalEvent = { op: "create", id: "x".repeat(200), at: 2 };
const SHORT: JournalEvent = { op: "delete", id: "a", at: 3 };

let dir: string;
let proto: FileHandle;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "acs-journal-failures-"));
  const probe = await open(join(dir, "probe"), "w");
  proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  await rm(join(dir, "probe"));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const fsError = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
const journalText = () => readFile(join(dir, JOURNAL_FILE), "utf8");

/**
 * Makes FileHandle.write write at most the bytes `limit` allows for each call (by its index and
 * its arguments), or fail with the error it returns; records every call's offset, length and position.
 */
function scriptWrites(limit: (call: number, length: number) => number | Error): number[][] {
  const realWrite = Object.getOwnPropertyDescriptor(proto, "write")!.value as (...args: unknown[]) => Promise<unknown>;
  const calls: number[][] = [];
  vi.spyOn(proto, "write").mockImplementation(function (
    this: FileHandle,
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
  ) {
    const allowed = limit(calls.length, length);
    calls.push([offset, length, position]);
    if (allowed instanceof Error) return Promise.reject(allowed);
    return realWrite.call(this, buffer, offset, Math.min(length, allowed), position);
  } as typeof proto.write);
  return calls;
}

describe("Journal writes", () => {
  it("a write that fails half-way is cut off: the journal ends at its last good line, and the next append follows it", async () => {
    const { journal } = await Journal.open(dir);
    await journal.append(ISSUE);
    scriptWrites((call, length) => (call === 0 ? Math.floor(length / 2) : fsError("ENOSPC")));
    await expect(journal.append(LONG)).rejects.toMatchObject({ code: "ENOSPC" });
    expect(await journalText()).toBe(line(ISSUE));
    vi.restoreAllMocks();
    await journal.append(SHORT);
    await journal.close();
    expect(await journalText()).toBe(line(ISSUE) + line(SHORT));
  });

  it("a write that makes no progress fails with EIO", async () => {
    const { journal } = await Journal.open(dir);
    vi.spyOn(proto, "write").mockResolvedValue({ bytesWritten: 0, buffer: Buffer.alloc(0) } as never);
    const error = await journal.append(ISSUE).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("The journal write made no progress.");
    expect((error as NodeJS.ErrnoException).code).toBe("EIO");
    vi.restoreAllMocks();
    await journal.close();
    expect(await journalText()).toBe("");
  });

  it.each([
    // The failed batch's bytes are cut off at once, and the next write starts clean.
    ["a failed fsync fails the append and cuts its bytes off", false, line(ISSUE), 1],
    // The failed batch's bytes are still there, past the last good line, until the next write.
    ["when even the cut-back fails, the next write cuts back first", true, line(ISSUE) + line(LONG), 2],
  ])("%s", async (_name, cutBackFails, afterFailure, truncates) => {
    const { journal } = await Journal.open(dir);
    await journal.append(ISSUE);
    vi.spyOn(proto, "datasync").mockRejectedValueOnce(fsError("EIO"));
    const truncate = vi.spyOn(proto, "truncate");
    if (cutBackFails) truncate.mockRejectedValueOnce(fsError("EIO"));
    await expect(journal.append(LONG)).rejects.toMatchObject({ code: "EIO" });
    expect(await journalText()).toBe(afterFailure);
    await journal.append(SHORT);
    expect(truncate).toHaveBeenCalledTimes(truncates);
    await journal.close();
    expect(await journalText()).toBe(line(ISSUE) + line(SHORT));
  });

  it("a failed batch does not fail the next one, and appends made together share its fate", async () => {
    const { journal } = await Journal.open(dir);
    vi.spyOn(proto, "datasync").mockRejectedValueOnce(fsError("ENOSPC"));
    const first = journal.append(ISSUE);
    const together = journal.append(SHORT);
    await expect(first).rejects.toMatchObject({ code: "ENOSPC" });
    await expect(together).rejects.toMatchObject({ code: "ENOSPC" });
    await journal.append(LONG);
    await journal.close();
    expect(await journalText()).toBe(line(LONG));
  });

  it("an append made while a write is in flight goes into the next write", async () => {
    const { journal } = await Journal.open(dir);
    const write = vi.spyOn(proto, "write");
    const first = journal.append(ISSUE);
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    const second = journal.append(SHORT);
    await Promise.all([first, second]);
    await journal.close();
    expect(write).toHaveBeenCalledTimes(2);
    expect(await journalText()).toBe(line(ISSUE) + line(SHORT));
  });
});

describe("Journal.open", () => {
  it("leaves a journal without a torn line as it is, and reports a blank line as nothing", async () => {
    await writeFile(join(dir, JOURNAL_FILE), `${line(ISSUE)}\n   \n${line(SHORT)}`);
    const { journal, lines, damage } = await Journal.open(dir);
    await journal.close();
    expect(lines).toStrictEqual([
      { line: 1, value: ISSUE },
      { line: 4, value: SHORT },
    ]);
    expect(damage).toStrictEqual([]);
    expect(await journalText()).toBe(`${line(ISSUE)}\n   \n${line(SHORT)}`);
  });

  it("describes what a damaged line seems to hold: its kind alone, or nothing for JSON that is not an object", async () => {
    await writeFile(join(dir, JOURNAL_FILE), '{"op":"revoke","id":"x",\n"text"\nnull\n{"op":"other"\n');
    const { journal, damage } = await Journal.open(dir);
    await journal.close();
    expect(damage).toStrictEqual([
      { line: 1, reason: 'unreadable (24 bytes; op "revoke")' },
      { line: 2, reason: "unreadable (6 bytes)" },
      { line: 3, reason: "unreadable (4 bytes)" },
      { line: 4, reason: "unreadable (13 bytes)" },
    ]);
  });

  it("fails with the file system's error when the journal cannot be read, and releases the directory", async () => {
    await writeFile(join(dir, JOURNAL_FILE), line(ISSUE));
    vi.spyOn(proto, "truncate").mockRejectedValueOnce(fsError("EACCES"));
    await expect(Journal.open(dir)).rejects.toMatchObject({ code: "EACCES" });
    const { journal } = await Journal.open(dir);
    await journal.close();
  });
});

describe("IdentityStore when the journal cannot be written", () => {
  it.each([
    ["ENOSPC", fsError("ENOSPC"), "ENOSPC"],
    ["an error without a code", new Error("odd"), "an I/O error"],
    ["a rejection without an error", undefined, "an I/O error"],
  ])("answers %s with 503 and Retry-After, and changes nothing", async (_what, failure, named) => {
    const store = await IdentityStore.open({ dataDir: dir, resourceId: RESOURCE });
    try {
      const kept = await store.create("alice", 1000);
      vi.spyOn(proto, "datasync").mockRejectedValue(failure);
      const refusals = await Promise.all([
        store.create("bob", 2000).catch((error: unknown) => error),
        store.tokenIssued(kept.id, 2000).catch((error: unknown) => error),
        store.revoke(kept.id, 2000).catch((error: unknown) => error),
        store.delete(kept.id, 2000).catch((error: unknown) => error),
      ]);
      for (const error of refusals) {
        expect(error).toBeInstanceOf(ServiceError);
        const { status, code, message, headers } = error as ServiceError;
        expect({ status, code, message, headers }).toStrictEqual({
          status: 503,
          code: "ServiceUnavailable",
          message: `The emulator could not write to its data directory (${named}); nothing was changed. Retry later.`,
          headers: { "retry-after": String(WRITE_FAILED_RETRY_AFTER_SECONDS) },
        });
      }
      expect(WRITE_FAILED_RETRY_AFTER_SECONDS).toBe(1);
      expect(store.list()).toStrictEqual([kept]);
      vi.restoreAllMocks();
      const bob = await store.create("bob", 3000);
      expect(store.list()).toStrictEqual([kept, bob]);
    } finally {
      vi.restoreAllMocks();
      await store.close();
    }
  });

  it("a create that waited for a failed one with the same custom id tries on its own", async () => {
    const store = await IdentityStore.open({ dataDir: dir, resourceId: RESOURCE });
    try {
      vi.spyOn(proto, "datasync").mockRejectedValueOnce(fsError("ENOSPC"));
      const [first, second] = await Promise.all([
        store.create("carol", 1000).catch((error: unknown) => error),
        store.create("carol", 1000, undefined, true),
      ]);
      expect(first).toBeInstanceOf(ServiceError);
      expect(second).toStrictEqual({ id: expect.stringMatching(`^8:acs:${RESOURCE}_`), customId: "carol", createdAt: 1000 });
      expect(store.list()).toStrictEqual([{ ...(second as object), lastTokenIssuedAt: 1000 }]);
    } finally {
      await store.close();
    }
  });
});

describe("IdentityStore.open", () => {
  it("refuses another resource's data directory, with both ids, and releases the directory", async () => {
    const first = await IdentityStore.open({ dataDir: dir, resourceId: RESOURCE });
    await first.close();
    const other = "99999999-2222-3333-4444-555555555555";
    await expect(IdentityStore.open({ dataDir: dir, resourceId: other })).rejects.toStrictEqual(
      new Error(`The data directory belongs to resource ${RESOURCE}, not ${other}; use another directory.`),
    );
    const again = await IdentityStore.open({ dataDir: dir });
    expect(again.resourceId).toBe(RESOURCE);
    await again.close();
  });

  it("writes the resource line once: into a new journal, not again on reopening", async () => {
    const store = await IdentityStore.open({ dataDir: dir, resourceId: RESOURCE });
    await store.close();
    const reopened = await IdentityStore.open({ dataDir: dir, resourceId: RESOURCE });
    await reopened.close();
    expect(await journalText()).toBe(line({ op: "resource", resourceId: RESOURCE }));
  });

  it("an in-memory store takes the given resource id, or makes one up", async () => {
    expect((await IdentityStore.open({ resourceId: RESOURCE })).resourceId).toBe(RESOURCE);
    expect((await IdentityStore.open({})).resourceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("Journal bytes on disk", () => {
  it("opening cuts a torn last line off at once, before any append", async () => {
    await writeFile(join(dir, JOURNAL_FILE), '{"op":"issue","id":"a","at":1}\n{"op":"revoke","id":"a","at":2,"more":"a long torn tail"');
    const { journal } = await Journal.open(dir);
    await journal.close();
    expect(await readFile(join(dir, JOURNAL_FILE), "utf8")).toBe('{"op":"issue","id":"a","at":1}\n');
  });

  it("a short write is continued from where it stopped: buffer offset, length and file position", async () => {
    const { journal } = await Journal.open(dir);
    await journal.append({ op: "issue", id: "a", at: 1 });
    const base = '{"op":"issue","id":"a","at":1}\n'.length;
    const calls = scriptWrites(() => 10);
    await journal.append({ op: "delete", id: "a", at: 3 });
    vi.restoreAllMocks();
    await journal.close();
    const text = '{"op":"delete","id":"a","at":3}\n';
    expect(calls).toStrictEqual([
      [0, text.length, base],
      [10, text.length - 10, base + 10],
      [20, text.length - 20, base + 20],
      [30, text.length - 30, base + 30],
    ]);
    expect(await readFile(join(dir, JOURNAL_FILE), "utf8")).toBe('{"op":"issue","id":"a","at":1}\n' + text);
  });

  it("after a good write, the next one does not cut back", async () => {
    const { journal } = await Journal.open(dir);
    const truncate = vi.spyOn(proto, "truncate");
    await journal.append({ op: "issue", id: "a", at: 1 });
    await journal.append({ op: "issue", id: "a", at: 2 });
    await journal.close();
    expect(truncate).not.toHaveBeenCalled();
  });
});
