/**
 * Every assignment operation of CommunicationIdentityClient against a real emulator: Teams Phone
 * extensibility on both api-versions and Microsoft Entra ID users on the preview, key-signed and
 * with an Entra TokenCredential; each success with the exact models, and each error the service
 * lists or the emulator answers, as the caller receives it.
 */
import type { TokenCredential } from "@azure/core-auth";
import { AzureKeyCredential } from "@azure/core-auth";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import type { EntraAssignment } from "../../src/client/assignmentModels.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { send } from "../emulator/helpers.js";
import { CLIENT_ID, OBJECT_ID, TENANT_ID } from "../helpers/assignmentExamples.js";

const PREVIEW = "2025-03-02-preview";
const STABLE = "2025-06-30";
const OTHER_CLIENT = "aaaaaaaa-0000-4000-8000-000000000001";
const GROUP = "fd63f3cb-3731-4d15-8e47-9d062aba58c5";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ allowBearer: true });
});
afterAll(() => emulator.close());
afterEach(async () => {
  expect((await send(emulator.endpoint, { method: "POST", path: "/_emulator/api/reset" })).status).toBe(204);
});

/** A key-signed client on an api-version; no retries, so that a refusal is the emulator's first answer. */
const clientOn = (apiVersion: string) =>
  new CommunicationIdentityClient(emulator.connectionString, { apiVersion, retryOptions: { maxRetries: 0 } });

/** The caller's view of a rejection: its class, message, status and code. */
async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; statusCode: unknown; code: unknown }> {
  const error = (await promise.then(
    () => expect.fail("expected a rejection"),
    (caught: unknown) => caught,
  )) as Error & { statusCode?: unknown; code?: unknown };
  return { name: error.name, message: error.message, statusCode: error.statusCode, code: error.code };
}

/** Object ids that sort in the order of `n`: `00000000-0000-4000-8000-000000000001`, ... */
const objectIdOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const entraAssignment = (n: number): EntraAssignment => ({
  objectId: objectIdOf(n),
  tenantId: TENANT_ID,
  principalType: "user",
  clientIds: [CLIENT_ID],
});

describe.each([STABLE, PREVIEW])("Teams Phone extensibility assignments on api-version %s", (apiVersion) => {
  it("creates (201), replaces (200), gets and deletes an assignment, with the exact models", async () => {
    const client = clientOn(apiVersion);
    expect(await client.setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { principalType: "resourceAccount" })).toStrictEqual({
      objectId: OBJECT_ID,
      tenantId: TENANT_ID,
      principalType: "resourceAccount",
    });
    const replaced = { objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID, OTHER_CLIENT] };
    expect(
      await client.setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { principalType: "user", clientIds: [CLIENT_ID, OTHER_CLIENT] }),
    ).toStrictEqual(replaced);
    expect(await client.getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID)).toStrictEqual(replaced);
    expect(await client.deleteTeamsExtensionAssignment(TENANT_ID, OBJECT_ID)).toBeUndefined();
    const log = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/requests" });
    const path = `/access/teamsExtension/tenants/${TENANT_ID}/assignments/${OBJECT_ID}`;
    type Logged = { method: string; path: string; apiVersion: string; status: number };
    expect(log.json.requests.map((request: Logged) => [request.method, request.path, request.apiVersion, request.status])).toStrictEqual([
      ["DELETE", path, apiVersion, 204],
      ["GET", path, apiVersion, 200],
      ["PUT", path, apiVersion, 200],
      ["PUT", path, apiVersion, 201],
    ]);
  });

  it("answers 404 AssignmentNotFound for a missing assignment, as a RestError", async () => {
    const client = clientOn(apiVersion);
    const notFound = {
      name: "RestError",
      message: `No Teams Phone extensibility assignment for object ${OBJECT_ID} in tenant ${TENANT_ID}.`,
      statusCode: 404,
      code: "AssignmentNotFound",
    };
    expect(await rejection(client.getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID))).toStrictEqual(notFound);
    expect(await rejection(client.deleteTeamsExtensionAssignment(TENANT_ID, OBJECT_ID))).toStrictEqual(notFound);
  });

  it("answers the emulator's 400 ValidationError for a principalType the client lets through", async () => {
    expect(
      await rejection(clientOn(apiVersion).setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { principalType: "group" })),
    ).toStrictEqual({
      name: "RestError",
      message: "Invalid principalType - it must be one of: user, resourceAccount, teamsResourceAccount.",
      statusCode: 400,
      code: "ValidationError",
    });
  });
});

describe("Teams Phone extensibility assignments on other api-versions", () => {
  it("takes the docs' principalType teamsResourceAccount as given", async () => {
    expect(
      await clientOn(STABLE).setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { principalType: "teamsResourceAccount" }),
    ).toStrictEqual({
      objectId: OBJECT_ID,
      tenantId: TENANT_ID,
      principalType: "teamsResourceAccount",
    });
  });

  it("refuses them before sending on the client's default api-version, with a RangeError", async () => {
    const client = new CommunicationIdentityClient(emulator.connectionString);
    expect(await rejection(client.getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID))).toStrictEqual({
      name: "RangeError",
      message: `getTeamsExtensionAssignment needs api-version ${STABLE} (or ${PREVIEW}), but this client uses 2023-10-01: create the client with { apiVersion: "${STABLE}" }.`,
      statusCode: 400,
      code: "ValidationError",
    });
    const log = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/requests" });
    expect(log.json.requests).toStrictEqual([]);
  });
});

