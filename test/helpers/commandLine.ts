/** Runs `acs-identity` in this process, as the built command would, and keeps what it prints. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { main } from "../../src/cli/cli.js";
import type { CommandIo } from "../../src/cli/command.js";

/** What a command did: its exit code and the lines it printed on each stream. */
export interface CommandRun {
  code: number;
  out: string[];
  err: string[];
}

/**
 * @param env - the command's environment (COMMUNICATION_CONNECTION_STRING, ENTRA_TOKEN).
 * @param stdin - standard input; `undefined` as for a terminal. A function is called when the
 *   command reads it, so a test can refuse the read.
 */
export async function runCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  stdin?: string | (() => string | undefined),
): Promise<CommandRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    out: (line) => out.push(...line.split("\n")),
    err: (line) => err.push(...line.split("\n")),
    stopped: new Promise(() => {}),
    env,
    readStdin: async () => (typeof stdin === "function" ? stdin() : stdin),
  };
  return { code: await main(argv, io), out, err };
}

/**
 * A loopback server that counts the requests it gets and answers each with 500, for showing that
 * a command refuses bad usage before any request.
 */
export async function countingServer(): Promise<{
  requests: () => number;
  connectionString: string;
  endpoint: string;
  close: () => Promise<void>;
}> {
  let count = 0;
  const server = createServer((_request, response) => {
    count++;
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    requests: () => count,
    endpoint,
    connectionString: `endpoint=${endpoint}/;accesskey=${Buffer.alloc(64, 1).toString("base64")}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
