import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { countingServer, runCommand } from "../helpers/commandLine.js";

let emulator: Emulator;

const run = (
  argv: string[],
  env: Record<string, string | undefined> = { COMMUNICATION_CONNECTION_STRING: emulator.connectionString },
  stdin?: string,
) => runCommand(argv, env, stdin);

const ID = /^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe("identity commands against the emulator", () => {
  it("create-user prints the new id, or JSON", async () => {
    const human = await run(["create-user"]);
    expect(human.code).toBe(0);
    expect(human.out).toHaveLength(1);
    expect(human.out[0]).toMatch(/^Created user 8:acs:/);
    const json = await run(["create-user", "--json"]);
    const { communicationUserId } = JSON.parse(json.out[0]!) as { communicationUserId: string };
    expect(communicationUserId).toMatch(ID);
    expect(emulator.identity(communicationUserId)).toBeDefined();
  });

  it("issue-token takes --user, --scopes and --minutes", async () => {
    const id = JSON.parse((await run(["create-user", "--json"])).out[0]!).communicationUserId as string;
    const before = Date.now();
    const result = await run(["issue-token", "--user", id, "--scopes", "chat, voip", "--minutes", "60", "--json"]);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.out[0]!) as { communicationUserId: string; token: string; expiresOn: string };
    expect(body.communicationUserId).toBe(id);
    expect(body.token.split(".")).toHaveLength(3);
    expect(Math.abs(Date.parse(body.expiresOn) - before - 3_600_000)).toBeLessThan(2000);
    const human = await run(["issue-token", "--user", id, "--scopes", "chat"]);
    expect(human.out.map((line) => line.split(":")[0])).toEqual(["User", "Token", "Expires on"]);
    expect(human.out[2]!.slice("Expires on: ".length)).toMatch(ISO);
  });

  it("create-user-and-token, get-user with a custom id, revoke, delete-user", async () => {
    const created = await run(["create-user-and-token", "--scopes", "chat", "--custom-id", "cli-user-1", "--json"]);
    expect(created.code).toBe(0);
    const id = (JSON.parse(created.out[0]!) as { communicationUserId: string }).communicationUserId;
    const details = await run(["get-user", "--user", id, "--json"]);
    const body = JSON.parse(details.out[0]!) as { communicationUserId: string; customId: string; lastTokenIssuedAt: string };
    expect(body.communicationUserId).toBe(id);
    expect(body.customId).toBe("cli-user-1");
    expect(body.lastTokenIssuedAt).toMatch(ISO);
    expect((await run(["revoke", "--user", id])).out).toEqual([`Revoked the tokens of ${id}`]);
    expect((await run(["delete-user", "--user", id])).out).toEqual([`Deleted user ${id}`]);
    expect(emulator.identity(id)).toBeUndefined();
  });

  it("inspect-token reads the token from standard input", async () => {
    const token = (JSON.parse((await run(["create-user-and-token", "--scopes", "voip", "--json"])).out[0]!) as { token: string }).token;
    const result = await run(["inspect-token", "--json"], {}, `${token}\n`);
    const inspection = JSON.parse(result.out[0]!) as { decodable: boolean; scopes: string[]; resourceId: string };
    expect(inspection.decodable).toBe(true);
    expect(inspection.scopes).toEqual(["voip"]);
    expect(inspection.resourceId).toBe(emulator.resourceId);
    expect((await run(["inspect-token"], {}, "opaque")).out).toEqual([
      "The token is opaque (encrypted or not a JWT): its claims cannot be read locally.",
    ]);
  });
});

