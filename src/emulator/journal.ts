/**
 * The append-only journal that makes the store durable: one JSON object per line, appended and
 * fsync'ed before the reply that depends on it is sent. Concurrent appends share one write and one
 * fsync (group commit), so durability costs one disk flush per burst, not per request.
 */
import { mkdir, open, readFile, truncate, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { lockDataDir } from "./dataDirLock.js";

/** The journal's file name inside the data directory. */
export const JOURNAL_FILE = "journal.jsonl";

/** One change, as written to the journal. Times are milliseconds since the epoch. */
export type JournalEvent =
  | { op: "resource"; resourceId: string }
  | { op: "create"; id: string; customId?: string; requestId?: string; at: number }
  | { op: "issue"; id: string; at: number }
  | { op: "revoke"; id: string; at: number }
  | { op: "delete"; id: string; at: number };

interface Batch {
  text: string;
  done: Promise<void>;
}

/** An open journal file. */
export class Journal {
  readonly #file: FileHandle;
  readonly #unlock: () => Promise<void>;
  #collecting: Batch | undefined;
  #tail: Promise<void> = Promise.resolve();

  private constructor(file: FileHandle, unlock: () => Promise<void>) {
    this.#file = file;
    this.#unlock = unlock;
  }

  /**
   * Opens (creating when missing) the journal in `dir` and reads what it holds. A torn last line,
   * left by a crash in the middle of a write, is cut off; damage anywhere else is an error.
   *
   * @returns the journal, ready for appends, and the events it held, oldest first.
   * @throws Error when another running emulator uses `dir`, or a line other than the last is not valid JSON.
   */
  static async open(dir: string): Promise<{ journal: Journal; events: JournalEvent[] }> {
    await mkdir(dir, { recursive: true });
    const unlock = await lockDataDir(dir);
    try {
      const path = join(dir, JOURNAL_FILE);
      const { events, validLength, fileLength } = parse(await readIfExists(path), path);
      if (validLength < fileLength) await truncate(path, validLength);
      const file = await open(path, "a");
      await syncDirectory(dir);
      return { journal: new Journal(file, unlock), events };
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  /**
   * Appends an event. Resolves once it is on disk (written and fsync'ed).
   */
  append(event: JournalEvent): Promise<void> {
    const line = `${JSON.stringify(event)}\n`;
    if (this.#collecting) {
      this.#collecting.text += line;
      return this.#collecting.done;
    }
    const batch: Batch = { text: line, done: Promise.resolve() };
    batch.done = this.#tail.then(() => this.#write(batch));
    this.#tail = batch.done.catch(() => undefined);
    this.#collecting = batch;
    return batch.done;
  }

  /** Resolves once everything appended so far is on disk. */
  async flushed(): Promise<void> {
    await (this.#collecting?.done ?? this.#tail);
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
    await this.#file.write(batch.text);
    await this.#file.datasync();
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

/** Parses the journal's lines; `validLength` is the byte length of the part that is whole. */
function parse(content: Buffer, path: string): { events: JournalEvent[]; validLength: number; fileLength: number } {
  const events: JournalEvent[] = [];
  let offset = 0;
  let lineNumber = 0;
  while (offset < content.length) {
    const end = content.indexOf(0x0a, offset);
    const isLast = end === -1 || end === content.length - 1;
    const text = content.subarray(offset, end === -1 ? content.length : end).toString("utf8");
    lineNumber += 1;
    const event = parseLine(text);
    // A crash mid-append leaves at most the last line torn (no newline, or cut inside the JSON).
    if (event === undefined || end === -1) {
      if (isLast && (end === -1 || event === undefined)) break;
      throw new Error(`The emulator journal ${path} is damaged at line ${lineNumber}; move the file away to start empty.`);
    }
    if (event !== null) events.push(event);
    offset = end + 1;
  }
  return { events, validLength: offset, fileLength: content.length };
}

/** An event, `null` for a blank line, or `undefined` when the line is not a journal event. */
function parseLine(text: string): JournalEvent | null | undefined {
  if (text.trim() === "") return null;
  try {
    const value = JSON.parse(text) as { op?: unknown };
    return typeof value === "object" && value !== null && typeof value.op === "string" ? (value as JournalEvent) : undefined;
  } catch {
    return undefined;
  }
}

/** Makes the creation of the journal file itself durable. Not every platform can open a directory. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Windows cannot fsync a directory; the file's own fsyncs still hold its content.
  } finally {
    await handle?.close();
  }
}