describe("Microsoft Entra ID assignments (2025-03-02-preview)", () => {
  const client = () => clientOn(PREVIEW);

  it("creates (201), replaces (200), gets and deletes an assignment, with the exact models", async () => {
    const input = { tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] };
    const created = { objectId: OBJECT_ID, ...input };
    expect(await client().setEntraAssignment(OBJECT_ID, input)).toStrictEqual(created);
    expect(await client().setEntraAssignment(OBJECT_ID, { ...input, principalType: "group", clientIds: [] })).toStrictEqual({
      ...created,
      principalType: "group",
      clientIds: [],
    });
    expect(await client().getEntraAssignment(OBJECT_ID)).toStrictEqual({ ...created, principalType: "group", clientIds: [] });
    expect(await client().deleteEntraAssignment(OBJECT_ID)).toBeUndefined();
    const log = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/requests" });
    expect(log.json.requests.map((request: { method: string; status: number }) => [request.method, request.status])).toStrictEqual([
      ["DELETE", 204],
      ["GET", 200],
      ["PUT", 200],
      ["PUT", 201],
    ]);
    expect(await rejection(client().getEntraAssignment(OBJECT_ID))).toStrictEqual({
      name: "RestError",
      message: `No Microsoft Entra ID assignment for object ${OBJECT_ID}.`,
      statusCode: 404,
      code: "AssignmentNotFound",
    });
  });

  it("updates in bulk (merge patch): sets, replaces and removes with null; a removal alone answers []", async () => {
    await client().setEntraAssignment(GROUP, { tenantId: TENANT_ID, principalType: "group", clientIds: [] });
    const updated = await client().updateEntraAssignments({
      [OBJECT_ID]: { tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] },
      [GROUP]: null,
      [TENANT_ID]: { tenantId: TENANT_ID, principalType: "tenant", clientIds: [CLIENT_ID, OTHER_CLIENT] },
    });
    const user = { objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] };
    const tenant = { objectId: TENANT_ID, tenantId: TENANT_ID, principalType: "tenant", clientIds: [CLIENT_ID, OTHER_CLIENT] };
    expect(updated).toStrictEqual([user, tenant]);
    expect(await rejection(client().getEntraAssignment(GROUP))).toMatchObject({ statusCode: 404, code: "AssignmentNotFound" });
    expect(await client().updateEntraAssignments({ [OBJECT_ID]: null })).toStrictEqual([]);
    const listed = [];
    for await (const assignment of client().listEntraAssignments()) listed.push(assignment);
    expect(listed).toStrictEqual([tenant]);
  });

  it("lists three pages with for await, with byPage, and resumes from a continuationToken", async () => {
    const all = Array.from({ length: 205 }, (_, index) => entraAssignment(index + 1));
    const changes = Object.fromEntries(all.map(({ objectId, ...input }) => [objectId, input]));
    expect(await client().updateEntraAssignments(changes)).toStrictEqual(all);
    const items = [];
    for await (const assignment of client().listEntraAssignments()) items.push(assignment);
    expect(items).toStrictEqual(all);
    const pages = [];
    for await (const page of client().listEntraAssignments().byPage()) pages.push(page);
    const link = (after: number) => `${emulator.endpoint}/access/entra/assignments?api-version=${PREVIEW}&skipToken=${objectIdOf(after)}`;
    expect(pages.map((page) => [page.length, page.continuationToken])).toStrictEqual([
      [100, link(100)],
      [100, link(200)],
      [5, undefined],
    ]);
    expect([...pages[0]!, ...pages[1]!, ...pages[2]!]).toStrictEqual(all);
    const resumed = [];
    for await (const page of client().listEntraAssignments().byPage({ continuationToken: pages[0]!.continuationToken! }))
      resumed.push(page);
    expect(resumed.map((page) => [...page])).toStrictEqual([all.slice(100, 200), all.slice(200)]);
    expect(resumed.map((page) => page.continuationToken)).toStrictEqual([link(200), undefined]);
  });

  it("answers the emulator's 400 ValidationError for a principalType the client lets through, in a PUT and in a bulk update", async () => {
    const refused = {
      name: "RestError",
      message: "Invalid principalType - it must be one of: user, group, tenant.",
      statusCode: 400,
      code: "ValidationError",
    };
    const input = { tenantId: TENANT_ID, principalType: "resourceAccount", clientIds: [CLIENT_ID] };
    expect(await rejection(client().setEntraAssignment(OBJECT_ID, input))).toStrictEqual(refused);
    expect(await rejection(client().updateEntraAssignments({ [OBJECT_ID]: input }))).toStrictEqual(refused);
    expect(emulator.identities()).toStrictEqual([]);
    const listed = [];
    for await (const assignment of client().listEntraAssignments()) listed.push(assignment);
    expect(listed).toStrictEqual([]);
  });

  it("refuses every Entra operation before sending on api-version 2025-06-30, with a RangeError", async () => {
    const stable = clientOn(STABLE);
    const refusal = (method: string) => ({
      name: "RangeError",
      message: `${method} needs api-version ${PREVIEW}, but this client uses ${STABLE}: create the client with { apiVersion: "${PREVIEW}" }.`,
      statusCode: 400,
      code: "ValidationError",
    });
    const input = { tenantId: TENANT_ID, principalType: "user", clientIds: [] };
    expect(await rejection(stable.getEntraAssignment(OBJECT_ID))).toStrictEqual(refusal("getEntraAssignment"));
    expect(await rejection(stable.setEntraAssignment(OBJECT_ID, input))).toStrictEqual(refusal("setEntraAssignment"));
    expect(await rejection(stable.deleteEntraAssignment(OBJECT_ID))).toStrictEqual(refusal("deleteEntraAssignment"));
    expect(await rejection(stable.updateEntraAssignments({ [OBJECT_ID]: null }))).toStrictEqual(refusal("updateEntraAssignments"));
    expect(await rejection(Promise.resolve().then(() => stable.listEntraAssignments()))).toStrictEqual(refusal("listEntraAssignments"));
    const log = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/requests" });
    expect(log.json.requests).toStrictEqual([]);
  });
});

