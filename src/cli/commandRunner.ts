/**
 * The runner that the `acs-identity` commands built from a {@link CommandSpec} share: it parses
 * options, reads the connection string from the environment (never from an argument, which would
 * land in shell history), creates the client, prints human lines or `--json`, and maps failures to
 * the exit codes in {@link EXIT}. A command file holds only its specs: options, help and action.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { isRestError } from "@azure/core-rest-pipeline";
import { CommunicationIdentityClient, DEFAULT_API_VERSION } from "../client/communicationIdentityClient.js";
import { parseConnectionString, type ParsedConnectionString } from "../auth/connectionString.js";
import { assertSecureEndpoint } from "../auth/endpoint.js";
import type { CommunicationAccessToken, CommunicationUser } from "../client/models.js";
import { EXIT, type Command, type CommandIo } from "./command.js";

/** The parsed options, by name (without the leading `--`). */
export type Values = Record<string, string | boolean | string[] | undefined>;
type Options = NonNullable<ParseArgsConfig["options"]>;

/** What an action returns: lines for people and one value for `--json`. */
export interface Output {
  human: string[];
  json: unknown;
}

/** A command: its name, help, options and action; {@link specCommand} does the rest. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Option lines for the help text, before the common ones. */
  help: string[];
  options: Options;
  required?: string[];
  /** Whether the command talks to the service with the client (and so needs the connection string). */
  remote: boolean;
  /**
   * The api-versions the command works with, its default first: `--api-version` must be one of
   * them. @defaultValue any, as the client checks.
   */
  apiVersions?: readonly string[];
  /** The api-version for these values when `--api-version` is not given. @defaultValue the first of `apiVersions`, else the client's default */
  apiVersion?: (values: Values) => string | undefined;
  /** What the help says of `--api-version` in parentheses. @defaultValue made from `apiVersions` */
  apiVersionHelp?: string;
  /** What exit code 3 means for this command, for the help. @defaultValue wrong key or clock, or a user the resource does not own */
  refused?: string;
  /** The command line's flag of each argument name that the client's or the credential's messages start with. */
  flags?: Readonly<Record<string, string>>;
  /** Checks of the values before any request. @throws {@link UsageError} */
  check?: (values: Values) => void;
  action(values: Values, io: CommandIo, client: CommunicationIdentityClient | undefined): Promise<Output>;
}

const COMMON_OPTIONS: Options = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/** Options of every command that talks to the service. */
const REMOTE_OPTIONS: Options = {
  "api-version": { type: "string" },
  "allow-insecure": { type: "boolean" },
};

/** Bad usage of the command line: exit code 2, with a pointer to `--help`. */
export class UsageError extends Error {}

function apiVersionHelp(spec: CommandSpec): string {
  if (spec.apiVersionHelp !== undefined) return spec.apiVersionHelp;
  const [first, ...others] = spec.apiVersions ?? [DEFAULT_API_VERSION];
  return `default ${first}${others.length > 0 ? `; or ${others.join(", ")}` : ", the only one with these operations"}`;
}

