/**
 * The identity subcommands of the `acs-identity` command line: `create-user`, `issue-token`,
 * `create-user-and-token`, `revoke`, `delete-user`, `get-user` and `inspect-token`. One runner
 * serves them all: it parses options, reads the connection string from the environment (never
 * from an argument, which would land in shell history), calls the client, prints human lines or
 * `--json`, and maps failures to the exit codes in {@link EXIT}.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { isRestError } from "@azure/core-rest-pipeline";
import { CommunicationIdentityClient, DEFAULT_API_VERSION } from "../client/communicationIdentityClient.js";
import { parseConnectionString } from "../auth/connectionString.js";
import { assertSecureEndpoint } from "../auth/endpoint.js";
import { inspectToken } from "../credentials/inspectToken.js";
import type { CommunicationAccessToken, CommunicationUser, TokenScope } from "../client/models.js";
import { CUSTOM_ID_API_VERSIONS } from "../client/apiVersions.js";
import { EXIT, type Command, type CommandIo } from "./command.js";

/** The api-version that has custom ids and `get-user`. */
const PREVIEW_API_VERSION = CUSTOM_ID_API_VERSIONS[0]!;

type Values = Record<string, string | boolean | undefined>;
type Options = NonNullable<ParseArgsConfig["options"]>;

/** What an action returns: lines for people and one value for `--json`. */
interface Output {
  human: string[];
  json: unknown;
}

interface Spec {
  name: string;
  summary: string;
  /** Option lines for the help text, after the common ones. */
  help: string[];
  options: Options;
  required?: string[];
  /** Whether the command talks to the service (and so needs the connection string). */
  remote: boolean;
  /** Whether the command needs the preview api-version for these values. */
  preview?: (values: Values) => boolean;
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

/** A Communication Services user id: `8:acs:<resource id>_<guid>`, or another `8:<kind>:` id the service issues. */
const USER_ID = /^8:[a-z0-9-]+:\S+$/i;

class UsageError extends Error {}

function usage(spec: Spec): string {
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
          `  --api-version <v>   REST api-version (default ${DEFAULT_API_VERSION}; ${PREVIEW_API_VERSION} for custom ids)`,
          "  --allow-insecure    allow plain http to a host that is not loopback (requests and tokens unencrypted)",
        ]
      : []),
    "  --json              print one JSON object instead of lines of text",
    "  -h, --help          show this help",
    "",
    "Exit codes: 0 done, 1 service or network failure, 2 bad usage, 3 refused (401/403: wrong key or clock, or a user the resource does not own).",
  ];
  return lines.join("\n");
}

