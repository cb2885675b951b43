// The journal's readers called directly: checkEvent's verdict on each kind of line, resourceOf's
// choice of resource, and the exact bytes and positions of the journal's writes.
import { mkdtemp, open, readFile, rm, writeFile, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkEvent, Journal, JOURNAL_FILE, resourceOf, type JournalLine } from "../../src/emulator/journal.js";

const RESOURCE = "11111111-2222-3333-4444-555555555555";
const OTHER = "99999999-8888-7777-6666-555555555555";
const GUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const A = `8:acs:${RESOURCE}_${GUID}`;

describe("checkEvent", () => {
  it.each([
    ["a resource event of this resource", { op: "resource", resourceId: RESOURCE }],
    ["a create", { op: "create", id: A, at: 1 }],
    ["a create with text custom id and request id", { op: "create", id: A, at: 1, customId: "c", requestId: "r" }],
    ["an issue with a numeric custom id (only creates carry one)", { op: "issue", id: A, at: 0, customId: 5 }],
    ["a revoke", { op: "revoke", id: A, at: -1 }],
    ["a delete", { op: "delete", id: A, at: 1.5 }],
  ])("accepts %s, as it is", (_what, value) => {
    expect(checkEvent(value, RESOURCE)).toBe(value);
  });

  it.each([
    ["another resource's resource event", { op: "resource", resourceId: OTHER }, "resource event of another resource"],
    ["an unknown kind", { op: "rename", id: A, at: 1 }, "event of unknown kind"],
    ["no kind", { id: A, at: 1 }, "event of unknown kind"],
    ["no id", { op: "create", at: 1 }, "create event without an identity id"],
    ["an empty id", { op: "issue", id: "", at: 1 }, "issue event without an identity id"],
    ["a numeric id", { op: "revoke", id: 7, at: 1 }, "revoke event without an identity id"],
    [
      "another resource's id",
      { op: "delete", id: `8:acs:${OTHER}_${GUID}`, at: 1 },
      `delete event of an identity not of this resource (8:acs:${OTHER}_${GUID})`,
    ],
    ["an id with text after the GUID", { op: "create", id: `${A}0`, at: 1 }, `create event of an identity not of this resource (${A}0)`],
    [
      "an id with text before the GUID",
      { op: "create", id: `8:acs:${RESOURCE}_x${GUID}`, at: 1 },
      `create event of an identity not of this resource (8:acs:${RESOURCE}_x${GUID})`,
    ],
    ["no time", { op: "create", id: A }, `create event of ${A} without a valid time`],
    ["a text time", { op: "issue", id: A, at: "1" }, `issue event of ${A} without a valid time`],
    ["an infinite time", { op: "issue", id: A, at: Infinity }, `issue event of ${A} without a valid time`],
    ["a NaN time", { op: "issue", id: A, at: NaN }, `issue event of ${A} without a valid time`],
    [
      "a numeric custom id",
      { op: "create", id: A, at: 1, customId: 5 },
      `create event of ${A} with a custom id or request id that is not text`,
    ],
    [
      "a null request id",
      { op: "create", id: A, at: 1, requestId: null },
      `create event of ${A} with a custom id or request id that is not text`,
    ],
  ])("refuses %s", (_what, value, reason) => {
    expect(checkEvent(value, RESOURCE)).toBe(reason);
  });

  it("quotes at most 100 characters of a foreign id", () => {
    const long = `8:acs:${OTHER}_${"f".repeat(200)}`;
    expect(checkEvent({ op: "create", id: long, at: 1 }, RESOURCE)).toBe(
      `create event of an identity not of this resource (${long.slice(0, 100)})`,
    );
  });
});

describe("resourceOf", () => {
  const lines = (...values: Array<Record<string, unknown>>): JournalLine[] => values.map((value, i) => ({ line: i + 1, value }));

  it("is the resource event's", () => {
    expect(resourceOf(lines({ op: "create", id: `8:acs:${OTHER}_${GUID}`, at: 1 }, { op: "resource", resourceId: RESOURCE }))).toBe(
      RESOURCE,
    );
  });

  it("skips resource events whose id is not a GUID, and resource ids on other events", () => {
    expect(
      resourceOf(
        lines(
          { op: "issue", resourceId: OTHER },
          { op: "resource", resourceId: `${OTHER}0` },
          { op: "resource", resourceId: 5 },
          { op: "create", id: A, at: 1 },
        ),
      ),
    ).toBe(RESOURCE);
  });

  it("without a resource event, is the first identity id's that names a GUID", () => {
    expect(
      resourceOf(
        lines(
          { op: "create", id: 5 },
          { op: "create", id: `x8:acs:${OTHER}_${GUID}` },
          { op: "create", id: `8:acs:${"-".repeat(36)}_${GUID}` },
          { op: "create", id: A },
          { op: "create", id: `8:acs:${OTHER}_${GUID}` },
        ),
      ),
    ).toBe(RESOURCE);
  });

  it("takes no resource id or identity id that is not text, even one that reads as a GUID", () => {
    expect(
      resourceOf(lines({ op: "resource", resourceId: [OTHER] }, { op: "create", id: [`8:acs:${OTHER}_${GUID}`] }, { op: "create", id: A })),
    ).toBe(RESOURCE);
  });

  it("is undefined for a journal that names none", () => {
    expect(resourceOf(lines({ op: "issue", id: "a" }, { op: "resource" }))).toBeUndefined();
    expect(resourceOf([])).toBeUndefined();
  });
});

describe("Journal bytes on disk", () => {
  let dir: string;
  let proto: FileHandle;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "acs-journal-events-"));
    const probe = await open(join(dir, "probe"), "w");
    proto = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    await rm(join(dir, "probe"));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

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
    const realWrite = Object.getOwnPropertyDescriptor(proto, "write")!.value as (...args: unknown[]) => Promise<unknown>;
    const calls: number[][] = [];
    vi.spyOn(proto, "write").mockImplementation(function (
      this: FileHandle,
      buffer: Buffer,
      offset: number,
      length: number,
      position: number,
    ) {
      calls.push([offset, length, position]);
      return realWrite.call(this, buffer, offset, Math.min(length, 10), position);
    } as typeof proto.write);
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
