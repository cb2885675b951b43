/**
 * The small files kept next to the journal: the token signing key and the generated access key.
 * Each is created once, atomically (a temporary file, fsync'ed, renamed into place), readable by
 * its owner only, and read back at every later start, so that tokens and connection strings keep
 * working across restarts.
 */
import { randomUUID } from "node:crypto";
import { open, readFile, rename, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

/** The PKCS#8 PEM of the private key that signs tokens. */
export const SIGNING_KEY_FILE = "token-signing-key.pem";
/** The access key generated when none was given. */
export const ACCESS_KEY_FILE = "access-key";

/**
 * The content of `name` in `dir`; when the file does not exist, `create()`'s value, written there
 * first. The directory must exist and be locked by the caller.
 *
 * @throws Error when the file cannot be read or written (e.g. the disk is full).
 */
export async function keptFile(dir: string, name: string, create: () => Promise<string> | string): Promise<string> {
  const path = join(dir, name);
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const content = await create();
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    const file = await open(temporary, "wx", 0o600);
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dir);
  return content;
}

/** Makes the creation or renaming of a file in `dir` durable. Not every platform can open a directory. */
export async function syncDirectory(dir: string): Promise<void> {
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
