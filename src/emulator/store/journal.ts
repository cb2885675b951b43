/**
 * The append-only journal that makes the store durable: one JSON object per line, appended and
 * fsync'ed before the reply that depends on it is sent. Concurrent appends share one write and one
 * fsync (group commit), so durability costs one disk flush per burst, not per request.
 *
 * A write either lands whole or not at all: every write is finished (a short write is continued)
 * or fails, and a failed one is cut off again, so the next one starts where the last good line
 * ended. Nothing is acknowledged that is not on disk.
 */
import { constants } from "node:fs";
import { mkdir, open, readFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { syncDirectory } from "./dataDirFiles.js";
import { lockDataDir } from "./dataDirLock.js";
import { ASSIGNMENT_OPS, type AssignmentEvent } from "./assignments.js";
import { checkAssignmentEvent } from "./assignmentEventChecks.js";

/** The journal's file name inside the data directory. */
export const JOURNAL_FILE = "journal.jsonl";

/** One change, as written to the journal. Times are milliseconds since the epoch. */
export type JournalEvent =
  | { op: "resource"; resourceId: string }
  | { op: "create"; id: string; customId?: string; requestId?: string; at: number }
  | { op: "issue"; id: string; at: number }
  | { op: "revoke"; id: string; at: number }
  | { op: "delete"; id: string; at: number }
  | AssignmentEvent
  /** Events appended together, on one line: a line torn or damaged inside it loses all of them, never some. */
  | { op: "batch"; events: SingleEvent[] };

/** Every event but a batch (batches do not nest). */
export type SingleEvent = Exclude<JournalEvent, { op: "batch" }>;

/** A line that holds a JSON object, not yet checked to be an event. */
export interface JournalLine {
  /** The line number, from 1. */
  line: number;
  /** The parsed object. */
  value: Record<string, unknown>;
}

/** A line whose content was skipped, and why. */
export interface JournalDamage {
  /** The line number, from 1. */
  line: number;
  /** What the line was, or seemed to be. */
  reason: string;
}

/** What {@link Journal.open} found. */
export interface OpenedJournal {
  /** The journal, ready for appends. */
  journal: Journal;
  /** The lines holding JSON objects, oldest first. */
  lines: JournalLine[];
  /** The lines that could not be read. A torn last line (a crash mid-append) is cut off, not listed. */
  damage: JournalDamage[];
  /** The journal's path. */
  path: string;
}

interface Batch {
  text: string;
  done: Promise<void>;
}

/** An open journal file. */
export class Journal {
  readonly #file: FileHandle;
  readonly #unlock: () => Promise<void>;
  /** Bytes of whole, fsync'ed lines: where the next write starts. */
  #length: number;
  /** A failed write may have left bytes past {@link #length} that could not yet be cut off. */
  #dirty = false;
  #collecting: Batch | undefined;
  #tail: Promise<void> = Promise.resolve();

  private constructor(file: FileHandle, unlock: () => Promise<void>, length: number) {
    this.#file = file;
    this.#unlock = unlock;
    this.#length = length;
  }

  /**
   * Opens (creating when missing) the journal in `dir` and reads what it holds. A torn last line,
   * left by a crash in the middle of a write, is cut off. Lines that cannot be read elsewhere are
   * skipped and listed in `damage`; they stay in the file.
   *
   * @throws Error when another running emulator uses `dir`, or the file cannot be read or opened.
   */
  static async open(dir: string): Promise<OpenedJournal> {
    await mkdir(dir, { recursive: true });
    const unlock = await lockDataDir(dir);
    try {
      const path = join(dir, JOURNAL_FILE);
      const { lines, damage, validLength } = parse(await readIfExists(path));
      // Read and write, no O_APPEND: each write goes to an explicit position, after the last good line.
      const file = await open(path, constants.O_RDWR | constants.O_CREAT);
      try {
        await file.truncate(validLength);
        await file.datasync();
      } catch (error) {
        await file.close();
        throw error;
      }
      await syncDirectory(dir);
      return { journal: new Journal(file, unlock, validLength), lines, damage, path };
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  /**
   * Appends events; events appended together are one line (a `batch` event when there are
   * several), so they land together or not at all, also when a crash tears the write or the line
   * is damaged later. Resolves once they are on disk (written and fsync'ed).
   *
   * @throws the file system's error (e.g. ENOSPC) when the write or the fsync failed; then none of
   * the events is in the journal.
   */
  append(...events: SingleEvent[]): Promise<void> {
    const text = `${JSON.stringify(events.length === 1 ? events[0] : { op: "batch", events })}\n`;
    if (this.#collecting) {
      this.#collecting.text += text;
      return this.#collecting.done;
    }
    const batch: Batch = { text, done: Promise.resolve() };
    batch.done = this.#tail.then(() => this.#write(batch));
    this.#tail = batch.done.catch(() => undefined);
    this.#collecting = batch;
    return batch.done;
  }

  /** Waits for pending writes, then closes the file. */
  async close(): Promise<void> {
    await this.#tail;
    await this.#file.close();
    await this.#unlock();
  }

  async #write(batch: Batch): Promise<void> {
    // From here on new appends start the next batch: this one's text is final.
    if (this.#collecting === batch) this.#collecting = undefined;
    const bytes = Buffer.from(batch.text);
    try {
      if (this.#dirty) await this.#cutBack();
      this.#dirty = true;
      await writeFully(this.#file, bytes, this.#length);
      await this.#file.datasync();
      this.#length += bytes.length;
      this.#dirty = false;
    } catch (error) {
      // Cut off what part of the batch got written: the journal ends at its last good line again.
      await this.#cutBack().catch(() => undefined);
      throw error;
    }
  }

  async #cutBack(): Promise<void> {
    await this.#file.truncate(this.#length);
    this.#dirty = false;
  }
}

/** Writes every byte at `position`, continuing after short writes; a write that makes no progress fails. */
async function writeFully(file: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await file.write(bytes, written, bytes.length - written, position + written);
    if (bytesWritten <= 0) throw Object.assign(new Error("The journal write made no progress."), { code: "EIO" });
    written += bytesWritten;
  }
}

async function readIfExists(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return Buffer.alloc(0);
    throw error;
  }
}

/** Splits the journal into lines; `validLength` is the byte length without a torn last line. */
function parse(content: Buffer): { lines: JournalLine[]; damage: JournalDamage[]; validLength: number } {
  const lines: JournalLine[] = [];
  const damage: JournalDamage[] = [];
  let offset = 0;
  for (let line = 1; offset < content.length; line++) {
    const end = content.indexOf(0x0a, offset);
    // A crash mid-append leaves a last line without its newline: it was never acknowledged.
    if (end === -1) break;
    const text = content.subarray(offset, end).toString("utf8");
    offset = end + 1;
    if (text.trim() === "") continue;
    const value = parseObject(text);
    if (value === undefined) damage.push({ line, reason: unreadable(text) });
    else lines.push({ line, value });
  }
  return { lines, damage, validLength: offset };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What an unreadable line seems to have held: its kind and identity, when those can still be read. */
function unreadable(text: string): string {
  const op = /"op":"(batch|create|issue|revoke|delete|resource)"/.exec(text)?.[1];
  const id = /"id":"(8:acs:[0-9a-f-]{36}_[0-9a-f-]{36})"/.exec(text)?.[1];
  const held = [op === undefined ? "" : `; op "${op}"`, id === undefined ? "" : `, id ${id}`].join("");
  return `unreadable (${Buffer.byteLength(text)} bytes${held})`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Checks that a line is an event of the resource `resourceId`.
 *
 * @returns the event, or why it is damage (no id, another resource's id, no time, an unknown kind).
 */
export function checkEvent(value: Record<string, unknown>, resourceId: string): JournalEvent | string {
  return value.op === "batch" ? checkBatch(value.events, resourceId) : checkSingleEvent(value, resourceId);
}

/** A batch is kept whole or skipped whole: one damaged event in it is damage of the line. */
function checkBatch(events: unknown, resourceId: string): JournalEvent | string {
  if (!Array.isArray(events) || events.length === 0) return "batch event without its events";
  const checked: SingleEvent[] = [];
  for (const [index, event] of events.entries()) {
    const single =
      typeof event === "object" && event !== null && !Array.isArray(event)
        ? checkSingleEvent(event as Record<string, unknown>, resourceId)
        : "not an object";
    if (typeof single === "string") return `batch event whose event ${index + 1} of ${events.length} is damaged: ${single}`;
    checked.push(single);
  }
  return { op: "batch", events: checked };
}

function checkSingleEvent(value: Record<string, unknown>, resourceId: string): SingleEvent | string {
  const { op } = value;
  if (op === "resource") {
    return value.resourceId === resourceId ? (value as SingleEvent) : "resource event of another resource";
  }
  if (typeof op === "string" && ASSIGNMENT_OPS.has(op)) return checkAssignmentEvent(value, resourceId);
  if (op !== "create" && op !== "issue" && op !== "revoke" && op !== "delete") return "event of unknown kind";
  if (typeof value.id !== "string" || value.id === "") return `${op} event without an identity id`;
  const prefix = `8:acs:${resourceId}_`;
  if (!value.id.startsWith(prefix) || !GUID.test(value.id.slice(prefix.length))) {
    return `${op} event of an identity not of this resource (${value.id.slice(0, 100)})`;
  }
  if (typeof value.at !== "number" || !Number.isFinite(value.at)) return `${op} event of ${value.id} without a valid time`;
  if (op === "create" && !["customId", "requestId"].every((name) => value[name] === undefined || typeof value[name] === "string")) {
    return `create event of ${value.id} with a custom id or request id that is not text`;
  }
  return value as SingleEvent;
}

/**
 * The resource a journal belongs to: its `resource` event's, or, when that line was lost, the one
 * its first identity id names, also inside a batch (createUserAndToken and bulk updates write only
 * batches). `undefined` for a new journal.
 */
export function resourceOf(lines: readonly JournalLine[]): string | undefined {
  for (const { value } of lines) {
    if (value.op === "resource" && typeof value.resourceId === "string" && GUID.test(value.resourceId)) return value.resourceId;
  }
  for (const value of lines.flatMap((line) => eventsOf(line.value))) {
    const match = typeof value.id === "string" ? /^8:acs:([0-9a-f-]{36})_/.exec(value.id) : null;
    if (match && GUID.test(match[1]!)) return match[1];
  }
  return undefined;
}

/** The events a line holds: a batch's objects, or the line itself. */
function eventsOf(value: Record<string, unknown>): Record<string, unknown>[] {
  if (value.op !== "batch" || !Array.isArray(value.events)) return [value];
  return value.events.filter(
    (event): event is Record<string, unknown> => typeof event === "object" && event !== null && !Array.isArray(event),
  );
}

/** The warning printed at start for a damaged journal: which lines, and what they held. */
export function damageReport(path: string, damage: readonly JournalDamage[]): string {
  return [
    `The emulator journal ${path} is damaged; started without what these lines held:`,
    ...damage.map(({ line, reason }) => `  line ${line}: ${reason}`),
    "Every other change was kept. The damaged lines stay in the file.",
  ].join("\n");
}
