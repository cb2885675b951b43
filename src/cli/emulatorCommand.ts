/**
 * `acs-identity emulator`: runs the local emulator until SIGINT or SIGTERM, then closes it
 * gracefully (in-flight requests finish, the port is released).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator/index.js";
import { parseRateLimits } from "../limits/rateLimits.js";
import { EXIT, type Command, type CommandIo } from "./command.js";

const USAGE = `Usage: acs-identity emulator [options]

Runs a local Azure Communication Services Identity emulator and prints its connection string.
Stops on Ctrl+C (SIGINT) or SIGTERM.

Options:
  --port <n>          port to listen on (default: any free port)
  --host <address>    loopback address to listen on (default: 127.0.0.1)
  --access-key <key>  base64 access key (default: a random 64-byte key, kept in
                      the data directory when there is one)
  --data-dir <dir>    keep identities, the token signing key and a generated
                      access key in this directory across restarts
  --allow-bearer      accept any "Authorization: Bearer" token
  --tls               serve HTTPS with a self-signed certificate for localhost,
                      127.0.0.1 and ::1 (kept in the data directory when there
                      is one); prints how to trust it (NODE_EXTRA_CA_CERTS)
  --cors-origin <o>   a web origin whose pages may call the emulator, e.g.
                      http://localhost:5173; repeatable (default: any loopback
                      origin: localhost, 127.x.x.x, [::1], any port)
  --no-dashboard      serve no dashboard (/_emulator/) nor admin API, and
                      keep no request log
  --limits <spec>     rate limits, answered with 429 and Retry-After: "service"
                      (the documented figures per 30 s: create, issue and
                      createWithToken 1000; delete, revoke and exchange 500),
                      figures such as issue=100/10s,create=5/500ms, or both
                      (service,issue=100/10s) (default: no limits)
  -h, --help          show this help`;

/**
 * Turns the command line into emulator options.
 *
 * @throws TypeError for an unknown option or a port that is not a number; RangeError for limits that are not understood.
 */
export function parseEmulatorArgs(args: string[]): EmulatorOptions & { help: boolean } {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "access-key": { type: "string" },
      "data-dir": { type: "string" },
      "allow-bearer": { type: "boolean" },
      tls: { type: "boolean" },
      "cors-origin": { type: "string", multiple: true },
      "no-dashboard": { type: "boolean" },
      limits: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const options: EmulatorOptions & { help: boolean } = { help: values.help ?? false, allowBearer: values["allow-bearer"] ?? false };
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new TypeError("--port must be a number from 0 to 65535.");
    options.port = Number(values.port);
  }
  if (values.host !== undefined) options.host = values.host;
  if (values["access-key"] !== undefined) options.accessKey = values["access-key"];
  if (values["data-dir"] !== undefined) options.dataDir = values["data-dir"];
  if (values["cors-origin"] !== undefined) options.corsOrigins = values["cors-origin"];
  if (values["no-dashboard"] === true) options.dashboard = false;
  if (values.tls === true) options.tls = true;
  // Read here, so that a typo is a usage error before anything starts.
  if (values.limits !== undefined) options.limits = parseRateLimits(values.limits);
  return options;
}

async function run(args: string[], io: CommandIo): Promise<number> {
  let options: ReturnType<typeof parseEmulatorArgs>;
  try {
    options = parseEmulatorArgs(args);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (options.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const { help: _help, ...emulatorOptions } = options;
  let emulator: Emulator;
  try {
    emulator = await startEmulator(emulatorOptions);
  } catch (error) {
    // startEmulator refuses option values (a host off loopback, a key that is not base64) with a
    // TypeError: bad usage. Anything else (a port in use, a damaged data directory) is a failure.
    if (!(error instanceof TypeError)) throw error;
    io.err(`${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  // The connection string alone on stdout, so that scripts can capture it; the rest on stderr.
  io.out(emulator.connectionString);
  io.err(`ACS Identity emulator listening on ${emulator.endpoint} (resource ${emulator.resourceId}). Press Ctrl+C to stop.`);
  if (emulator.dashboardUrl !== undefined) io.err(`Dashboard: ${emulator.dashboardUrl}`);
  const certificate = await certificateFile(emulator);
  if (certificate !== undefined) {
    io.err(`HTTPS with a self-signed certificate: trust it with NODE_EXTRA_CA_CERTS=${certificate.path} (Node.js clients)`);
    io.err("or the client option tlsOptions: { ca: <that file's content> }.");
  }
  await io.stopped;
  io.err("Stopping: finishing in-flight requests...");
  await emulator.close();
  await certificate?.remove();
  io.err("Stopped.");
  return EXIT.ok;
}

/**
 * The file that holds the emulator's certificate, for NODE_EXTRA_CA_CERTS: the one in the data
 * directory, or else one written to a temporary directory for this run and removed at the end.
 */
async function certificateFile(emulator: Emulator): Promise<{ path: string; remove(): Promise<void> } | undefined> {
  if (emulator.certificate === undefined) return undefined;
  if (emulator.certificatePath !== undefined) return { path: emulator.certificatePath, remove: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), "acs-identity-emulator-"));
  const path = join(dir, "tls-certificate.pem");
  await writeFile(path, emulator.certificate, { mode: 0o600 });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The `emulator` subcommand. */
export const emulatorCommand: Command = { summary: "run the local Identity service emulator", usage: USAGE, run };
