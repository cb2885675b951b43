/**
 * The identity subcommands of the `acs-identity` command line: `create-user`, `issue-token`,
 * `create-user-and-token`, `revoke`, `delete-user`, `get-user` and `inspect-token`, as specs of
 * the shared runner (`commandRunner.ts`).
 */
import { DEFAULT_API_VERSION, type CommunicationIdentityClient } from "../client/communicationIdentityClient.js";
import { inspectToken } from "../credentials/inspectToken.js";
import type { TokenScope } from "../client/models.js";
import { CUSTOM_ID_API_VERSIONS } from "../client/apiVersions.js";
import type { Command } from "./command.js";
import { commandsOf, str, tokenOutput, UsageError, type CommandSpec, type Values } from "./commandRunner.js";

/** The api-version that has custom ids and `get-user`. */
const PREVIEW_API_VERSION = CUSTOM_ID_API_VERSIONS[0]!;

/** A Communication Services user id: `8:acs:<resource id>_<guid>`, or another `8:<kind>:` id the service issues. */
const USER_ID = /^8:[a-z0-9-]+:\S+$/i;

/**
 * A `--user` that is not a user id, which the client would word for programmers. Checked before
 * any request; scopes the api-version does not know the client refuses itself, also before any
 * request (a RangeError, so exit code 2).
 */
function checkUser(values: Values): void {
  const user = str(values, "user");
  if (user !== undefined && !USER_ID.test(user)) {
    throw new UsageError(
      `--user must be a user id such as 8:acs:<resource id>_<guid>, as create-user prints; ${JSON.stringify(user)} is not one.`,
    );
  }
}

/** `--scopes` as the client takes them; {@link checkUsage} has refused names the api-version does not know. */
const scopesOf = (values: Values): TokenScope[] => (str(values, "scopes") ?? "").split(",").map((scope) => scope.trim() as TokenScope);
/** `--minutes` as a number; anything but decimal digits becomes NaN, which the client refuses. */
function minutesOf(values: Values): number | undefined {
  const text = str(values, "minutes");
  if (text === undefined) return undefined;
  return /^\d+$/.test(text.trim()) ? Number(text) : NaN;
}

const USER_HELP = "  --user <id>         the user's id (8:acs:...)";
const SCOPES_HELP = "  --scopes <list>     comma-separated scopes, e.g. chat,voip";
const MINUTES_HELP = "  --minutes <n>       token lifetime, 60 to 1440 minutes (default 1440)";
const CUSTOM_ID_HELP = "  --custom-id <id>    your own key for the user (preview api-version)";
/** The preview api-version when a custom id is given (unless --api-version says otherwise). */
const previewForCustomId = (values: Values) => (values["custom-id"] === undefined ? undefined : PREVIEW_API_VERSION);

/** A command that changes one user (`--user`) and prints what it did. */
function userChange(
  name: string,
  summary: string,
  flag: "revoked" | "deleted",
  change: (client: CommunicationIdentityClient, id: string) => Promise<void>,
  done: string,
): CommandSpec {
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

const SPECS: CommandSpec[] = [
  {
    name: "create-user",
    summary: "create a user",
    help: [CUSTOM_ID_HELP],
    options: { "custom-id": { type: "string" } },
    remote: true,
    apiVersion: previewForCustomId,
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
    apiVersion: previewForCustomId,
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
    apiVersion: () => PREVIEW_API_VERSION,
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
export const IDENTITY_COMMANDS: Readonly<Record<string, Command>> = commandsOf(
  SPECS.map((spec) => ({
    apiVersionHelp: `default ${DEFAULT_API_VERSION}; ${PREVIEW_API_VERSION} for custom ids`,
    check: checkUser,
    ...spec,
  })),
);
