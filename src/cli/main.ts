#!/usr/bin/env node
/**
 * The entry point of the `acs-identity` bin: wires the process (arguments, output, signals, exit
 * code) to {@link main}.
 */
import { once } from "node:events";
import type { CommandIo } from "./command.js";
import { main } from "./cli.js";

function processIo(): CommandIo {
  let stopped: Promise<void> | undefined;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    // Listening for SIGINT and SIGTERM replaces Node's default of exiting at once, so only a
    // command that waits for them (the emulator) installs the listeners; the others stay
    // interruptible with Ctrl+C.
    get stopped() {
      stopped ??= Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]).then(() => undefined);
      return stopped;
    },
    env: process.env,
    readStdin,
  };
}

async function readStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
    // Nothing else is left to wait for: the signal listeners must not keep the process alive.
    process.exit();
  },
  (error: unknown) => {
    process.stderr.write(`acs-identity: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
