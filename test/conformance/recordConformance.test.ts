/**
 * The recorder (scripts/record-conformance.ts), run as a person would run it against a resource,
 * here against an emulator: it writes the recorded format, and since the emulator conforms, it
 * writes what Azure answered, keeping no key, token or id.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { teamsJwt } from "../emulator/helpers.js";
import { RECORDED } from "./exchanges.js";

const APP_ID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac";
const USER_ID = "32c0a5db-05ec-78ea-51ab-3f06b329397e";

function record(env: Record<string, string>, out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/record-conformance.ts", out], {
      env: { PATH: process.env["PATH"] ?? "", ...env },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("scripts/record-conformance.ts", () => {
  let emulator: Emulator;
  let dir: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(join(tmpdir(), "record-conformance-"));
  });
  afterAll(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("records every scenario in the recorded format, equal to Azure's answers, without keys or tokens", async () => {
    const now = Math.floor(Date.now() / 1000);
    const entraToken = teamsJwt({ appid: APP_ID, oid: USER_ID, exp: now + 5400 });
    const out = join(dir, "recorded.json");
    const { code, output } = await record(
      {
        COMMUNICATION_CONNECTION_STRING: emulator.connectionString,
        TEAMS_USER_AAD_TOKEN: entraToken,
        TEAMS_CLIENT_ID: APP_ID,
        TEAMS_USER_OBJECT_ID: USER_ID,
        TEAMS_EXPIRED_AAD_TOKEN: teamsJwt({ appid: APP_ID, oid: USER_ID, exp: now - 600 }),
      },
      out,
    );
    expect({ code, last: output.trim().split("\n").at(-1) }).toStrictEqual({
      code: 0,
      last: `Wrote 61 exchanges of 44 scenarios to ${out}.`,
    });
    const text = await readFile(out, "utf8");
    const written = JSON.parse(text) as typeof RECORDED;
    expect(written.apiSupportedVersions).toStrictEqual(RECORDED.apiSupportedVersions);
    expect(JSON.stringify(written.scenarios)).toBe(JSON.stringify(RECORDED.scenarios));
    for (const secret of [emulator.accessKey, entraToken, emulator.resourceId]) expect(text).not.toContain(secret);
  });

  it("without a Teams user, skips the Teams scenarios and says why; without a connection string, says what to set", async () => {
    const out = join(dir, "without-teams.json");
    const { code, output } = await record({ COMMUNICATION_CONNECTION_STRING: emulator.connectionString }, out);
    expect(code).toBe(0);
    expect(output).toContain("skipped Teams token exchange: needs TEAMS_USER_AAD_TOKEN, TEAMS_CLIENT_ID, TEAMS_USER_OBJECT_ID");
    expect(output.trim().split("\n").at(-1)).toBe(`Wrote 51 exchanges of 34 scenarios to ${out}.`);
    const missing = await record({}, out);
    expect(missing).toStrictEqual({
      code: 2,
      output: "Set COMMUNICATION_CONNECTION_STRING to the resource's connection string (Azure portal, Keys).\n",
    });
  });
});
