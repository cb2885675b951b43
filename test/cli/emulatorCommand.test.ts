import { X509Certificate } from "node:crypto";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/cli.js";
import { parseEmulatorArgs } from "../../src/cli/emulatorCommand.js";
import type { CommandIo } from "../../src/cli/command.js";
import { send } from "../emulator/helpers.js";
import { tempDirEachTest } from "../helpers/tempDir.js";

function io(stop: Promise<void> = new Promise(() => undefined)) {
  const out: string[] = [];
  const err: string[] = [];
  const session: CommandIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stopped: stop,
    env: {},
    readStdin: async () => undefined,
  };
  return { out, err, io: session };
}

describe("acs-identity emulator", () => {
  it("parses its options", () => {
    expect(parseEmulatorArgs(["--port", "8089", "--host", "::1", "--access-key", "cHc=", "--data-dir", "d", "--allow-bearer"])).toEqual({
      help: false,
      port: 8089,
      host: "::1",
      accessKey: "cHc=",
      dataDir: "d",
      allowBearer: true,
    });
    expect(parseEmulatorArgs(["--cors-origin", "http://localhost:5173", "--cors-origin", "https://app.contoso.test"])).toEqual({
      help: false,
      allowBearer: false,
      corsOrigins: ["http://localhost:5173", "https://app.contoso.test"],
    });
    expect(parseEmulatorArgs(["--limits", "service,issue=100/10s"])).toStrictEqual({
      help: false,
      allowBearer: false,
      limits: {
        create: { requests: 1000, windowMs: 30_000 },
        issue: { requests: 100, windowMs: 10_000 },
        createWithToken: { requests: 1000, windowMs: 30_000 },
        delete: { requests: 500, windowMs: 30_000 },
        revoke: { requests: 500, windowMs: 30_000 },
        exchange: { requests: 500, windowMs: 30_000 },
      },
    });
    expect(() => parseEmulatorArgs(["--port", "abc"])).toThrow("--port must be a number from 0 to 65535.");
    expect(() => parseEmulatorArgs(["--unknown"])).toThrow(TypeError);
  });

  it("prints the connection string, serves until stopped, then closes", async () => {
    let stop!: () => void;
    const session = io(new Promise<void>((resolve) => (stop = resolve)));
    const running = main(["emulator", "--port", "0", "--access-key", "cHc="], session.io);
    await vi.waitFor(() => expect(session.out).toHaveLength(1));
    const [, endpoint] = /^endpoint=(http:\/\/127\.0\.0\.1:\d+)\/;accesskey=cHc=$/.exec(session.out[0]!)!;
    expect((await send(endpoint!, { method: "GET", path: "/nowhere" })).status).toBe(404);
    stop();
    expect(await running).toBe(0);
    await expect(send(endpoint!, { method: "GET", path: "/nowhere" })).rejects.toThrow(/ECONNREFUSED/);
    expect(session.err.at(-1)).toBe("Stopped.");
  });

  it("prints the dashboard's address on stderr, and serves none with --no-dashboard", async () => {
    expect(parseEmulatorArgs(["--no-dashboard"])).toStrictEqual({ help: false, allowBearer: false, dashboard: false });
    for (const [args, dashboard] of [
      [[], true],
      [["--no-dashboard"], false],
    ] as const) {
      let stop!: () => void;
      const session = io(new Promise<void>((resolve) => (stop = resolve)));
      const running = main(["emulator", "--access-key", "cHc=", ...args], session.io);
      await vi.waitFor(() => expect(session.err).toHaveLength(dashboard ? 2 : 1));
      const [, endpoint] = /^endpoint=(http:\/\/127\.0\.0\.1:\d+)\/;accesskey=cHc=$/.exec(session.out[0]!)!;
      if (dashboard) expect(session.err[1]).toBe(`Dashboard: ${endpoint}/_emulator/`);
      expect((await send(endpoint!, { method: "GET", path: "/_emulator/api/requests" })).status).toBe(dashboard ? 200 : 404);
      stop();
      expect(await running).toBe(0);
    }
  });

  it("shows help, and refuses unknown commands and options with exit code 2", async () => {
    const help = io();
    expect(await main(["--help"], help.io)).toBe(0);
    expect(help.out[0]).toMatch(/^  emulator +run the local Identity service emulator$/m);
    const commandHelp = io();
    expect(await main(["emulator", "--help"], commandHelp.io)).toBe(0);
    expect(commandHelp.out[0]).toContain("--data-dir <dir>");
    const unknown = io();
    expect(await main(["nope"], unknown.io)).toBe(2);
    expect(unknown.err[0]).toContain('Unknown command "nope".');
    const badOption = io();
    expect(await main(["emulator", "--bogus"], badOption.io)).toBe(2);
  });
});

