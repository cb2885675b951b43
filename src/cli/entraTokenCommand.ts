/**
 * `acs-identity entra-token`: mints a test Microsoft Entra token offline (no emulator, no Entra),
 * for trying the token exchanges against the emulator from a shell. The token alone goes to
 * standard output, so that `TOKEN=$(acs-identity entra-token ...)` captures it.
 */
import { parseArgs } from "node:util";
import { entraTestTokenJson, mintEntraTestToken, type EntraTestTokenOptions } from "../emulator/entra/entraTestTokens.js";
import { EXIT, type Command, type CommandIo } from "./command.js";
import { withFlagNames } from "./commandRunner.js";

const USAGE = `Usage: acs-identity entra-token --tenant <guid> --user <guid> --client-id <guid> [options]

Mints a test Microsoft Entra access token, offline, for the emulator's token exchanges
(the emulator reads its claims and does not check Microsoft's signature). Prints the token.

Options:
  --tenant <guid>     the Entra tenant (tid)
  --user <guid>       the user's object id (oid)
  --client-id <guid>  the application the user signed in to (azp; appid with --v1)
  --scope <scope>     a scope asked for; repeatable, all of one family (default
                      https://communication.azure.com/clients/.default; Teams Phone
                      extensibility: https://auth.msft.communication.azure.com/...)
  --group <guid>      a group the user is in (groups); repeatable
  --minutes <n>       lifetime, 1 to 1440 minutes (default 60)
  --v1                a v1 token (appid, sts.windows.net issuer) instead of v2
  --json              print {"token","expiresOn","claims"} instead of the token
  -h, --help          show this help

Exit codes: 0 done, 2 bad usage.`;

/** The command line's name of each option the minting checks, for its messages. */
const FLAGS: Readonly<Record<string, string>> = {
  tenantId: "--tenant",
  objectId: "--user",
  clientId: "--client-id",
  scopes: "--scope",
  groups: "--group",
  expiresInMinutes: "--minutes",
};

/**
 * Turns the command line into mint options.
 *
 * @throws TypeError for an unknown option or a missing required one; RangeError for `--minutes` that is not a whole number.
 */
export function parseEntraTokenArgs(args: string[]): EntraTestTokenOptions & { help: boolean; json: boolean } {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      tenant: { type: "string" },
      user: { type: "string" },
      "client-id": { type: "string" },
      scope: { type: "string", multiple: true },
      group: { type: "string", multiple: true },
      minutes: { type: "string" },
      v1: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const help = values.help ?? false;
  const missing = (["tenant", "user", "client-id"] as const).filter((name) => values[name] === undefined);
  if (missing.length > 0 && !help) throw new TypeError(`Missing ${missing.map((name) => `--${name}`).join(", ")}.`);
  const { minutes } = values;
  if (minutes !== undefined && !/^\d+$/.test(minutes))
    throw new RangeError(`--minutes must be a whole number from 1 to 1440; got "${minutes}".`);
  return {
    help,
    json: values.json ?? false,
    tenantId: values.tenant ?? "",
    objectId: values.user ?? "",
    clientId: values["client-id"] ?? "",
    ...(values.scope === undefined ? {} : { scopes: values.scope }),
    ...(values.group === undefined ? {} : { groups: values.group }),
    ...(minutes === undefined ? {} : { expiresInMinutes: Number(minutes) }),
    ...(values.v1 === true ? { version: 1 as const } : {}),
  };
}

async function run(args: string[], io: CommandIo): Promise<number> {
  const json = args.includes("--json");
  try {
    const { help, json: _json, ...options } = parseEntraTokenArgs(args);
    if (help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const minted = mintEntraTestToken(options);
    io.out(json ? JSON.stringify(entraTestTokenJson(minted)) : minted.token);
    return EXIT.ok;
  } catch (error) {
    // The minting names its options as the API does (tenantId, groups[1]); say the flag instead.
    const message = withFlagNames((error as Error).message, FLAGS);
    if (json) io.out(JSON.stringify({ error: { message, exitCode: EXIT.usage } }));
    io.err(`acs-identity entra-token: ${message}`);
    io.err('Run "acs-identity entra-token --help" for usage.');
    return EXIT.usage;
  }
}

/** The `entra-token` subcommand. */
export const entraTokenCommand: Command = { summary: "mint a test Microsoft Entra token, offline, for the emulator", usage: USAGE, run };