function usage(spec: CommandSpec): string {
  const lines = [
    `Usage: acs-identity ${spec.name} [options]`,
    "",
    `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
    ...(spec.remote ? ["Reads the connection string from COMMUNICATION_CONNECTION_STRING."] : []),
    "",
    "Options:",
    ...spec.help,
    ...(spec.remote
      ? [
          `  --api-version <v>   REST api-version (${apiVersionHelp(spec)})`,
          "  --allow-insecure    allow plain http to a host that is not loopback (requests and tokens unencrypted)",
        ]
      : []),
    "  --json              print one JSON object instead of lines of text",
    "  -h, --help          show this help",
    "",
    `Exit codes: 0 done, 1 service or network failure, 2 bad usage, 3 refused (${spec.refused ?? "401/403: wrong key or clock, or a user the resource does not own"}).`,
  ];
  return lines.join("\n");
}

function parse(spec: CommandSpec, args: string[]): Values {
  try {
    const options = { ...COMMON_OPTIONS, ...(spec.remote ? REMOTE_OPTIONS : {}), ...spec.options };
    const { values } = parseArgs({ args, strict: true, allowPositionals: false, options });
    return values as Values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * The connection string of COMMUNICATION_CONNECTION_STRING, parsed.
 *
 * @throws {@link UsageError} when it is not set, saying where to get one; TypeError when it is malformed.
 */
export function connectionStringOf(io: CommandIo): ParsedConnectionString {
  const connectionString = io.env["COMMUNICATION_CONNECTION_STRING"];
  if (!connectionString) {
    throw new UsageError(
      "Set COMMUNICATION_CONNECTION_STRING to your resource's connection string (Azure portal, Keys), " +
        'or to a local emulator\'s (run "npx acs-identity emulator" and copy what it prints).',
    );
  }
  return parseConnectionString(connectionString);
}

function clientFor(spec: CommandSpec, values: Values, io: CommandIo): CommunicationIdentityClient | undefined {
  if (!spec.remote) return undefined;
  const { endpoint, credential } = connectionStringOf(io);
  const allowInsecureConnection = values["allow-insecure"] === true;
  assertSecureEndpoint(new URL(endpoint), allowInsecureConnection, "pass --allow-insecure");
  return new CommunicationIdentityClient(endpoint, credential, { apiVersion: apiVersionOf(spec, values), allowInsecureConnection });
}

function apiVersionOf(spec: CommandSpec, values: Values): string {
  const given = str(values, "api-version");
  if (given !== undefined && spec.apiVersions && !spec.apiVersions.includes(given)) {
    throw new UsageError(`--api-version must be ${spec.apiVersions.join(" or ")} for ${spec.name}; got ${JSON.stringify(given)}.`);
  }
  return given ?? spec.apiVersion?.(values) ?? spec.apiVersions?.[0] ?? DEFAULT_API_VERSION;
}

/**
 * A message that starts with an argument's name as the API spells it (`tenantId`,
 * `assignment.clientIds[0]`), with the command line's flag in its place (`--tenant`, `--client-id`).
 */
export function withFlagNames(message: string, flags: Readonly<Record<string, string>> = {}): string {
  return message.replace(/^([A-Za-z]+(?:\.[A-Za-z]+)*)(\[\d+\])?/, (name, base: string) => flags[base] ?? name);
}

function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof TypeError || error instanceof RangeError) return EXIT.usage;
  if (isRestError(error) && (error.statusCode === 401 || error.statusCode === 403)) return EXIT.denied;
  return EXIT.failure;
}

/**
 * The status and code the service answered, or would have: a `RestError`'s, or those that the
 * client's argument checks put on their `TypeError`s and `RangeError`s (400 `ValidationError`, ...).
 */
function serviceAnswerOf(error: unknown): { status?: number; code?: string } {
  if (isRestError(error)) return { status: error.statusCode, code: error.code };
  const { statusCode, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  return typeof statusCode === "number" && typeof code === "string" ? { status: statusCode, code } : {};
}

function report(spec: CommandSpec, error: unknown, json: boolean, io: CommandIo): number {
  const code = exitCodeOf(error);
  const said = error instanceof Error ? error.message : String(error);
  const message = code === EXIT.usage ? withFlagNames(said, spec.flags) : said;
  if (json) {
    const { status, code: serviceCode } = serviceAnswerOf(error);
    io.out(JSON.stringify({ error: { message, status, code: serviceCode, exitCode: code } }));
  }
  io.err(`acs-identity ${spec.name}: ${message}`);
  if (error instanceof UsageError) io.err(`Run "acs-identity ${spec.name} --help" for usage.`);
  return code;
}

/** The command a spec describes. */
export function specCommand(spec: CommandSpec): Command {
  const text = usage(spec);
  return {
    summary: spec.summary,
    usage: text,
    async run(args, io) {
      const json = args.includes("--json");
      try {
        const values = parse(spec, args);
        if (values["help"]) {
          io.out(text);
          return EXIT.ok;
        }
        const missing = (spec.required ?? []).filter((name) => values[name] === undefined);
        if (missing.length > 0) throw new UsageError(`Missing ${missing.map((name) => `--${name}`).join(", ")}.`);
        spec.check?.(values);
        const output = await spec.action(values, io, clientFor(spec, values, io));
        if (json) io.out(JSON.stringify(output.json));
        else output.human.forEach((line) => io.out(line));
        return EXIT.ok;
      } catch (error) {
        return report(spec, error, json, io);
      }
    },
  };
}

/** The commands of some specs, by name. */
export function commandsOf(specs: readonly CommandSpec[]): Readonly<Record<string, Command>> {
  return Object.fromEntries(specs.map((spec) => [spec.name, specCommand(spec)]));
}

/** A string option's value. */
export const str = (values: Values, name: string): string | undefined => {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
};

/** A repeatable option's values (none when not given). */
export const strs = (values: Values, name: string): string[] => {
  const value = values[name];
  return Array.isArray(value) ? value : [];
};

/** A token and whom it is for: the lines and JSON of every command that prints one. */
export function tokenOutput(user: CommunicationUser, token: CommunicationAccessToken): Output {
  const expiresOn = token.expiresOn.toISOString();
  return {
    human: [`User:       ${user.communicationUserId}`, `Token:      ${token.token}`, `Expires on: ${expiresOn}`],
    json: { communicationUserId: user.communicationUserId, token: token.token, expiresOn },
  };
}
