// Runs every sample's JavaScript (samples/dist, compiled here from samples/*.ts) in its own Node.js
// process against the emulator it starts, all at once, and checks the output line by line: exact
// text where it is deterministic, strict patterns for ids, token previews and times, and that no
// token or key shows in full. `npm test` builds the package first; alone, run `npm run build`.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient, type EntraAssignment } from "../src/index.js";
import { mintEntraTestToken, startEmulator, type Emulator } from "../src/emulator/index.js";
import { APP, GROUP, TENANT, USER } from "./helpers/entraIds.js";

const root = fileURLToPath(new URL("..", import.meta.url));

const USER_ID = /^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$/;
const GUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
/** What each `{placeholder}` in an expected line stands for. */
const PLACEHOLDERS: Record<string, string> = {
  endpoint: String.raw`http://127\.0\.0\.1:\d+`,
  id: String.raw`8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}`,
  guid: GUID,
  // Identities minted by exchange: 8:acs:{resource}_{tenant}_{user} (Teams Phone extensibility), with _wf_ (Entra ID users).
  teamsId: `8:acs:${GUID}_${GUID}_${GUID}`,
  entraId: `8:acs:${GUID}_wf_${GUID}_${GUID}`,
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
  "teams-phone-extensibility": [
    EMULATOR_LINE,
    "Assigned Teams user {guid} of tenant {guid}, for application {guid}",
    "Read it back: principalType user, clientIds {guid}",
    "The user's app exchanged their Entra token for {token}",
    "Identity {teamsId}, expires at {expiry}60",
    "Removed the assignment",
    "The next exchange is refused: 403 UserNotAssigned",
    "The token exchanged before is revoked: true",
  ],
  "entra-users": [
    EMULATOR_LINE,
    "Assigned in one update: group, tenant, user",
    "Listed 3 assignments: group, tenant, user",
    "A member of the group exchanged their Entra token for {token}",
    "Identity {entraId}, scopes chat, voip, expires at {expiry}60",
    "Removed the group's assignment (null in a merge patch)",
    "The member's next exchange is refused: 403 UserNotAssigned",
    "The token exchanged before is revoked: true",
    "Removed the tenant's and the other user's assignments",
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

/** Runs a sample with none of the settings that point it at a real resource, but those of `settings`. */
async function runSample(name: string, settings: Record<string, string> = {}): Promise<Run> {
  const env = { ...process.env };
  for (const variable of [
    "COMMUNICATION_CONNECTION_STRING",
    "COMMUNICATION_ENDPOINT",
    "AZURE_LOG_LEVEL",
    "TEAMS_USER_AAD_TOKEN",
    "ENTRA_TOKEN",
    "ENTRA_GROUP_ID",
  ]) {
    delete env[variable];
  }
  Object.assign(env, settings);
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
  const results = await Promise.all(names.map((name) => runSample(name)));
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
    expectNoSecret(run.stdout);
  });

  it("teams-phone-extensibility exchanges for the user it assigned, in the tenant it assigned", () => {
    const lines = runs.get("teams-phone-extensibility")!.stdout.split("\n");
    const [user, tenant, application] = guidsOf(lines[1]!);
    expect(guidsOf(lines[2]!)).toStrictEqual([application]);
    expect(guidsOf(lines[4]!).slice(1)).toStrictEqual([tenant, user]);
  });
});

/** The GUIDs in a line, in order. */
function guidsOf(line: string): string[] {
  return line.match(new RegExp(GUID, "g")) ?? [];
}

