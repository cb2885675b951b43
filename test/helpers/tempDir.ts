import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

/**
 * A fresh temporary directory for each test of the enclosing `describe`, removed after it.
 *
 * @param prefix - the start of the directory's name, to tell leftovers apart.
 * @returns an object whose `path` is the current test's directory.
 */
export function tempDirEachTest(prefix: string): { readonly path: string } {
  const temp = { path: "" };
  beforeEach(async () => {
    temp.path = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(() => rm(temp.path, { recursive: true, force: true }));
  return temp;
}
