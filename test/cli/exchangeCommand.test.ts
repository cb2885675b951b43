import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwtPayload } from "../../src/credentials/jwt.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { countingServer, runCommand } from "../helpers/commandLine.js";
import { APP, TENANT, USER } from "../helpers/entraIds.js";

const TEAMS_SCOPE = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";
const WHO = ["--tenant", TENANT, "--user", USER, "--client-id", APP];

let emulator: Emulator;
let env: Record<string, string>;

/** `acs-identity entra-token ...`'s token, as a shell pipe would pass it on (with its newline). */
async function entraToken(...args: string[]): Promise<string> {
  const minted = await runCommand(["entra-token", ...WHO, ...args], {});
  expect(minted.code).toBe(0);
  return `${minted.out[0]!}\n`;
}

/** The Entra token's expiry, as the exchanged token's. */
const expiryOf = (token: string) => new Date((decodeJwtPayload(token.trim())!["exp"] as number) * 1000).toISOString();

/** Admits USER through APP with an Entra assignment, through the command line. */
async function assignUser(): Promise<void> {
  const argv = ["set-entra-assignment", "--object", USER, "--tenant", TENANT, "--principal-type", "user", "--client-id", APP];
  expect((await runCommand(argv, env)).code).toBe(0);
}

const refusedStdin = () => {
  throw new Error("standard input was read");
};

beforeAll(async () => {
  emulator = await startEmulator();
  env = { COMMUNICATION_CONNECTION_STRING: emulator.connectionString };
});
afterAll(async () => {
  await emulator.close();
});

describe("acs-identity entra-token ... | acs-identity exchange", () => {
  it("exchanges for a Microsoft Entra ID user: the identity, the token and its expiry, the Entra token's", async () => {
    await assignUser();
    const token = await entraToken();
    const result = await runCommand(["exchange"], env, token);
    expect({ code: result.code, err: result.err, labels: result.out.map((line) => line.slice(0, 12)) }).toStrictEqual({
      code: 0,
      err: [],
      labels: ["User:       ", "Token:      ", "Expires on: "],
    });
    expect(result.out[0]).toBe(`User:       8:acs:${emulator.resourceId}_wf_${TENANT}_${USER}`);
    expect(result.out[2]).toBe(`Expires on: ${expiryOf(token)}`);
    const claims = decodeJwtPayload(result.out[1]!.slice(12))!;
    expect(claims["skypeid"]).toBe(`acs:${emulator.resourceId}_wf_${TENANT}_${USER}`);
  });

  it("--json, --endpoint without a connection string, and a Teams Phone extensibility --scope", async () => {
    expect((await runCommand(["set-teams-assignment", "--tenant", TENANT, "--object", USER, "--principal-type", "user"], env)).code).toBe(
      0,
    );
    const token = await entraToken("--scope", TEAMS_SCOPE);
    const result = await runCommand(["exchange", "--scope", TEAMS_SCOPE, "--endpoint", `${emulator.endpoint}/`, "--json"], {}, token);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.out[0]!) as { communicationUserId: string; token: string; expiresOn: string };
    expect(Object.keys(printed)).toStrictEqual(["communicationUserId", "token", "expiresOn"]);
    expect(printed.communicationUserId).toBe(`8:acs:${emulator.resourceId}_${TENANT}_${USER}`);
    expect(printed.expiresOn).toBe(expiryOf(token));
    expect(decodeJwtPayload(printed.token)!["skypeid"]).toBe(`acs:${emulator.resourceId}_${TENANT}_${USER}`);
  });

  it("takes ENTRA_TOKEN without reading standard input", async () => {
    const token = await entraToken();
    const result = await runCommand(["exchange", "--json"], { ...env, ENTRA_TOKEN: token }, refusedStdin);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out[0]!)).toMatchObject({ communicationUserId: `8:acs:${emulator.resourceId}_wf_${TENANT}_${USER}` });
  });
});

describe("exchange refused", () => {
  it("3 for a user without an assignment (403 UserNotAssigned), never repeating the Entra token", async () => {
    const stranger = "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const token = (await runCommand(["entra-token", "--tenant", TENANT, "--user", stranger, "--client-id", APP], {})).out[0]!;
    const message =
      `The token exchange failed with status 403: No Microsoft Entra ID assignment covers user ${stranger} of tenant ${TENANT}: none for the user, its 0 groups or the tenant.` +
      " Check that an assignment on the resource admits the user (directly, through a group or their tenant) and the client application.";
    const result = await runCommand(["exchange"], env, token);
    expect(result).toStrictEqual({ code: 3, out: [], err: [`acs-identity exchange: ${message}`] });
    const json = await runCommand(["exchange", "--json"], env, token);
    expect(json.out).toStrictEqual([JSON.stringify({ error: { message, status: 403, code: "UserNotAssigned", exitCode: 3 } })]);
    expect([...result.err, ...json.out].join("\n")).not.toContain(token);
  });

  it("3 for an application the user's assignment does not list (403 ClientNotAllowed)", async () => {
    const other = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
    const token = (await runCommand(["entra-token", "--tenant", TENANT, "--user", USER, "--client-id", other], {})).out[0]!;
    await assignUser();
    const result = await runCommand(["exchange", "--json"], env, token);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.out[0]!)).toMatchObject({ error: { status: 403, code: "ClientNotAllowed", exitCode: 3 } });
  });

  it("3 for a token that is not an Entra token (401 InvalidAccessToken)", async () => {
    const result = await runCommand(["exchange", "--json"], env, "not-a-token\n");
    expect(result.code).toBe(3);
    expect(JSON.parse(result.out[0]!)).toMatchObject({ error: { status: 401, code: "InvalidAccessToken", exitCode: 3 } });
  });
});