/** No token in full (three base64url segments) and no key (a long base64 run), anywhere. */
function expectNoSecret(output: string): void {
  expect(output).not.toMatch(/[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/);
  expect(output).not.toMatch(/[A-Za-z0-9+/]{40,}/);
}

async function entraAssignmentsOf(emulator: Emulator): Promise<EntraAssignment[]> {
  const client = new CommunicationIdentityClient(emulator.connectionString, { apiVersion: "2025-03-02-preview" });
  const assignments: EntraAssignment[] = [];
  for await (const assignment of client.listEntraAssignments()) assignments.push(assignment);
  return assignments;
}

/** How many requests the emulator's log holds. */
async function requestCount(emulator: Emulator): Promise<number> {
  const { requests } = (await (await fetch(`${emulator.endpoint}/_emulator/api/requests`)).json()) as { requests: unknown[] };
  return requests.length;
}

// The path a real resource takes: COMMUNICATION_CONNECTION_STRING names the resource (here an
// emulator of the test's, whose resource id it knows) and ENTRA_TOKEN is the user's Entra token.
describe("the Entra samples against the resource in COMMUNICATION_CONNECTION_STRING", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator?.close());

  const usingLine = () => `Using ${emulator.endpoint} (from COMMUNICATION_CONNECTION_STRING).`;
  const resource = () => ({ COMMUNICATION_CONNECTION_STRING: emulator.connectionString });

  it("teams-phone-extensibility assigns, exchanges and removes the user of ENTRA_TOKEN", async () => {
    const scopes = ["https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"];
    const { token, expiresOn } = mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP, scopes });
    const run = await runSample("teams-phone-extensibility", { ...resource(), ENTRA_TOKEN: token });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[3]).toMatch(/^The user's app exchanged their Entra token for [\w-]{12}…$/);
    lines[3] = "<token>";
    expect(lines).toStrictEqual([
      usingLine(),
      `Assigned Teams user ${USER} of tenant ${TENANT}, for application ${APP}`,
      `Read it back: principalType user, clientIds ${APP}`,
      "<token>",
      `Identity 8:acs:${emulator.resourceId}_${TENANT}_${USER}, expires at ${expiresOn.toISOString()}`,
      "Removed the assignment",
      "The next exchange is refused: 403 UserNotAssigned",
      "",
    ]);
    expectNoSecret(run.stdout);
  });

  it("entra-users assigns ENTRA_GROUP_ID, and exchanges and is refused for the member of ENTRA_TOKEN", async () => {
    const scopes = ["https://communication.azure.com/clients/VoIP", "https://communication.azure.com/clients/Chat"];
    const member = { tenantId: TENANT, objectId: USER, clientId: APP, groups: [GROUP], scopes };
    const { token, expiresOn } = mintEntraTestToken(member);
    const run = await runSample("entra-users", { ...resource(), ENTRA_TOKEN: token, ENTRA_GROUP_ID: GROUP });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[3]).toMatch(/^A member of the group exchanged their Entra token for [\w-]{12}…$/);
    lines[3] = "<token>";
    expect(lines).toStrictEqual([
      usingLine(),
      "Assigned in one update: group, tenant, user",
      "Listed 3 assignments: group, tenant, user",
      "<token>",
      `Identity 8:acs:${emulator.resourceId}_wf_${TENANT}_${USER}, scopes chat, voip, expires at ${expiresOn.toISOString()}`,
      "Removed the group's assignment (null in a merge patch)",
      "The member's next exchange is refused: 403 UserNotAssigned",
      "Removed the tenant's and the other user's assignments",
      "",
    ]);
    expectNoSecret(run.stdout);
    // It cleaned up after itself.
    expect(await entraAssignmentsOf(emulator)).toStrictEqual([]);
  });

  it.each([
    [
      "teams-phone-extensibility",
      "Set ENTRA_TOKEN to a Teams user's Microsoft Entra token for https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls to run this sample against a real resource.",
    ],
    [
      "entra-users",
      "Set ENTRA_TOKEN to a group member's Microsoft Entra token for https://communication.azure.com/clients/VoIP https://communication.azure.com/clients/Chat, and ENTRA_GROUP_ID to the group.",
    ],
  ])("%s without ENTRA_TOKEN says what to set and exits with 2, sending nothing", async (name, message) => {
    const before = await requestCount(emulator);
    const run = await runSample(name, resource());
    expect(run).toMatchObject({ code: 2, stdout: `${usingLine()}\n`, stderr: `${message}\n` });
    expect(await requestCount(emulator)).toBe(before);
  });
});
