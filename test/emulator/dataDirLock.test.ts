import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockDataDir } from "../../src/emulator/store/dataDirLock.js";
import { startEmulator } from "../../src/emulator/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "acs-lock-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("one emulator per data directory", () => {
  it("refuses a second emulator on a directory in use, and lets one start after the first closed", async () => {
    const first = await startEmulator({ dataDir: dir });
    await expect(startEmulator({ dataDir: dir })).rejects.toThrow(
      `Another emulator (process ${process.pid}) is using the data directory ${dir}`,
    );
    await first.close();
    const second = await startEmulator({ dataDir: dir });
    await second.close();
  });

  it("takes over a lock left by a process that no longer runs", async () => {
    const child = spawn(process.execPath, ["-e", ""]);
    const pid = child.pid!;
    await new Promise((resolve) => child.on("exit", resolve));
    await writeFile(join(dir, "emulator.lock"), `${pid}\n`);
    const release = await lockDataDir(dir);
    expect(await readFile(join(dir, "emulator.lock"), "utf8")).toBe(`${process.pid}\n`);
    await release();
    await release();
  });

  it("releases once: a late second release leaves a newer lock alone", async () => {
    const release = await lockDataDir(dir);
    await release();
    const newer = await lockDataDir(dir);
    await release();
    await expect(lockDataDir(dir)).rejects.toThrow("Another emulator");
    await newer();
  });
});
