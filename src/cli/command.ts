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
}

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