function parse(spec: Spec, args: string[]): Values {
  try {
    const options = { ...COMMON_OPTIONS, ...(spec.remote ? REMOTE_OPTIONS : {}), ...spec.options };
    const { values } = parseArgs({ args, strict: true, allowPositionals: false, options });
    return values as Values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function clientFor(spec: Spec, values: Values, io: CommandIo): CommunicationIdentityClient | undefined {
  if (!spec.remote) return undefined;
  const connectionString = io.env["COMMUNICATION_CONNECTION_STRING"];
  if (!connectionString) {
    throw new UsageError(
      "Set COMMUNICATION_CONNECTION_STRING to your resource's connection string (Azure portal, Keys), " +
        'or to a local emulator\'s (run "npx acs-identity emulator" and copy what it prints).',
    );
  }
  const { endpoint, credential } = parseConnectionString(connectionString);
  const allowInsecureConnection = values["allow-insecure"] === true;
  assertSecureEndpoint(new URL(endpoint), allowInsecureConnection, "pass --allow-insecure");
  return new CommunicationIdentityClient(endpoint, credential, { apiVersion: apiVersionOf(spec, values), allowInsecureConnection });
}

function apiVersionOf(spec: Spec, values: Values): string {
  return str(values, "api-version") ?? (spec.preview?.(values) ? PREVIEW_API_VERSION : DEFAULT_API_VERSION);
}

/**
 * A `--user` that is not a user id, which the client would word for programmers. Checked before
 * any request; scopes the api-version does not know the client refuses itself, also before any
 * request (a RangeError, so exit code 2).
 */
function checkUsage(values: Values): void {
  const user = str(values, "user");
  if (user !== undefined && !USER_ID.test(user)) {
    throw new UsageError(
      `--user must be a user id such as 8:acs:<resource id>_<guid>, as create-user prints; ${JSON.stringify(user)} is not one.`,
    );
  }
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

function report(spec: Spec, error: unknown, json: boolean, io: CommandIo): number {
  const code = exitCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const { status, code: serviceCode } = serviceAnswerOf(error);
    io.out(JSON.stringify({ error: { message, status, code: serviceCode, exitCode: code } }));
  }
  io.err(`acs-identity ${spec.name}: ${message}`);
  if (error instanceof UsageError) io.err(`Run "acs-identity ${spec.name} --help" for usage.`);
  return code;
}

function identityCommand(spec: Spec): Command {
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
        checkUsage(values);
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

const str = (values: Values, name: string): string | undefined => (typeof values[name] === "string" ? values[name] : undefined);
/** `--scopes` as the client takes them; {@link checkUsage} has refused names the api-version does not know. */
const scopesOf = (values: Values): TokenScope[] => (str(values, "scopes") ?? "").split(",").map((scope) => scope.trim() as TokenScope);
/** `--minutes` as a number; anything but decimal digits becomes NaN, which the client refuses. */
function minutesOf(values: Values): number | undefined {
  const text = str(values, "minutes");
  if (text === undefined) return undefined;
  return /^\d+$/.test(text.trim()) ? Number(text) : NaN;
}

function tokenOutput(user: CommunicationUser, token: CommunicationAccessToken): Output {
  const expiresOn = token.expiresOn.toISOString();
  return {
    human: [`User:       ${user.communicationUserId}`, `Token:      ${token.token}`, `Expires on: ${expiresOn}`],
    json: { communicationUserId: user.communicationUserId, token: token.token, expiresOn },
  };
}

const USER_HELP = "  --user <id>         the user's id (8:acs:...)";
const SCOPES_HELP = "  --scopes <list>     comma-separated scopes, e.g. chat,voip";
const MINUTES_HELP = "  --minutes <n>       token lifetime, 60 to 1440 minutes (default 1440)";
const CUSTOM_ID_HELP = "  --custom-id <id>    your own key for the user (preview api-version)";
const hasCustomId = (values: Values) => values["custom-id"] !== undefined;

/** A command that changes one user (`--user`) and prints what it did. */
function userChange(
  name: string,
  summary: string,
  flag: "revoked" | "deleted",
  change: (client: CommunicationIdentityClient, id: string) => Promise<void>,
  done: string,
): Spec {
  return {
    name,
    summary,
    help: [USER_HELP],
    options: { user: { type: "string" } },
    required: ["user"],
    remote: true,
    async action(values, _io, client) {
      const id = str(values, "user")!;
      await change(client!, id);
      return { human: [`${done} ${id}`], json: { communicationUserId: id, [flag]: true } };
    },
  };
}

const SPECS: Spec[] = [
  {
    name: "create-user",
    summary: "create a user",
    help: [CUSTOM_ID_HELP],
    options: { "custom-id": { type: "string" } },
    remote: true,
    preview: hasCustomId,
    async action(values, _io, client) {
      const customId = str(values, "custom-id");
      const user = await client!.createUser(customId === undefined ? {} : { customId });
      return { human: [`Created user ${user.communicationUserId}`], json: { communicationUserId: user.communicationUserId } };
    },
  },
  {
    name: "issue-token",
    summary: "issue an access token to a user",
    help: [USER_HELP, SCOPES_HELP, MINUTES_HELP],
    options: { user: { type: "string" }, scopes: { type: "string" }, minutes: { type: "string" } },
    required: ["user", "scopes"],
    remote: true,
    async action(values, _io, client) {
      const minutes = minutesOf(values);
      const result = await client!.issueToken(
        str(values, "user")!,
        scopesOf(values),
        minutes === undefined ? {} : { tokenExpiresInMinutes: minutes },
      );
      return tokenOutput(result.user, result);
    },
  },
  {
    name: "create-user-and-token",
    summary: "create a user and issue it an access token",
    help: [SCOPES_HELP, MINUTES_HELP, CUSTOM_ID_HELP],
    options: { scopes: { type: "string" }, minutes: { type: "string" }, "custom-id": { type: "string" } },
    required: ["scopes"],
    remote: true,
    preview: hasCustomId,
    async action(values, _io, client) {
      const minutes = minutesOf(values);
      const customId = str(values, "custom-id");
      const result = await client!.createUserAndToken(scopesOf(values), {
        ...(minutes === undefined ? {} : { tokenExpiresInMinutes: minutes }),
        ...(customId === undefined ? {} : { customId }),
      });
      return tokenOutput(result.user, result);
    },
  },
  userChange(
    "revoke",
    "revoke every token issued to a user so far",
    "revoked",
    (client, id) => client.revokeTokens(id),
    "Revoked the tokens of",
  ),
  userChange("delete-user", "delete a user, its tokens and its data", "deleted", (client, id) => client.deleteUser(id), "Deleted user"),
  {
    name: "get-user",
    summary: "show a user's custom id and when it last got a token (preview api-version)",
    help: [USER_HELP],
    options: { user: { type: "string" } },
    required: ["user"],
    remote: true,
    preview: () => true,
    async action(values, _io, client) {
      const details = await client!.getUser(str(values, "user")!);
      const lastTokenIssuedAt = details.lastTokenIssuedAt?.toISOString();
      return {
        human: [
          `User:                 ${details.user.communicationUserId}`,
          `Custom id:            ${details.customId ?? "(none)"}`,
          `Last token issued at: ${lastTokenIssuedAt ?? "(never)"}`,
        ],
        json: { communicationUserId: details.user.communicationUserId, customId: details.customId, lastTokenIssuedAt },
      };
    },
  },
  {
    name: "inspect-token",
    summary: "read an access token's claims locally (the token comes on standard input)",
    help: ['  (pipe the token in: echo "$TOKEN" | acs-identity inspect-token)'],
    options: {},
    remote: false,
    async action(_values, io) {
      const token = (await io.readStdin())?.trim();
      if (!token) throw new UsageError('Pipe the token on standard input, e.g. echo "$TOKEN" | acs-identity inspect-token.');
      const inspection = inspectToken(token);
      const human = inspection.decodable
        ? [
            `User:       ${inspection.communicationUserId ?? "(unknown)"}`,
            `Scopes:     ${inspection.scopes?.join(", ") ?? "(unknown)"}`,
            `Expires on: ${inspection.expiresOn?.toISOString() ?? "(unknown)"}`,
            `Resource:   ${inspection.resourceId ?? "(unknown)"}`,
          ]
        : ["The token is opaque (encrypted or not a JWT): its claims cannot be read locally."];
      return { human, json: { ...inspection, expiresOn: inspection.expiresOn?.toISOString() } };
    },
  },
];

/** The identity subcommands, by name. */
export const IDENTITY_COMMANDS: Readonly<Record<string, Command>> = Object.fromEntries(
  SPECS.map((spec) => [spec.name, identityCommand(spec)]),
);
