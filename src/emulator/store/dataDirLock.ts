/**
 * One emulator per data directory: two writing one journal would each keep their own view, and a
 * custom id could end up on two identities. A lock file holds the owner's process id; a lock left
 * by a process that no longer runs (a crash, SIGKILL) is taken over.
 */
import { open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";

const LOCK_FILE = "emulator.lock";

/**
 * Takes the directory's lock.
 *
 * @returns a function that releases it.
 * @throws Error when a running process holds it.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const file = await open(path, "wx");
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      let released: Promise<void> | undefined;
      // Once only: a second release must not remove a lock another emulator has taken since.
      return () => (released ??= unlink(path).catch(() => undefined));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
    }
    const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (isRunning(owner)) {
      throw new Error(`Another emulator (process ${owner}) is using the data directory ${dir}: stop it, or use another directory.`);
    }
    await unlink(path).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
