/**
 * The assignment subcommands of the `acs-identity` command line, named verb-noun like the
 * identity commands (`get-user`, `delete-user`): `get-`, `set-` and `delete-teams-assignment`
 * (Teams Phone extensibility, by tenant and object), and `list-`, `get-`, `set-`, `delete-entra-assignment(s)`
 * and `update-entra-assignments` (Microsoft Entra ID users, by object). Specs of the shared runner
 * (`commandRunner.ts`); each group defaults to its own api-version.
 */
import type { CommunicationIdentityClient } from "../client/communicationIdentityClient.js";
import type { EntraAssignment, TeamsExtensionAssignment } from "../client/assignmentModels.js";
import { FEATURE_API_VERSIONS } from "../client/apiVersions.js";
import type { Command, CommandIo } from "./command.js";
import { commandsOf, str, strs, UsageError, type CommandSpec, type Output, type Values } from "./commandRunner.js";

/** The flags of the client's argument names, for its messages. */
const FLAGS: Readonly<Record<string, string>> = {
  tenantId: "--tenant",
  objectId: "--object",
  "assignment.tenantId": "--tenant",
  "assignment.principalType": "--principal-type",
  "assignment.clientIds": "--client-id",
};

const REFUSED = "401/403: wrong key or clock";
const GUID_OPTION = { type: "string" } as const;
const CLIENT_IDS_OPTION = { type: "string", multiple: true } as const;

const TENANT_HELP = "  --tenant <guid>     the Entra tenant id";
const OBJECT_HELP = "  --object <guid>     the Entra object id of the user or resource account";

/**
 * The options and help of a set command: `--tenant`, `--object`, `--principal-type` and `--client-id`.
 *
 * @param ids - the help of `--tenant` and `--object`, in the order the command names them.
 * @param types - the principal types the service knows.
 * @param clients - which applications may exchange when no `--client-id` is given.
 */
function setOptions(ids: string[], types: string, clients: string): Pick<CommandSpec, "help" | "options" | "required"> {
  return {
    help: [
      ...ids,
      "  --principal-type <type>",
      `                      ${types}`,
      `  --client-id <guid>  an Entra application allowed to exchange; repeatable (default: ${clients})`,
    ],
    options: { tenant: GUID_OPTION, object: GUID_OPTION, "principal-type": { type: "string" }, "client-id": CLIENT_IDS_OPTION },
    required: ["tenant", "object", "principal-type"],
  };
}

/**
 * One line per assignment: object id, principal type, tenant and the client ids allowed (`any`
 * for a Teams assignment without `clientIds`, `none` for an empty list).
 */
function lineOf({ objectId, principalType, tenantId, clientIds }: TeamsExtensionAssignment | EntraAssignment): string {
  const clients = clientIds === undefined ? "any" : clientIds.length === 0 ? "none" : clientIds.join(",");
  return `${objectId} ${principalType} tenant=${tenantId} clients=${clients}`;
}

/** The output of one assignment: its line, and the client's model under `--json`. */
const one = (assignment: TeamsExtensionAssignment | EntraAssignment): Output => ({ human: [lineOf(assignment)], json: assignment });

/** `--tenant` and `--object`, as the client takes them (it checks they are GUIDs). */
const tenantAndObject = (values: Values): [string, string] => [str(values, "tenant")!, str(values, "object")!];

/** Defaults, help and flags of each group's specs. */
function group(apiVersions: readonly string[], specs: Array<Omit<CommandSpec, "remote">>): CommandSpec[] {
  return specs.map((spec) => ({ remote: true, apiVersions, refused: REFUSED, flags: FLAGS, ...spec }));
}

type Client = CommunicationIdentityClient;

/** The options and help of the commands that name one Teams assignment. */
const TEAMS_IDS = {
  help: [TENANT_HELP, OBJECT_HELP],
  options: { tenant: GUID_OPTION, object: GUID_OPTION },
  required: ["tenant", "object"],
} satisfies Pick<CommandSpec, "help" | "options" | "required">;

