// The Teams Phone extensibility assignment operations against a loopback server that answers with
// the REST specification's examples: the exact request on the wire (signed as the service checks
// it), the exact result, every argument check with nothing sent, and the api-version gate.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isRestError } from "@azure/core-rest-pipeline";
import type { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import type { TeamsExtensionAssignmentInput } from "../src/client/assignmentModels.js";
import { expectRequest, refusedWith, startAssignmentServer, v400, type AssignmentServer } from "./helpers/assignmentServer.js";
import { CLIENT_ID, OBJECT_ID, TEAMS_EXTENSION_ASSIGNMENT, TEAMS_EXTENSION_REQUEST, TENANT_ID } from "./helpers/assignmentExamples.js";

const STABLE = "2025-06-30";
const PREVIEW = "2025-03-02-preview";
const PATH = `/access/teamsExtension/tenants/${TENANT_ID}/assignments/${OBJECT_ID}`;
let server: AssignmentServer;

beforeAll(async () => {
  server = await startAssignmentServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
});

describe.each([STABLE, PREVIEW])("api-version %s", (apiVersion) => {
  const url = `${PATH}?api-version=${apiVersion}`;

  it("getTeamsExtensionAssignment GETs the assignment and reads the example's body", async () => {
    server.reply = () => [200, TEAMS_EXTENSION_ASSIGNMENT];
    const assignment = await server.client(apiVersion).getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID);
    expect(assignment).toStrictEqual({ objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "resourceAccount" });
    expect(server.received).toHaveLength(1);
    await expectRequest(server.received[0], { method: "GET", url });
  });

  it.each([201, 200])("setTeamsExtensionAssignment PUTs the example's body; a %i answer is the assignment", async (status) => {
    server.reply = () => [status, TEAMS_EXTENSION_ASSIGNMENT];
    const assignment = await server
      .client(apiVersion)
      .setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { principalType: "resourceAccount" });
    expect(assignment).toStrictEqual({ objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "resourceAccount" });
    await expectRequest(server.received[0], { method: "PUT", url, body: TEAMS_EXTENSION_REQUEST });
  });

  it("deleteTeamsExtensionAssignment DELETEs the assignment; 204 resolves with nothing", async () => {
    server.reply = () => [204];
    await expect(server.client(apiVersion).deleteTeamsExtensionAssignment(TENANT_ID, OBJECT_ID)).resolves.toBeUndefined();
    await expectRequest(server.received[0], { method: "DELETE", url });
  });
});

