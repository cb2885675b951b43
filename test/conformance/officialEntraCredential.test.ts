/**
 * Microsoft's code, not ours: `AzureCommunicationTokenCredential` of @azure/communication-common
 * with `EntraCommunicationTokenCredentialOptions` (its Entra token exchange), its `tokenCredential`
 * the emulator's `EntraTestCredential` (from the BUILT package, `acs-identity/emulator`), against
 * the emulator over HTTPS, in a Node.js process that trusts the emulator's certificate through
 * NODE_EXTRA_CA_CERTS (Microsoft's credential refuses plain http and takes no CA option). Both
 * scope families, an endpoint with a trailing slash, and the refusal without an assignment.
 * `npm test` builds first; alone, run `npm run build` before this file.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import { inspectToken } from "../../src/credentials/inspectToken.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { send } from "../emulator/helpers.js";
import { APP, GROUP, TENANT, USER } from "../helpers/entraIds.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const RESOURCE = "2dee53b4-368b-45b4-ab52-8493fb117652";
const UNASSIGNED = "aaaaaaaa-0000-4000-8000-000000000003";
const TEAMS_SCOPE = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";
const ENTRA_ID = `8:acs:${RESOURCE}_wf_${TENANT}_${USER}`;
const TEAMS_ID = `8:acs:${RESOURCE}_${TENANT}_${USER}`;

/** One run of Microsoft's credential in the child process. */
interface Case {
  name: string;
  trailingSlash?: boolean;
  scopes?: string[];
  objectId: string;
}

/** What the child saw: the token (or the error) and the expiry of each Entra token it was given. */
interface Outcome {
  token?: { token: string; expiresOnTimestamp: number };
  error?: { name: string; message: string };
  entraExpiries: number[];
}

// Runs each case in turn: the credential pre-warms in its constructor, then getToken awaits that exchange.
const CHILD = `
  import { AzureCommunicationTokenCredential } from "@azure/communication-common";
  import { EntraTestCredential } from "acs-identity/emulator";
  const { endpoint, tenantId, clientId, cases } = JSON.parse(process.env.RUN);
  const outcomes = {};
  for (const { name, trailingSlash, scopes, objectId } of cases) {
    const entra = new EntraTestCredential({ tenantId, objectId, clientId });
    const entraExpiries = [];
    const tokenCredential = {
      async getToken(asked, options) {
        const token = await entra.getToken(asked, options);
        entraExpiries.push(token.expiresOnTimestamp);
        return token;
      },
    };
    const resourceEndpoint = trailingSlash ? endpoint + "/" : endpoint;
    const credential = new AzureCommunicationTokenCredential({ resourceEndpoint, tokenCredential, ...(scopes ? { scopes } : {}) });
    try {
      outcomes[name] = { token: await credential.getToken(), entraExpiries };
    } catch (error) {
      outcomes[name] = { error: { name: error.name, message: error.message }, entraExpiries };
    }
    credential.dispose();
  }
  console.log(JSON.stringify(outcomes));`;

const CASES: Case[] = [
  { name: "entra default", objectId: USER },
  { name: "entra VoIP", scopes: ["https://communication.azure.com/clients/VoIP"], objectId: USER },
  { name: "teams", scopes: [TEAMS_SCOPE], objectId: USER },
  { name: "entra trailing slash", trailingSlash: true, objectId: USER },
  { name: "teams trailing slash", trailingSlash: true, scopes: [TEAMS_SCOPE], objectId: USER },
  { name: "entra unassigned", objectId: UNASSIGNED },
  { name: "teams unassigned", scopes: [TEAMS_SCOPE], objectId: UNASSIGNED },
];

let dataDir: string;
let emulator: Emulator;
let outcomes: Record<string, Outcome>;
/** The exchanges the emulator answered, oldest first: the request target as sent, and the status. */
let exchanges: Array<[string, number]>;

