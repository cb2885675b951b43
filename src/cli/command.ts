/**
 * The shape of a subcommand of the `acs-identity` command line, so that main.ts only dispatches.
 */

/** Where a command writes, and what tells a long-running command to stop. */
export interface CommandIo {
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
  /** Settles when the process is asked to stop (SIGINT or SIGTERM). */
  stopped: Promise<void>;
  /** The environment variables (configuration comes from here, never from arguments that land in shell history). */
  env: Readonly<Record<string, string | undefined>>;
  /** Reads all of standard input, or resolves `undefined` when it is a terminal. */
  readStdin(): Promise<string | undefined>;
}

/** Exit codes that scripts can rely on. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The service refused or could not be reached (other than authentication). */
  failure: 1,
  /** Bad usage: unknown option, missing or invalid argument, missing configuration. */
  usage: 2,
  /** Refused (401/403): wrong key, clock skew (401 Denied), or a user the resource does not own (401 IdentityNotOwned). */
  denied: 3,
} as const;

/** A subcommand. */
export interface Command {
  /** One line for the command list of `--help`. */
  summary: string;
  /** The full help text of the command. */
  usage: string;
  /**
   * Runs the command.
   *
   * @param args - the arguments after the subcommand's name.
   * @returns the process exit code.
   */
  run(args: string[], io: CommandIo): Promise<number>;
}