describe("authentication", () => {
  it("answers 401 Denied to a client with a wrong key, for both groups", async () => {
    const wrongKey = Buffer.alloc(64, 7).toString("base64");
    const endpoint = `${emulator.endpoint}/`;
    const denied = {
      name: "RestError",
      message:
        "Denied by the resource provider. Check that the access key belongs to this endpoint's resource, and that the machine's clock is right.",
      statusCode: 401,
      code: "Denied",
    };
    const teams = new CommunicationIdentityClient(endpoint, new AzureKeyCredential(wrongKey), {
      apiVersion: STABLE,
      retryOptions: { maxRetries: 0 },
    });
    expect(await rejection(teams.getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID))).toStrictEqual(denied);
    const entra = new CommunicationIdentityClient(`endpoint=${endpoint};accesskey=${wrongKey}`, {
      apiVersion: PREVIEW,
      retryOptions: { maxRetries: 0 },
    });
    expect(
      await rejection(entra.setEntraAssignment(OBJECT_ID, { tenantId: TENANT_ID, principalType: "user", clientIds: [] })),
    ).toStrictEqual(denied);
    expect(await rejection(entra.listEntraAssignments().next())).toStrictEqual(denied);
  });

  it("works with a Microsoft Entra TokenCredential (the emulator started with allowBearer), for both groups", async () => {
    const asked: string[][] = [];
    const credential: TokenCredential = {
      getToken: async (scopes) => {
        asked.push(typeof scopes === "string" ? [scopes] : scopes);
        return { token: "entra-admin-token", expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const client = new CommunicationIdentityClient(emulator.endpoint, credential, { apiVersion: PREVIEW });
    const teams = { objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "user", clientIds: [] };
    expect(await client.setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { principalType: "user", clientIds: [] })).toStrictEqual(teams);
    expect(await client.getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID)).toStrictEqual(teams);
    const entra = { objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] };
    expect(
      await client.updateEntraAssignments({ [OBJECT_ID]: { tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] } }),
    ).toStrictEqual([entra]);
    const listed = [];
    for await (const assignment of client.listEntraAssignments()) listed.push(assignment);
    expect(listed).toStrictEqual([entra]);
    await client.deleteEntraAssignment(OBJECT_ID);
    await client.deleteTeamsExtensionAssignment(TENANT_ID, OBJECT_ID);
    expect(asked[0]).toStrictEqual(["https://communication.azure.com//.default"]);
    const log = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/requests" });
    expect(log.json.requests.map((request: { status: number }) => request.status)).toStrictEqual([204, 204, 200, 200, 200, 201]);
  });
});

describe("over HTTPS", () => {
  it("follows nextLink on the emulator's https origin", async () => {
    const secure = await startEmulator({ tls: true });
    try {
      const client = new CommunicationIdentityClient(secure.connectionString, {
        apiVersion: PREVIEW,
        tlsOptions: { ca: secure.certificate! },
      });
      const all = Array.from({ length: 101 }, (_, index) => entraAssignment(index + 1));
      await client.updateEntraAssignments(Object.fromEntries(all.map(({ objectId, ...input }) => [objectId, input])));
      const pages = [];
      for await (const page of client.listEntraAssignments().byPage()) pages.push(page);
      expect(pages.map((page) => [page.length, page.continuationToken])).toStrictEqual([
        [100, `${secure.endpoint}/access/entra/assignments?api-version=${PREVIEW}&skipToken=${objectIdOf(100)}`],
        [1, undefined],
      ]);
      expect(pages.flat()).toStrictEqual(all);
    } finally {
      await secure.close();
    }
  });
});