beforeAll(async () => {
  for (const file of ["dist/esm/emulator/index.js", "dist/cjs/emulator/index.js"]) {
    if (!existsSync(new URL(`../../${file}`, import.meta.url))) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  }
  dataDir = await mkdtemp(join(tmpdir(), "acs-official-entra-"));
  emulator = await startEmulator({ tls: true, dataDir, resourceId: RESOURCE });
  const admin = new CommunicationIdentityClient(emulator.connectionString, {
    apiVersion: "2025-03-02-preview",
    tlsOptions: { ca: emulator.certificate! },
  });
  // The user through a group for Entra ID users, directly for Teams Phone extensibility; nothing for UNASSIGNED.
  await admin.setEntraAssignment(USER, { tenantId: TENANT, principalType: "user", clientIds: [APP] });
  await admin.setEntraAssignment(GROUP, { tenantId: TENANT, principalType: "group", clientIds: [APP] });
  await admin.setTeamsExtensionAssignment(TENANT, USER, { principalType: "user" });
  // The first Teams exchange is answered 503 with Retry-After: 0 once: Microsoft's credential retries it.
  emulator.faults.add({ operation: "exchangeTeamsExtensionToken", status: 503, retryAfterSeconds: 0 });
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", CHILD], {
    cwd: root,
    env: {
      PATH: process.env["PATH"] ?? "",
      NODE_EXTRA_CA_CERTS: emulator.certificatePath!,
      RUN: JSON.stringify({ endpoint: emulator.endpoint, tenantId: TENANT, clientId: APP, cases: CASES }),
    },
  });
  outcomes = JSON.parse(stdout) as Record<string, Outcome>;
  const log = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/requests", ca: emulator.certificate! });
  exchanges = (log.json.requests as Array<{ path: string; status: number }>)
    .filter(({ path }) => path.endsWith(":exchangeAccessToken"))
    .map(({ path, status }): [string, number] => [path, status])
    .reverse();
}, 30_000);
afterAll(async () => {
  await emulator?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Checks a successful outcome: the emulator's token for `id`, expiring with the one Entra token. */
function expectToken(outcome: Outcome, id: string, scopes: string[]): void {
  expect(outcome.error).toBeUndefined();
  expect(outcome.entraExpiries).toHaveLength(1);
  const expiresOnTimestamp = outcome.entraExpiries[0]!;
  expect(outcome.token).toStrictEqual({ token: expect.any(String), expiresOnTimestamp });
  expect(inspectToken(outcome.token!.token)).toStrictEqual({
    decodable: true,
    expiresOn: new Date(expiresOnTimestamp),
    scopes,
    communicationUserId: id,
    resourceId: RESOURCE,
  });
}

describe("Microsoft's AzureCommunicationTokenCredential with Entra options, against the emulator over HTTPS", () => {
  it("exchanges for Microsoft Entra ID users with the default scope (clients/.default)", () => {
    expectToken(outcomes["entra default"]!, ENTRA_ID, ["chat", "chat.join", "chat.join.limited", "voip", "voip.join"]);
  });

  it("exchanges for Microsoft Entra ID users with clients/VoIP", () => {
    expectToken(outcomes["entra VoIP"]!, ENTRA_ID, ["voip"]);
  });

  it("exchanges for Teams Phone extensibility with TeamsExtension.ManageCalls, retrying the emulator's 503", () => {
    expectToken(outcomes["teams"]!, TEAMS_ID, ["voip"]);
  });

  it("exchanges with an endpoint that ends in a slash, which it joins into //access/... (ASSUMPTIONS.md 36)", () => {
    expectToken(outcomes["entra trailing slash"]!, ENTRA_ID, ["chat", "chat.join", "chat.join.limited", "voip", "voip.join"]);
    expectToken(outcomes["teams trailing slash"]!, TEAMS_ID, ["voip"]);
  });

  it("rejects, with the emulator's 403 in its message, for a user without an assignment", () => {
    const body = (code: string, message: string) => JSON.stringify({ error: { code, message } });
    expect(outcomes["entra unassigned"]).toStrictEqual({
      error: {
        name: "Error",
        message: `Service request failed. Status: 403, Body: ${body(
          "UserNotAssigned",
          `No Microsoft Entra ID assignment covers user ${UNASSIGNED} of tenant ${TENANT}: none for the user, its 0 groups or the tenant.`,
        )}`,
      },
      entraExpiries: [expect.any(Number)],
    });
    expect(outcomes["teams unassigned"]).toStrictEqual({
      error: {
        name: "Error",
        message: `Service request failed. Status: 403, Body: ${body(
          "UserNotAssigned",
          `No Teams Phone extensibility assignment for user ${UNASSIGNED} in tenant ${TENANT}.`,
        )}`,
      },
      entraExpiries: [expect.any(Number)],
    });
  });

  it("sent each exchange once (the 503 twice), to the family's path, as the emulator logged them", () => {
    const entra = "/access/entra/:exchangeAccessToken";
    const teams = "/access/teamsExtension/:exchangeAccessToken";
    expect(exchanges).toStrictEqual([
      [entra, 200],
      [entra, 200],
      [teams, 503],
      [teams, 200],
      [`/${entra}`, 200],
      [`/${teams}`, 200],
      [entra, 403],
      [teams, 403],
    ]);
  });
});
