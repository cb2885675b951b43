import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import type { EntraAssignment } from "../../src/client/assignmentModels.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { countingServer, runCommand } from "../helpers/commandLine.js";
import { APP, GROUP, TENANT, USER } from "../helpers/entraIds.js";

const OTHER_APP = "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
const NOBODY = "00000000-0000-4000-8000-000000000001";
const AT = ["--tenant", TENANT, "--object", USER];

let emulator: Emulator;
const run = (argv: string[], stdin?: string) => runCommand(argv, { COMMUNICATION_CONNECTION_STRING: emulator.connectionString }, stdin);

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe("Teams Phone extensibility assignments", () => {
  it("set creates and replaces, get shows, delete deletes: one line each, or the client's model under --json", async () => {
    const created = await run(["set-teams-assignment", ...AT, "--principal-type", "user", "--client-id", APP, "--client-id", OTHER_APP]);
    expect(created).toStrictEqual({ code: 0, out: [`${USER} user tenant=${TENANT} clients=${APP},${OTHER_APP}`], err: [] });
    const replaced = await run(["set-teams-assignment", ...AT, "--principal-type", "resourceAccount", "--json"]);
    expect(replaced.code).toBe(0);
    expect(replaced.out.map((line) => JSON.parse(line) as unknown)).toStrictEqual([
      { objectId: USER, tenantId: TENANT, principalType: "resourceAccount" },
    ]);
    expect(await run(["get-teams-assignment", ...AT])).toStrictEqual({
      code: 0,
      out: [`${USER} resourceAccount tenant=${TENANT} clients=any`],
      err: [],
    });
    expect(await run(["delete-teams-assignment", ...AT])).toStrictEqual({
      code: 0,
      out: [`Deleted the assignment of ${USER} in tenant ${TENANT}`],
      err: [],
    });
  });

  it("--json of get and delete", async () => {
    await run(["set-teams-assignment", ...AT, "--principal-type", "user", "--client-id", APP]);
    const got = await run(["get-teams-assignment", ...AT, "--json"]);
    expect(JSON.parse(got.out[0]!)).toStrictEqual({ objectId: USER, tenantId: TENANT, principalType: "user", clientIds: [APP] });
    const deleted = await run(["delete-teams-assignment", ...AT, "--json"]);
    expect(deleted.out).toStrictEqual([JSON.stringify({ tenantId: TENANT, objectId: USER, deleted: true })]);
  });

  it("1 with the service's message for a missing assignment (404 AssignmentNotFound)", async () => {
    const message = `No Teams Phone extensibility assignment for object ${NOBODY} in tenant ${TENANT}.`;
    for (const command of ["get-teams-assignment", "delete-teams-assignment"]) {
      const at = ["--tenant", TENANT, "--object", NOBODY];
      expect(await run([command, ...at])).toStrictEqual({ code: 1, out: [], err: [`acs-identity ${command}: ${message}`] });
      const json = await run([command, ...at, "--json"]);
      expect(json.out).toStrictEqual([JSON.stringify({ error: { message, status: 404, code: "AssignmentNotFound", exitCode: 1 } })]);
    }
  });

  it("1 for a principal type the service does not know, which the client sends as given", async () => {
    const result = await run(["set-teams-assignment", ...AT, "--principal-type", "admin", "--json"]);
    const message = "Invalid principalType - it must be one of: user, resourceAccount, teamsResourceAccount.";
    expect(result).toStrictEqual({
      code: 1,
      out: [JSON.stringify({ error: { message, status: 400, code: "ValidationError", exitCode: 1 } })],
      err: [`acs-identity set-teams-assignment: ${message}`],
    });
  });

  it("uses 2025-06-30 by default and the preview when --api-version says so", async () => {
    const preview = await run(["set-teams-assignment", ...AT, "--principal-type", "user", "--api-version", "2025-03-02-preview"]);
    expect(preview.code).toBe(0);
    const help = await run(["get-teams-assignment", "--help"]);
    expect(help.out).toContain("  --api-version <v>   REST api-version (default 2025-06-30; or 2025-03-02-preview)");
  });

  it("3 when the service refuses the key", async () => {
    const wrongKey = `endpoint=${emulator.endpoint}/;accesskey=${Buffer.alloc(64, 2).toString("base64")}`;
    const result = await runCommand(["get-teams-assignment", ...AT, "--json"], { COMMUNICATION_CONNECTION_STRING: wrongKey });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.out[0]!)).toMatchObject({ error: { status: 401, exitCode: 3 } });
    expect(result.err.join("\n")).not.toContain(Buffer.alloc(64, 2).toString("base64"));
  });
});