describe("bodies", () => {
  it("sends clientIds when given (only the known fields), and reads clientIds into a copy, dropping unknown properties", async () => {
    const clientIds = [CLIENT_ID, "0e2a1e7a-6b52-4a7e-9c1a-5d3f6f0b9c11"];
    server.reply = () => [201, { ...TEAMS_EXTENSION_ASSIGNMENT, principalType: "user", clientIds, etag: "x", extra: { a: 1 } }];
    const input = { principalType: "user", clientIds, note: "not sent" } as TeamsExtensionAssignmentInput;
    const assignment = await server.client(STABLE).setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, input);
    expect(assignment).toStrictEqual({ objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "user", clientIds });
    await expectRequest(server.received[0], {
      method: "PUT",
      url: `${PATH}?api-version=${STABLE}`,
      body: { principalType: "user", clientIds },
    });
  });

  it("an empty clientIds is sent as it is", async () => {
    server.reply = () => [200, { ...TEAMS_EXTENSION_ASSIGNMENT, clientIds: [] }];
    const assignment = await server
      .client(STABLE)
      .setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { principalType: "user", clientIds: [] });
    expect(assignment).toStrictEqual({ ...TEAMS_EXTENSION_ASSIGNMENT, clientIds: [] });
    expect(server.received[0]!.body).toBe('{"principalType":"user","clientIds":[]}');
  });

  it("ids keep their case: the path is sent as given", async () => {
    server.reply = () => [200, TEAMS_EXTENSION_ASSIGNMENT];
    await server.client(STABLE).getTeamsExtensionAssignment(TENANT_ID.toUpperCase(), OBJECT_ID.toUpperCase());
    expect(server.received[0]!.url).toBe(
      `/access/teamsExtension/tenants/${TENANT_ID.toUpperCase()}/assignments/${OBJECT_ID.toUpperCase()}?api-version=${STABLE}`,
    );
  });

  it("the service's error is a RestError with its status, code and message", async () => {
    server.reply = () => [404, { error: { code: "AssignmentNotFound", message: "Assignment not found." } }];
    const error: unknown = await server
      .client(STABLE)
      .getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID)
      .catch((caught: unknown) => caught);
    expect(isRestError(error)).toBe(true);
    expect({ statusCode: (error as { statusCode: unknown }).statusCode, code: (error as { code: unknown }).code }).toStrictEqual({
      statusCode: 404,
      code: "AssignmentNotFound",
    });
    expect((error as Error).message).toContain("Assignment not found.");
  });

  it("a success status the operation does not have is an error (a 200 to a DELETE)", async () => {
    server.reply = () => [200, TEAMS_EXTENSION_ASSIGNMENT];
    const error = (await server
      .client(STABLE)
      .deleteTeamsExtensionAssignment(TENANT_ID, OBJECT_ID)
      .catch((caught: unknown) => caught)) as { statusCode: unknown };
    expect(error.statusCode).toBe(200);
  });

  it.each([
    [{ tenantId: TENANT_ID, principalType: "user" }, "an assignment without objectId, tenantId or principalType"],
    [{ ...TEAMS_EXTENSION_ASSIGNMENT, principalType: 1 }, "an assignment without objectId, tenantId or principalType"],
    [{ ...TEAMS_EXTENSION_ASSIGNMENT, clientIds: "x" }, "an assignment whose clientIds is not a list of strings"],
    [{ ...TEAMS_EXTENSION_ASSIGNMENT, clientIds: [1] }, "an assignment whose clientIds is not a list of strings"],
    [[TEAMS_EXTENSION_ASSIGNMENT], "an assignment without objectId, tenantId or principalType"],
  ])("an answer the client cannot read fails with PARSE_ERROR: %j", async (body, what) => {
    server.reply = () => [200, body];
    const error = (await server
      .client(STABLE)
      .getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID)
      .catch((caught: unknown) => caught)) as { message: string; code: string; statusCode: number };
    expect({ message: error.message, code: error.code, statusCode: error.statusCode }).toStrictEqual({
      message: `The service answered 200 with ${what}; this client cannot read it.`,
      code: "PARSE_ERROR",
      statusCode: 200,
    });
  });

  it("a null clientIds reads as none (the property is optional)", async () => {
    server.reply = () => [200, { ...TEAMS_EXTENSION_ASSIGNMENT, clientIds: null }];
    expect(await server.client(STABLE).getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID)).toStrictEqual(TEAMS_EXTENSION_ASSIGNMENT);
  });
});

const GUID_MESSAGE = "must be a GUID string (8-4-4-4-12 hexadecimal digits, as Entra ids are written).";