describe("acs-identity emulator --tls", () => {
  const dir = tempDirEachTest("acs-cli-tls-");

  /** Runs `acs-identity emulator --tls ...` until its trust advice is printed; returns the session and a stop function. */
  async function runTls(args: string[]) {
    let stop!: () => void;
    const session = io(new Promise<void>((resolve) => (stop = resolve)));
    const running = main(["emulator", "--tls", "--access-key", "cHc=", "--no-dashboard", ...args], session.io);
    await vi.waitFor(() => expect(session.err).toHaveLength(3));
    const [, endpoint] = /^endpoint=(https:\/\/127\.0\.0\.1:\d+)\/;accesskey=cHc=$/.exec(session.out[0]!)!;
    return { session, endpoint: endpoint!, running, stop };
  }

  it("parses --tls", () => {
    expect(parseEmulatorArgs(["--tls"])).toStrictEqual({ help: false, allowBearer: false, tls: true });
  });

  it("prints the https connection string and the data directory's certificate file to trust", async () => {
    const { session, endpoint, running, stop } = await runTls(["--data-dir", dir.path]);
    const path = join(dir.path, "tls-certificate.pem");
    expect(session.err.slice(1)).toStrictEqual([
      `HTTPS with a self-signed certificate: trust it with NODE_EXTRA_CA_CERTS=${path} (Node.js clients)`,
      "or the client option tlsOptions: { ca: <that file's content> }.",
    ]);
    const ca = await readFile(path, "utf8");
    expect((await send(endpoint, { method: "GET", path: "/nowhere", ca })).status).toBe(404);
    stop();
    expect(await running).toBe(0);
    expect(await readFile(path, "utf8")).toBe(ca);
  });

  it("without a data directory, writes the certificate to a temporary file for this run only", async () => {
    const { session, endpoint, running, stop } = await runTls([]);
    const [, path] = /NODE_EXTRA_CA_CERTS=(\S+) /.exec(session.err[1]!)!;
    const ca = await readFile(path!, "utf8");
    expect(new X509Certificate(ca).subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect((await send(endpoint, { method: "GET", path: "/nowhere", ca })).status).toBe(404);
    stop();
    expect(await running).toBe(0);
    await expect(access(path!)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("acs-identity emulator with bad option values", () => {
  it.each([
    [["--port", "99999"], "--port must be a number from 0 to 65535."],
    [["--host", "10.0.0.1"], "The emulator listens on loopback only"],
    [
      ["--access-key", "not base64!"],
      'The access key must be base64 or base64url characters (A-Z, a-z, 0-9, "+" and "/", or "-" and "_"), with or without "=" padding, e.g. 64 random bytes encoded.',
    ],
    [["--limits", "issue=5"], 'Rate limits: "issue=5" is not understood. Expected "service", or operation=requests/window pairs'],
    [["--cors-origin", "*"], 'A CORS origin must be http(s)://host[:port], e.g. http://localhost:5173, without a path: "*" is not.'],
  ])("%j exits 2 and says what is wrong", async (args, fragment) => {
    const session = io();
    expect(await main(["emulator", ...args], session.io)).toBe(2);
    expect(session.err[0]).toContain(fragment);
  });
});