describe("Microsoft Entra ID assignments", () => {
  it("set, get, list and delete: one line each, or the client's models under --json", async () => {
    const set = await run(["set-entra-assignment", "--object", GROUP, "--tenant", TENANT, "--principal-type", "group", "--client-id", APP]);
    expect(set).toStrictEqual({ code: 0, out: [`${GROUP} group tenant=${TENANT} clients=${APP}`], err: [] });
    const none = await run(["set-entra-assignment", "--object", TENANT, "--tenant", TENANT, "--principal-type", "tenant", "--json"]);
    expect(none.out.map((line) => JSON.parse(line) as unknown)).toStrictEqual([
      { objectId: TENANT, tenantId: TENANT, principalType: "tenant", clientIds: [] },
    ]);
    expect((await run(["get-entra-assignment", "--object", GROUP])).out).toStrictEqual([`${GROUP} group tenant=${TENANT} clients=${APP}`]);
    const got = await run(["get-entra-assignment", "--object", GROUP, "--json"]);
    expect(JSON.parse(got.out[0]!)).toStrictEqual({ objectId: GROUP, tenantId: TENANT, principalType: "group", clientIds: [APP] });
    const listed = await run(["list-entra-assignments"]);
    expect(listed.out).toContain(`${TENANT} tenant tenant=${TENANT} clients=none`);
    expect(await run(["delete-entra-assignment", "--object", TENANT])).toStrictEqual({
      code: 0,
      out: [`Deleted the assignment of ${TENANT}`],
      err: [],
    });
    expect((await run(["delete-entra-assignment", "--object", GROUP, "--json"])).out).toStrictEqual([
      JSON.stringify({ objectId: GROUP, deleted: true }),
    ]);
    const gone = await run(["get-entra-assignment", "--object", GROUP]);
    expect(gone).toStrictEqual({
      code: 1,
      out: [],
      err: [`acs-identity get-entra-assignment: No Microsoft Entra ID assignment for object ${GROUP}.`],
    });
  });

  it("update-entra-assignments sets and removes (null) from a JSON merge patch on standard input", async () => {
    await run(["set-entra-assignment", "--object", USER, "--tenant", TENANT, "--principal-type", "user", "--client-id", APP]);
    const changes = { [USER]: null, [GROUP]: { tenantId: TENANT, principalType: "group", clientIds: [APP, OTHER_APP] } };
    const result = await run(["update-entra-assignments"], JSON.stringify(changes));
    expect(result).toStrictEqual({
      code: 0,
      out: [`${GROUP} group tenant=${TENANT} clients=${APP},${OTHER_APP}`, `Removed the assignment of ${USER}, if it had one`],
      err: [],
    });
    expect((await run(["get-entra-assignment", "--object", USER])).code).toBe(1);
    const json = await run(["update-entra-assignments", "--json"], JSON.stringify({ [GROUP]: null, [USER]: changes[GROUP] }));
    expect(json.out.map((line) => JSON.parse(line) as unknown)).toStrictEqual([
      [{ objectId: USER, tenantId: TENANT, principalType: "group", clientIds: [APP, OTHER_APP] }],
    ]);
    expect((await run(["get-entra-assignment", "--object", GROUP])).code).toBe(1);
    await run(["delete-entra-assignment", "--object", USER]);
  });

  it("update-entra-assignments: 2 for standard input that is missing, not JSON, or not changes", async () => {
    const { requests, connectionString, close } = await countingServer();
    try {
      const update = (stdin?: string) =>
        runCommand(["update-entra-assignments"], { COMMUNICATION_CONNECTION_STRING: connectionString }, stdin);
      const help = 'Run "acs-identity update-entra-assignments --help" for usage.';
      expect(await update()).toStrictEqual({
        code: 2,
        out: [],
        err: [
          "acs-identity update-entra-assignments: Pipe the changes on standard input, e.g. acs-identity update-entra-assignments < changes.json.",
          help,
        ],
      });
      expect((await update("{oops")).err).toStrictEqual([
        'acs-identity update-entra-assignments: Standard input is not JSON: give an object of object ids to {"tenantId","principalType","clientIds"}, or to null to remove one.',
        help,
      ]);
      expect((await update("{}")).err).toStrictEqual(["acs-identity update-entra-assignments: changes must name at least one objectId."]);
      expect((await update("[]")).err).toStrictEqual([
        "acs-identity update-entra-assignments: changes must be an object: objectId GUIDs to { tenantId, principalType, clientIds }, or to null to remove one.",
      ]);
      const wrong = await update(JSON.stringify({ [USER]: { tenantId: TENANT, principalType: "user", clientIds: ["app"] } }));
      expect({ code: wrong.code, err: wrong.err }).toStrictEqual({
        code: 2,
        err: [
          `acs-identity update-entra-assignments: changes["${USER}"].clientIds[0] must be a GUID string (8-4-4-4-12 hexadecimal digits, as Entra ids are written).`,
        ],
      });
      expect(requests()).toBe(0);
    } finally {
      await close();
    }
  });

  it("list-entra-assignments follows every page: 150 assignments over two pages of the emulator's 100", async () => {
    const own = await startEmulator();
    try {
      const client = new CommunicationIdentityClient(own.connectionString, { apiVersion: "2025-03-02-preview" });
      const ids = Array.from({ length: 150 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`);
      const changes = Object.fromEntries(ids.map((id) => [id, { tenantId: TENANT, principalType: "user", clientIds: [APP] }]));
      await client.updateEntraAssignments(changes);
      const pages: number[] = [];
      for await (const page of client.listEntraAssignments().byPage()) pages.push(page.length);
      expect(pages).toStrictEqual([100, 50]);
      const env = { COMMUNICATION_CONNECTION_STRING: own.connectionString };
      const json = await runCommand(["list-entra-assignments", "--json"], env);
      expect(json.code).toBe(0);
      expect(json.out).toHaveLength(1);
      const listed = JSON.parse(json.out[0]!) as EntraAssignment[];
      expect(listed).toStrictEqual(ids.map((objectId) => ({ objectId, tenantId: TENANT, principalType: "user", clientIds: [APP] })));
      const human = await runCommand(["list-entra-assignments"], env);
      expect(human.out).toStrictEqual(ids.map((id) => `${id} user tenant=${TENANT} clients=${APP}`));
    } finally {
      await own.close();
    }
  });
});

describe("usage errors: 2 before any request, naming the flag", () => {
  const BAD_GUID = "must be a GUID string (8-4-4-4-12 hexadecimal digits, as Entra ids are written).";
  it.each([
    [["get-teams-assignment", "--tenant", TENANT], "Missing --object.", true],
    [["set-teams-assignment", ...AT], "Missing --principal-type.", true],
    [["set-entra-assignment", "--object", USER], "Missing --tenant, --principal-type.", true],
    [["get-entra-assignment"], "Missing --object.", true],
    [["get-teams-assignment", "--tenant", "contoso", "--object", USER], `--tenant ${BAD_GUID}`, false],
    [["delete-teams-assignment", "--tenant", TENANT, "--object", "bob"], `--object ${BAD_GUID}`, false],
    [
      ["set-teams-assignment", ...AT, "--principal-type", "user", "--client-id", APP, "--client-id", "app"],
      `--client-id ${BAD_GUID}`,
      false,
    ],
    [["set-teams-assignment", ...AT, "--principal-type", ""], '--principal-type must be a non-empty string, such as "user".', false],
    [["set-entra-assignment", "--object", USER, "--tenant", "t", "--principal-type", "user"], `--tenant ${BAD_GUID}`, false],
    [["get-entra-assignment", "--object", "x"], `--object ${BAD_GUID}`, false],
    [
      ["get-teams-assignment", ...AT, "--api-version", "2023-10-01"],
      '--api-version must be 2025-06-30 or 2025-03-02-preview for get-teams-assignment; got "2023-10-01".',
      true,
    ],
    [
      ["list-entra-assignments", "--api-version", "2025-06-30"],
      '--api-version must be 2025-03-02-preview for list-entra-assignments; got "2025-06-30".',
      true,
    ],
  ])("%j", async (argv, message, pointsToHelp) => {
    const { requests, connectionString, close } = await countingServer();
    try {
      const result = await runCommand(argv, { COMMUNICATION_CONNECTION_STRING: connectionString });
      const help = pointsToHelp ? [`Run "acs-identity ${argv[0]} --help" for usage.`] : [];
      expect(result).toStrictEqual({ code: 2, out: [], err: [`acs-identity ${argv[0]}: ${message}`, ...help] });
      const json = await runCommand([...argv, "--json"], { COMMUNICATION_CONNECTION_STRING: connectionString });
      const answer = pointsToHelp ? {} : { status: 400, code: "ValidationError" };
      expect(json.out).toStrictEqual([JSON.stringify({ error: { message, ...answer, exitCode: 2 } })]);
      expect(requests()).toBe(0);
    } finally {
      await close();
    }
  });

  it("--help of each command, and their lines in the command list", async () => {
    const names = [
      "get-teams-assignment",
      "set-teams-assignment",
      "delete-teams-assignment",
      "list-entra-assignments",
      "get-entra-assignment",
      "set-entra-assignment",
      "delete-entra-assignment",
      "update-entra-assignments",
    ];
    for (const name of names) {
      const help = await run([name, "--help"]);
      expect(help.code).toBe(0);
      expect(help.out[0]).toBe(`Usage: acs-identity ${name} [options]`);
      expect(help.out.at(-1)).toBe(
        "Exit codes: 0 done, 1 service or network failure, 2 bad usage, 3 refused (401/403: wrong key or clock).",
      );
    }
    expect((await run(["set-entra-assignment", "--help"])).out.slice(6, 12)).toStrictEqual([
      "  --object <guid>     the Entra object id of the user, group or tenant",
      "  --tenant <guid>     the Entra tenant id",
      "  --principal-type <type>",
      "                      user, group or tenant",
      "  --client-id <guid>  an Entra application allowed to exchange; repeatable (default: none)",
      "  --api-version <v>   REST api-version (default 2025-03-02-preview, the only one with these operations)",
    ]);
    const top = await run(["--help"]);
    const listed = top.out.map((line) => line.trim().split(/\s+/)[0]);
    expect(listed.slice(listed.indexOf("inspect-token") + 1, listed.indexOf("entra-token"))).toStrictEqual(names);
  });
});
