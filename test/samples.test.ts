// Runs every sample's JavaScript (samples/dist, compiled here from samples/*.ts) in its own Node.js
// process against the emulator it starts, all at once, and checks the output line by line: exact
// text where it is deterministic, strict patterns for ids, token previews and times, and that no
// token or key shows in full. `npm test` builds the package first; alone, run `npm run build`.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

const USER_ID = /^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$/;
/** What each `{placeholder}` in an expected line stands for. */
const PLACEHOLDERS: Record<string, string> = {
  endpoint: String.raw`http://127\.0\.0\.1:\d+`,
  id: String.raw`8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}`,
  token: String.raw`[A-Za-z0-9_-]{12}…`,
  expiry: String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`,
  time: String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`,
  seconds: String.raw`\d+\.\d`,
  text: ".+",
};
const EMULATOR_LINE = "Using the local emulator at {endpoint} (COMMUNICATION_CONNECTION_STRING is not set).";

/** Each sample's output, line by line. `{expiry}` is followed by the lifetime it must show, in minutes. */
const EXPECTED: Record<string, string[]> = {
  quickstart: [
    EMULATOR_LINE,
    "Created user {id}",
    "Issued a chat+voip token {token} that expires at {expiry}60",
    "Revoked the user's tokens",
    "Deleted the user",
  ],
  "create-user": [EMULATOR_LINE, "Created user {id}", "Deleted the user again"],
  "issue-token": [EMULATOR_LINE, "Issued a chat token {token} to {id}", "It expires at {expiry}120, in 120 minutes"],
  "create-user-and-token": [EMULATOR_LINE, "Created user {id}", "with a chat+voip token {token} that expires at {expiry}1440"],
  "revoke-tokens": [
    EMULATOR_LINE,
    "Created user {id} with a voip token {token}",
    "Revoked every token issued to the user so far",
    "The user still exists: issued a new voip token {token}",
  ],
  "delete-user": [EMULATOR_LINE, "Created user {id}", "Deleted the user", "A token for the deleted user is refused: 401 IdentityNotOwned"],
  "teams-token-exchange": [
    EMULATOR_LINE,
    "Exchanged the Teams user's Entra token for {token}",
    "It expires at {expiry}60, with the Entra token",
  ],
  "entra-id-auth": [EMULATOR_LINE, "Authenticated with a TokenCredential: created user {id}", "with a chat token {token}"],
  "custom-ids": [
    EMULATOR_LINE,
    "Created user {id} for custom id sample-alice@contoso.com",
    "The same custom id gives the same user: true",
    "getUser: custom id sample-alice@contoso.com, last token issued at {time}",
    "Deleted the user",
  ],
  "inspect-token": [
    EMULATOR_LINE,
    "Issued a chat+voip token {token}",
    "Readable: scopes chat, voip; issued to this user: true; expires at {expiry}60",
    "The service says it expires at {expiry}60",
  ],
  "auto-refresh": [
    EMULATOR_LINE,
    "Created user {id}",
    "Three concurrent getToken calls made 1 refresh and got the same token: true ({token})",
    "The token expires at {expiry}60",
    "Disposed the credential",
  ],
  "error-handling": [
    EMULATOR_LINE,
    "Wrong key: RestError 401 Denied",
    "Bad argument: RangeError: {text}",
    "Throttled: the first attempt got 429 with Retry-After: 1; the retry created {id} after {seconds} s",
  ],
};

interface Value {
  kind: string;
  value: string;
  /** For `{expiry}`: the lifetime in minutes the line promises. */
  minutes?: number;
}

/** Matches `line` against an expected line; returns the placeholders' values, or `undefined`. */
function match(line: string, expected: string): Value[] | undefined {
  const kinds: { kind: string; minutes?: number }[] = [];
  const source = expected.replace(/\{(\w+)\}(\d*)|[^{]+|\{/g, (part, kind?: string, minutes?: string) => {
    if (kind === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    kinds.push(minutes ? { kind, minutes: Number(minutes) } : { kind });
    return `(${PLACEHOLDERS[kind]})`;
  });
  const groups = new RegExp(`^${source}$`).exec(line);
  return groups ? kinds.map((kind, index) => ({ ...kind, value: groups[index + 1]! })) : undefined;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** When the sample finished, milliseconds since the epoch. */
  endedAt: number;
}

async function runSample(name: string): Promise<Run> {
  const env = { ...process.env };
  for (const variable of ["COMMUNICATION_CONNECTION_STRING", "COMMUNICATION_ENDPOINT", "AZURE_LOG_LEVEL", "TEAMS_USER_AAD_TOKEN"]) {
    delete env[variable];
  }
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [`samples/dist/${name}.js`], {
      cwd: root,
      env,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr, endedAt: Date.now() };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr, endedAt: Date.now() };
  }
}

const runs = new Map<string, Run>();

beforeAll(async () => {
  if (!existsSync(`${root}/dist/esm/index.js`)) throw new Error("dist/ is missing: run `npm run build` first.");
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.samples.json"], { cwd: root, stdio: "inherit" });
  const names = Object.keys(EXPECTED);
  const results = await Promise.all(names.map(runSample));
  names.forEach((name, index) => runs.set(name, results[index]!));
}, 120_000);

describe("samples", () => {
  it("expects every sample in samples/, samples/README.md lists them, and so does the runner for an unknown name", () => {
    const onDisk = readdirSync(`${root}/samples`)
      .filter((file) => file.endsWith(".ts"))
      .map((file) => file.slice(0, -3));
    expect(Object.keys(EXPECTED).sort()).toEqual(onDisk.sort());
    const readme = readFileSync(`${root}/samples/README.md`, "utf8");
    for (const name of onDisk) expect(readme).toContain(`| \`${name}\``);
    const listing = spawnSync(process.execPath, ["scripts/sample.mjs", "no-such-sample"], { cwd: root, encoding: "utf8" });
    expect(listing.status).toBe(1);
    expect(listing.stdout).toBe("");
    for (const name of onDisk) expect(listing.stderr).toMatch(new RegExp(`^  ${name} `, "m"));
  });

  it.each(Object.keys(EXPECTED))("%s prints what it should against the emulator", (name) => {
    const run = runs.get(name)!;
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines.pop()).toBe("");
    const expected = EXPECTED[name]!;
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, index) => {
      const values = match(line, expected[index]!);
      expect(values, `line ${index + 1}: ${JSON.stringify(line)} should look like ${JSON.stringify(expected[index])}`).toBeDefined();
      for (const { kind, value, minutes } of values!) {
        if (kind === "id") expect(value).toMatch(USER_ID);
        if (kind === "token") expect(value).toHaveLength(13);
        if (kind === "expiry" && minutes !== undefined) {
          const lifetime = (Date.parse(value) - run.endedAt) / 60_000;
          expect(Math.abs(lifetime - minutes)).toBeLessThan(2);
        }
        if (kind === "text") expect(value).toContain("tokenExpiresInMinutes");
        if (kind === "seconds") expect(Number(value)).toBeGreaterThanOrEqual(1);
      }
    });
    // No token in full (three base64url segments) and no key (a long base64 run), anywhere.
    expect(run.stdout).not.toMatch(/[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/);
    expect(run.stdout).not.toMatch(/[A-Za-z0-9+/]{40,}/);
  });
});