describe("exit codes", () => {
  it("2 without COMMUNICATION_CONNECTION_STRING, saying how to set it", async () => {
    const result = await run(["create-user"], {});
    expect(result.code).toBe(2);
    expect(result.err[0]).toContain("Set COMMUNICATION_CONNECTION_STRING");
  });

  it.each([
    [["issue-token", "--scopes", "chat"], "Missing --user."],
    [
      ["issue-token", "--user", "8:acs:x", "--scopes", "chat", "--minutes", "59"],
      "tokenExpiresInMinutes must be an integer from 60 to 1440",
    ],
    [["issue-token", "--user", "8:acs:x", "--scopes", ""], "empty string"],
    [
      ["issue-token", "--user", "8:acs:x", "--scopes", "chat", "--minutes", "0x3c"],
      "tokenExpiresInMinutes must be an integer from 60 to 1440",
    ],
    [["create-user", "--bogus"], "Unknown option '--bogus'"],
    [["inspect-token"], "Pipe the token on standard input"],
  ])("2 for bad usage: %j", async (argv, fragment) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.err[0]).toContain(fragment);
  });

  it.each([
    [
      ["issue-token", "--user", "8:acs:x", "--scopes", "chat,bogus,Voip"],
      'Unknown scope "bogus" for api-version 2023-10-01: use one of chat, voip, chat.join, chat.join.limited, voip.join, or new UnknownTokenScope(name).',
    ],
    [
      ["create-user-and-token", "--scopes", "voip.join", "--api-version", "2022-10-01"],
      'Unknown scope "voip.join" for api-version 2022-10-01: use one of chat, voip, or new UnknownTokenScope(name).',
    ],
    [["revoke", "--user", "bob"], '--user must be a user id such as 8:acs:<resource id>_<guid>, as create-user prints; "bob" is not one.'],
    [
      ["delete-user", "--user", "8:acs: x"],
      '--user must be a user id such as 8:acs:<resource id>_<guid>, as create-user prints; "8:acs: x" is not one.',
    ],
  ])("2 before any request for %j", async (argv, message) => {
    const { requests, connectionString, close } = await countingServer();
    try {
      const result = await run(argv, { COMMUNICATION_CONNECTION_STRING: connectionString });
      expect(result.code).toBe(2);
      expect(result.err[0]).toBe(`acs-identity ${argv[0]}: ${message}`);
      expect(requests()).toBe(0);
    } finally {
      await close();
    }
  });

  it("2 for plain http to a host that is not loopback, naming --allow-insecure; with it, the call goes through", async () => {
    // 0.0.0.0 is not a loopback name, yet on this machine it reaches the emulator on 127.0.0.1.
    const remote = emulator.connectionString.replace("127.0.0.1", "0.0.0.0");
    const refused = await run(["create-user"], { COMMUNICATION_CONNECTION_STRING: remote });
    expect(refused.code).toBe(2);
    expect(refused.err[0]).toBe(
      "acs-identity create-user: The endpoint uses plain http to a host that is not loopback, which would send requests and tokens unencrypted. " +
        "Use https, or pass --allow-insecure if you really mean it.",
    );
    const allowed = await run(["create-user", "--allow-insecure", "--json"], { COMMUNICATION_CONNECTION_STRING: remote });
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.out[0]!).communicationUserId).toMatch(ID);
  });

  it("3 when the service denies (an unknown user, a wrong key), with a JSON error under --json", async () => {
    const unknown = await run(["revoke", "--user", `8:acs:${emulator.resourceId}_00000000-0000-0000-0000-000000000000`, "--json"]);
    expect(unknown.code).toBe(3);
    expect(JSON.parse(unknown.out[0]!)).toMatchObject({ error: { status: 401, code: "IdentityNotOwned", exitCode: 3 } });
    const wrongKey = `endpoint=${emulator.endpoint}/;accesskey=${Buffer.alloc(64, 1).toString("base64")}`;
    const denied = await run(["create-user"], { COMMUNICATION_CONNECTION_STRING: wrongKey });
    expect(denied.code).toBe(3);
    expect(denied.err.join("\n")).not.toContain(Buffer.alloc(64, 1).toString("base64"));
  });

  it("under --json, reports the status and code that a refused argument carries, as the service would have answered", async () => {
    const { requests, connectionString, close } = await countingServer();
    try {
      const argv = ["issue-token", "--user", "8:acs:x", "--scopes", "chat", "--minutes", "59", "--json"];
      const result = await run(argv, { COMMUNICATION_CONNECTION_STRING: connectionString });
      expect(result.code).toBe(2);
      expect(result.out).toStrictEqual([
        '{"error":{"message":"tokenExpiresInMinutes must be an integer from 60 to 1440 (1 to 24 hours).","status":400,"code":"ValidationError","exitCode":2}}',
      ]);
      const usage = await run(["revoke", "--user", "bob", "--json"], { COMMUNICATION_CONNECTION_STRING: connectionString });
      expect(usage.out).toStrictEqual([
        '{"error":{"message":"--user must be a user id such as 8:acs:<resource id>_<guid>, as create-user prints; \\"bob\\" is not one.","exitCode":2}}',
      ]);
      expect(requests()).toBe(0);
    } finally {
      await close();
    }
  });

  it("1 when the service cannot be reached", async () => {
    const closed = `endpoint=http://127.0.0.1:1/;accesskey=${Buffer.alloc(64, 1).toString("base64")}`;
    const result = await run(["create-user"], { COMMUNICATION_CONNECTION_STRING: closed }).then((r) => r);
    expect(result.code).toBe(1);
  });

  it("0 for --version, which prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(await run(["--version"])).toStrictEqual({ code: 0, out: [version], err: [] });
  });

  it("0 for --help of every command, which documents the exit codes", async () => {
    for (const name of ["create-user", "issue-token", "create-user-and-token", "revoke", "delete-user", "get-user", "inspect-token"]) {
      const result = await run([name, "--help"]);
      expect(result.code).toBe(0);
      expect(result.out[0]).toBe(`Usage: acs-identity ${name} [options]`);
      expect(result.out.at(-1)).toBe(
        "Exit codes: 0 done, 1 service or network failure, 2 bad usage, 3 refused (401/403: wrong key or clock, or a user the resource does not own).",
      );
    }
    const top = await run(["--help"]);
    expect(top.out.slice(3, 11).map((line) => line.trim().split(/\s+/)[0])).toEqual([
      "emulator",
      "create-user",
      "issue-token",
      "create-user-and-token",
      "revoke",
      "delete-user",
      "get-user",
      "inspect-token",
    ]);
  });
});

describe("the built command", () => {
  it("stops at once on SIGINT while a call hangs (only the emulator command waits for signals)", async () => {
    const { spawn } = await import("node:child_process");
    const { createServer } = await import("node:net");
    const sockets: import("node:net").Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as import("node:net").AddressInfo).port;
    try {
      const child = spawn(process.execPath, ["dist/esm/cli/main.js", "create-user"], {
        env: {
          ...process.env,
          COMMUNICATION_CONNECTION_STRING: `endpoint=http://127.0.0.1:${port}/;accesskey=${Buffer.alloc(64, 1).toString("base64")}`,
        },
        stdio: "ignore",
      });
      await new Promise((resolve) => setTimeout(resolve, 700));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
      child.kill("SIGINT");
      const signal = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 2000))]);
      if (signal === "still running") child.kill("SIGKILL");
      expect(signal).toBe("SIGINT");
    } finally {
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    }
  });
});