describe("exchange usage errors: 2 before any request and before reading standard input", () => {
  it.each([
    [["--scope", "https://graph.microsoft.com/.default"], 'Not a Communication Services scope: ["https://graph.microsoft.com/.default"].'],
    [
      ["--scope", TEAMS_SCOPE, "--scope", "https://communication.azure.com/clients/VoIP"],
      "--scope mixes the two families; one token is for one of them",
    ],
    [["--endpoint", "example"], "The --endpoint is not a valid URL. Expected https://<resource>.communication.azure.com."],
    [["--endpoint", "http://example.com"], "Refused to send a Microsoft Entra token over plain http to http://example.com"],
  ])("%j", async (args, fragment) => {
    const { requests, connectionString, close } = await countingServer();
    try {
      const result = await runCommand(["exchange", ...args], { COMMUNICATION_CONNECTION_STRING: connectionString }, refusedStdin);
      expect(result.code).toBe(2);
      expect(result.err[0]!.startsWith(`acs-identity exchange: ${fragment}`)).toBe(true);
      expect(requests()).toBe(0);
    } finally {
      await close();
    }
  });

  it("without an endpoint, or without a token", async () => {
    const help = 'Run "acs-identity exchange --help" for usage.';
    expect(await runCommand(["exchange"], {}, refusedStdin)).toStrictEqual({
      code: 2,
      out: [],
      err: [
        "acs-identity exchange: Pass --endpoint <url> (the resource's or emulator's endpoint), or set COMMUNICATION_CONNECTION_STRING.",
        help,
      ],
    });
    const { requests, endpoint, close } = await countingServer();
    try {
      for (const stdin of [undefined, " \n"]) {
        expect(await runCommand(["exchange", "--endpoint", endpoint], {}, stdin)).toStrictEqual({
          code: 2,
          out: [],
          err: [
            "acs-identity exchange: Pipe the Microsoft Entra token on standard input (acs-identity entra-token ... | acs-identity exchange), or set ENTRA_TOKEN.",
            help,
          ],
        });
      }
      // Set but empty (a missing CI secret): said so, and standard input is never read.
      for (const empty of ["", " \n"]) {
        expect(await runCommand(["exchange", "--endpoint", endpoint], { ENTRA_TOKEN: empty }, refusedStdin)).toStrictEqual({
          code: 2,
          out: [],
          err: [
            "acs-identity exchange: ENTRA_TOKEN is set but empty: give it the Microsoft Entra token, or unset it and pipe the token on standard input.",
            help,
          ],
        });
      }
      expect(requests()).toBe(0);
    } finally {
      await close();
    }
  });

  it("--help, and its line in the command list", async () => {
    const help = await runCommand(["exchange", "--help"], {});
    expect(help.code).toBe(0);
    expect(help.out.slice(0, 5)).toStrictEqual([
      "Usage: acs-identity exchange [options]",
      "",
      "Exchange a Microsoft Entra token for a Communication Services token, for testing.",
      "",
      "Options:",
    ]);
    expect(help.out.at(-1)).toBe(
      "Exit codes: 0 done, 1 service or network failure, 2 bad usage, 3 refused (401/403: an Entra token that is not valid, or no assignment admits the user and application).",
    );
    const top = await runCommand(["--help"], {});
    expect(top.out).toContain(
      "  exchange                  exchange a Microsoft Entra token for a Communication Services token, for testing",
    );
  });
});

describe("the built command", () => {
  it("composes in a shell pipe: entra-token | exchange --endpoint", async () => {
    const cli = `"${process.execPath}" dist/esm/cli/main.js`;
    const pipeline = `${cli} entra-token ${WHO.join(" ")} | ${cli} exchange --endpoint ${emulator.endpoint} --json`;
    const { stdout } = await promisify(execFile)("sh", ["-c", pipeline], { env: { PATH: process.env["PATH"] } });
    expect(JSON.parse(stdout)).toMatchObject({ communicationUserId: `8:acs:${emulator.resourceId}_wf_${TENANT}_${USER}` });
  });
});