describe("argument checks: refused before anything is sent", () => {
  const client = () => server.client(STABLE);
  const set = (assignment: unknown) =>
    client().setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, assignment as TeamsExtensionAssignmentInput);
  const cases: Array<[string, () => Promise<unknown>, ReturnType<typeof v400>]> = [
    [
      "tenantId not a string",
      () => client().getTeamsExtensionAssignment(42 as never, OBJECT_ID),
      v400("TypeError", `tenantId ${GUID_MESSAGE}`),
    ],
    [
      "tenantId not a GUID",
      () => client().getTeamsExtensionAssignment("contoso.onmicrosoft.com", OBJECT_ID),
      v400("RangeError", `tenantId ${GUID_MESSAGE}`),
    ],
    ["tenantId empty", () => client().deleteTeamsExtensionAssignment("", OBJECT_ID), v400("RangeError", `tenantId ${GUID_MESSAGE}`)],
    [
      "tenantId with braces",
      () => client().deleteTeamsExtensionAssignment(`{${TENANT_ID}}`, OBJECT_ID),
      v400("RangeError", `tenantId ${GUID_MESSAGE}`),
    ],
    [
      "objectId missing",
      () => client().getTeamsExtensionAssignment(TENANT_ID, undefined as never),
      v400("TypeError", `objectId ${GUID_MESSAGE}`),
    ],
    [
      "objectId a path",
      () => client().deleteTeamsExtensionAssignment(TENANT_ID, "../../identities"),
      v400("RangeError", `objectId ${GUID_MESSAGE}`),
    ],
    [
      "objectId with a trailing newline",
      () => client().getTeamsExtensionAssignment(TENANT_ID, `${OBJECT_ID}\n`),
      v400("RangeError", `objectId ${GUID_MESSAGE}`),
    ],
    ["assignment missing", () => set(undefined), v400("TypeError", "assignment must be an object: { principalType, clientIds? }.")],
    ["assignment null", () => set(null), v400("TypeError", "assignment must be an object: { principalType, clientIds? }.")],
    ["assignment an array", () => set([]), v400("TypeError", "assignment must be an object: { principalType, clientIds? }.")],
    ["principalType missing", () => set({}), v400("TypeError", 'assignment.principalType must be a non-empty string, such as "user".')],
    [
      "principalType empty",
      () => set({ principalType: " " }),
      v400("RangeError", 'assignment.principalType must be a non-empty string, such as "user".'),
    ],
    [
      "clientIds not an array",
      () => set({ principalType: "user", clientIds: CLIENT_ID }),
      v400("TypeError", "assignment.clientIds must be an array of Entra application (client) id GUIDs; it may be empty."),
    ],
    [
      "clientIds null",
      () => set({ principalType: "user", clientIds: null }),
      v400("TypeError", "assignment.clientIds must be an array of Entra application (client) id GUIDs; it may be empty."),
    ],
    [
      "a clientId not a GUID",
      () => set({ principalType: "user", clientIds: [CLIENT_ID, "app"] }),
      v400("RangeError", `assignment.clientIds[1] ${GUID_MESSAGE}`),
    ],
    [
      "a clientId not a string",
      () => set({ principalType: "user", clientIds: [7] }),
      v400("TypeError", `assignment.clientIds[0] ${GUID_MESSAGE}`),
    ],
    [
      "options not an object",
      () => client().getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, 5 as never),
      v400("TypeError", "Options must be an object (or left out)."),
    ],
  ];

  it.each(cases)("%s", async (_what, call, expected) => {
    expect(await refusedWith(call)).toStrictEqual(expected);
    expect(server.received).toStrictEqual([]);
  });

  it("the ids are checked before the assignment", async () => {
    expect(await refusedWith(() => server.client(STABLE).setTeamsExtensionAssignment("x", OBJECT_ID, null as never))).toStrictEqual(
      v400("RangeError", `tenantId ${GUID_MESSAGE}`),
    );
  });
});

describe("api-version", () => {
  it.each(["2023-10-01", "2024-12-01-preview", "2021-03-07"])(
    "%s lacks the Teams extension assignments: RangeError, nothing sent",
    async (apiVersion) => {
      const client: CommunicationIdentityClient = server.client(apiVersion);
      const needs = (name: string) =>
        v400(
          "RangeError",
          `${name} needs api-version 2025-06-30 (or 2025-03-02-preview), but this client uses ${apiVersion}: create the client with { apiVersion: "2025-06-30" }.`,
        );
      expect(await refusedWith(() => client.getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID))).toStrictEqual(
        needs("getTeamsExtensionAssignment"),
      );
      expect(await refusedWith(() => client.setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { principalType: "user" }))).toStrictEqual(
        needs("setTeamsExtensionAssignment"),
      );
      expect(await refusedWith(() => client.deleteTeamsExtensionAssignment(TENANT_ID, OBJECT_ID))).toStrictEqual(
        needs("deleteTeamsExtensionAssignment"),
      );
      expect(server.received).toStrictEqual([]);
    },
  );

  it("the api-version is checked before the arguments", async () => {
    expect(await refusedWith(() => server.client("2023-10-01").getTeamsExtensionAssignment("x", "y"))).toMatchObject({
      name: "RangeError",
    });
    expect((await refusedWith(() => server.client("2023-10-01").getTeamsExtensionAssignment("x", "y"))).message).toMatch(
      /^getTeamsExtensionAssignment needs api-version/,
    );
  });
});
