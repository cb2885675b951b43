/**
 * The `acs-identity` command line's dispatch: `acs-identity <command> [options]`. To add a
 * command, write a {@link Command} in its own file and add it to {@link COMMANDS}.
 */
import type { Command, CommandIo } from "./command.js";
import { emulatorCommand } from "./emulatorCommand.js";
import { ASSIGNMENT_COMMANDS } from "./assignmentCommands.js";
import { entraTokenCommand } from "./entraTokenCommand.js";
import { exchangeCommand } from "./exchangeCommand.js";
import { IDENTITY_COMMANDS } from "./identityCommands.js";
import { PACKAGE_VERSION } from "../version.js";

/** Every subcommand, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  emulator: emulatorCommand,
  ...IDENTITY_COMMANDS,
  ...ASSIGNMENT_COMMANDS,
  "entra-token": entraTokenCommand,
  exchange: exchangeCommand,
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `Usage: acs-identity <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun "acs-identity <command> --help" for a command's options, "acs-identity --version" for the version.`;
}

/**
 * Runs the command line.
 *
 * @param argv - the arguments after the program name.
 * @returns the exit code.
 */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === "--version") {
    io.out(PACKAGE_VERSION);
    return 0;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  return command.run(args, io);
}