const TEAMS_SPECS = group(FEATURE_API_VERSIONS.teamsExtension, [
  {
    name: "get-teams-assignment",
    summary: "show a Teams Phone extensibility assignment",
    ...TEAMS_IDS,
    async action(values, _io, client) {
      return one(await client!.getTeamsExtensionAssignment(...tenantAndObject(values)));
    },
  },
  {
    name: "set-teams-assignment",
    summary: "create or replace a Teams Phone extensibility assignment",
    ...setOptions([TENANT_HELP, OBJECT_HELP], "user or resourceAccount", "any"),
    async action(values, _io, client) {
      const clientIds = strs(values, "client-id");
      const assignment = { principalType: str(values, "principal-type")!, ...(clientIds.length > 0 ? { clientIds } : {}) };
      return one(await client!.setTeamsExtensionAssignment(...tenantAndObject(values), assignment));
    },
  },
  {
    name: "delete-teams-assignment",
    summary: "delete a Teams Phone extensibility assignment",
    ...TEAMS_IDS,
    async action(values, _io, client) {
      const [tenantId, objectId] = tenantAndObject(values);
      await client!.deleteTeamsExtensionAssignment(tenantId, objectId);
      return { human: [`Deleted the assignment of ${objectId} in tenant ${tenantId}`], json: { tenantId, objectId, deleted: true } };
    },
  },
]);

const ENTRA_OBJECT_HELP = "  --object <guid>     the Entra object id of the user, group or tenant";

/** The options and help of the commands that name one Entra assignment. */
const ENTRA_IDS = {
  help: [ENTRA_OBJECT_HELP],
  options: { object: GUID_OPTION },
  required: ["object"],
} satisfies Pick<CommandSpec, "help" | "options" | "required">;

/** Reads `update-entra-assignments`' changes from standard input; the client checks their shape. */
async function changesOf(io: CommandIo): Promise<Record<string, unknown>> {
  const text = (await io.readStdin())?.trim();
  if (!text) throw new UsageError("Pipe the changes on standard input, e.g. acs-identity update-entra-assignments < changes.json.");
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UsageError(
      'Standard input is not JSON: give an object of object ids to {"tenantId","principalType","clientIds"}, or to null to remove one.',
    );
  }
}

async function listAll(client: Client): Promise<EntraAssignment[]> {
  const all: EntraAssignment[] = [];
  for await (const assignment of client.listEntraAssignments()) all.push(assignment);
  return all;
}

const ENTRA_SPECS = group(FEATURE_API_VERSIONS.entra, [
  {
    name: "list-entra-assignments",
    summary: "list the Microsoft Entra ID assignments, every page",
    help: [],
    options: {},
    async action(_values, _io, client) {
      const all = await listAll(client!);
      return { human: all.map(lineOf), json: all };
    },
  },
  {
    name: "get-entra-assignment",
    summary: "show a Microsoft Entra ID assignment",
    ...ENTRA_IDS,
    async action(values, _io, client) {
      return one(await client!.getEntraAssignment(str(values, "object")!));
    },
  },
  {
    name: "set-entra-assignment",
    summary: "create or replace a Microsoft Entra ID assignment",
    ...setOptions([ENTRA_OBJECT_HELP, TENANT_HELP], "user, group or tenant", "none"),
    async action(values, _io, client) {
      const assignment = {
        tenantId: str(values, "tenant")!,
        principalType: str(values, "principal-type")!,
        clientIds: strs(values, "client-id"),
      };
      return one(await client!.setEntraAssignment(str(values, "object")!, assignment));
    },
  },
  {
    name: "delete-entra-assignment",
    summary: "delete a Microsoft Entra ID assignment",
    ...ENTRA_IDS,
    async action(values, _io, client) {
      const objectId = str(values, "object")!;
      await client!.deleteEntraAssignment(objectId);
      return { human: [`Deleted the assignment of ${objectId}`], json: { objectId, deleted: true } };
    },
  },
  {
    name: "update-entra-assignments",
    summary: "set and remove Microsoft Entra ID assignments in one request (JSON merge patch on standard input)",
    help: [
      '  (pipe {"<object id>": {"tenantId","principalType","clientIds"} or null, ...} in:',
      "   acs-identity update-entra-assignments < changes.json)",
    ],
    options: {},
    async action(_values, io, client) {
      const changes = await changesOf(io);
      const set = await client!.updateEntraAssignments(changes as Parameters<Client["updateEntraAssignments"]>[0]);
      const removed = Object.keys(changes).filter((objectId) => changes[objectId] === null);
      return {
        human: [...set.map(lineOf), ...removed.map((objectId) => `Removed the assignment of ${objectId}, if it had one`)],
        json: set,
      };
    },
  },
]);

/** The assignment subcommands, by name. */
export const ASSIGNMENT_COMMANDS: Readonly<Record<string, Command>> = commandsOf([...TEAMS_SPECS, ...ENTRA_SPECS]);
