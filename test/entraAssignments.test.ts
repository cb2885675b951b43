// The Microsoft Entra ID assignment operations against a loopback server that answers with the
// REST specification's examples: the exact request on the wire (signed as the service checks it),
// the exact result, every argument check with nothing sent, and the api-version gate. Paging:
// paging.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EntraAssignmentInput } from "../src/client/assignmentModels.js";
import { expectRequest, refusedWith, startAssignmentServer, v400, type AssignmentServer } from "./helpers/assignmentServer.js";
import {
  CLIENT_ID,
  ENTRA_ASSIGNMENT,
  ENTRA_LIST,
  ENTRA_REQUEST,
  ENTRA_UPDATE_REQUEST,
  ENTRA_UPDATE_RESPONSE,
  OBJECT_ID,
  TENANT_ID,
} from "./helpers/assignmentExamples.js";

const PREVIEW = "2025-03-02-preview";
const LIST = `/access/entra/assignments?api-version=${PREVIEW}`;
const ONE = `/access/entra/assignments/${OBJECT_ID}?api-version=${PREVIEW}`;
const MERGE_PATCH = "application/merge-patch+json";
let server: AssignmentServer;
const client = () => server.client(PREVIEW);

beforeAll(async () => {
  server = await startAssignmentServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
});

describe("each operation sends the example's request and reads the example's answer", () => {
  it("getEntraAssignment", async () => {
    server.reply = () => [200, ENTRA_ASSIGNMENT];
    expect(await client().getEntraAssignment(OBJECT_ID)).toStrictEqual({
      objectId: OBJECT_ID,
      tenantId: TENANT_ID,
      principalType: "user",
      clientIds: [CLIENT_ID],
    });
    expect(server.received).toHaveLength(1);
    await expectRequest(server.received[0], { method: "GET", url: ONE });
  });

  it.each([201, 200])("setEntraAssignment PUTs the assignment; a %i answer is the assignment", async (status) => {
    server.reply = () => [status, ENTRA_ASSIGNMENT];
    const input = { tenantId: TENANT_ID, principalType: "teamsResourceAccount", clientIds: [CLIENT_ID] };
    expect(await client().setEntraAssignment(OBJECT_ID, input)).toStrictEqual(ENTRA_ASSIGNMENT);
    await expectRequest(server.received[0], { method: "PUT", url: ONE, body: ENTRA_REQUEST });
  });

  it("deleteEntraAssignment DELETEs; 204 resolves with nothing", async () => {
    server.reply = () => [204];
    await expect(client().deleteEntraAssignment(OBJECT_ID)).resolves.toBeUndefined();
    await expectRequest(server.received[0], { method: "DELETE", url: ONE });
  });

  it("updateEntraAssignments PATCHes the changes as JSON merge patch; 200 {value} is the value", async () => {
    server.reply = () => [200, ENTRA_UPDATE_RESPONSE];
    const result = await client().updateEntraAssignments(ENTRA_UPDATE_REQUEST);
    expect(result).toStrictEqual(ENTRA_UPDATE_RESPONSE.value);
    expect(Array.isArray(result) && Object.keys(result)).toStrictEqual(["0", "1"]);
    await expectRequest(server.received[0], { method: "PATCH", url: LIST, body: ENTRA_UPDATE_REQUEST, contentType: MERGE_PATCH });
  });

  it("updateEntraAssignments: a 204 is no assignments", async () => {
    server.reply = () => [204];
    expect(await client().updateEntraAssignments({ [OBJECT_ID]: null })).toStrictEqual([]);
    await expectRequest(server.received[0], { method: "PATCH", url: LIST, body: { [OBJECT_ID]: null }, contentType: MERGE_PATCH });
  });

  it("listEntraAssignments GETs the list and yields the example's items", async () => {
    server.reply = () => [200, { value: ENTRA_LIST.value }];
    const items = [];
    for await (const assignment of client().listEntraAssignments()) items.push(assignment);
    expect(items).toStrictEqual(ENTRA_LIST.value);
    expect(server.received).toHaveLength(1);
    await expectRequest(server.received[0], { method: "GET", url: LIST });
  });
});

describe("bodies", () => {
  it("sends only the known fields, and reads only them, into copies", async () => {
    const clientIds = [CLIENT_ID];
    const answer = { ...ENTRA_ASSIGNMENT, clientIds, createdAt: "2025-01-01", kind: { x: 1 } };
    server.reply = () => [201, answer];
    const input = { tenantId: TENANT_ID, principalType: "group", clientIds, extra: true } as EntraAssignmentInput;
    const result = await client().setEntraAssignment(OBJECT_ID, input);
    expect(result).toStrictEqual(ENTRA_ASSIGNMENT);
    expect(result.clientIds).not.toBe(clientIds);
    expect(server.received[0]!.body).toBe(`{"tenantId":"${TENANT_ID}","principalType":"group","clientIds":["${CLIENT_ID}"]}`);
  });

  it("an empty clientIds is allowed and sent", async () => {
    server.reply = () => [200, { ...ENTRA_ASSIGNMENT, principalType: "tenant", clientIds: [] }];
    const result = await client().setEntraAssignment(OBJECT_ID, { tenantId: TENANT_ID, principalType: "tenant", clientIds: [] });
    expect(result).toStrictEqual({ ...ENTRA_ASSIGNMENT, principalType: "tenant", clientIds: [] });
    expect(server.received[0]!.body).toBe(`{"tenantId":"${TENANT_ID}","principalType":"tenant","clientIds":[]}`);
  });

  it.each([
    [{ objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "user" }, "an assignment whose clientIds is not a list of strings"],
    [{ ...ENTRA_ASSIGNMENT, clientIds: null }, "an assignment whose clientIds is not a list of strings"],
    [{ ...ENTRA_ASSIGNMENT, objectId: 5 }, "an assignment without objectId, tenantId or principalType"],
    [{ ...ENTRA_ASSIGNMENT, tenantId: undefined }, "an assignment without objectId, tenantId or principalType"],
  ])("getEntraAssignment: an answer it cannot read fails with PARSE_ERROR: %j", async (body, what) => {
    server.reply = () => [200, body];
    const error = (await client()
      .getEntraAssignment(OBJECT_ID)
      .catch((caught: unknown) => caught)) as { message: string; code: string };
    expect({ message: error.message, code: error.code }).toStrictEqual({
      message: `The service answered 200 with ${what}; this client cannot read it.`,
      code: "PARSE_ERROR",
    });
  });

  it.each([
    [{}, "a list without a value array"],
    [{ value: {} }, "a list without a value array"],
    [{ value: [{ ...ENTRA_ASSIGNMENT, clientIds: [1] }] }, "an assignment whose clientIds is not a list of strings"],
    // An Entra assignment always has clientIds, also in a list (a Teams extension one may leave it out).
    [
      { value: [{ objectId: OBJECT_ID, tenantId: TENANT_ID, principalType: "user" }] },
      "an assignment whose clientIds is not a list of strings",
    ],
    ["[]", "a list without a value array"],
  ])("updateEntraAssignments: an answer it cannot read fails with PARSE_ERROR: %j", async (body, what) => {
    server.reply = () => [200, body === "[]" ? [] : body];
    const error = (await client()
      .updateEntraAssignments({ [OBJECT_ID]: null })
      .catch((caught: unknown) => caught)) as { message: string; code: string };
    expect({ message: error.message, code: error.code }).toStrictEqual({
      message: `The service answered 200 with ${what}; this client cannot read it.`,
      code: "PARSE_ERROR",
    });
  });

  it("the service's error is a RestError with its status and code", async () => {
    server.reply = () => [
      403,
      { error: { code: "SubscriptionNotAllowed", message: "API is not allowed to be accessed with your subscription." } },
    ];
    const error = (await client()
      .deleteEntraAssignment(OBJECT_ID)
      .catch((caught: unknown) => caught)) as { name: string; statusCode: number; code: string };
    expect({ name: error.name, statusCode: error.statusCode, code: error.code }).toStrictEqual({
      name: "RestError",
      statusCode: 403,
      code: "SubscriptionNotAllowed",
    });
  });
});

const GUID_MESSAGE = "must be a GUID string (8-4-4-4-12 hexadecimal digits, as Entra ids are written).";
const SHAPE = "{ tenantId, principalType, clientIds }";
const CHANGES_SHAPE = `changes must be an object: objectId GUIDs to ${SHAPE}, or to null to remove one.`;
const GOOD = { tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] };
const key = JSON.stringify(OBJECT_ID);

describe("argument checks: refused before anything is sent", () => {
  const set = (assignment: unknown) => client().setEntraAssignment(OBJECT_ID, assignment as EntraAssignmentInput);
  const update = (changes: unknown) => client().updateEntraAssignments(changes as Record<string, EntraAssignmentInput>);
  const cases: Array<[string, () => unknown, ReturnType<typeof v400>]> = [
    ["get: objectId not a string", () => client().getEntraAssignment(1 as never), v400("TypeError", `objectId ${GUID_MESSAGE}`)],
    ["get: objectId not a GUID", () => client().getEntraAssignment("alice@contoso.com"), v400("RangeError", `objectId ${GUID_MESSAGE}`)],
    ["delete: objectId a dot segment", () => client().deleteEntraAssignment(".."), v400("RangeError", `objectId ${GUID_MESSAGE}`)],
    [
      "set: objectId short a digit",
      () => client().setEntraAssignment(OBJECT_ID.slice(1), GOOD),
      v400("RangeError", `objectId ${GUID_MESSAGE}`),
    ],
    ["set: assignment missing", () => set(undefined), v400("TypeError", `assignment must be an object: ${SHAPE}.`)],
    ["set: assignment a string", () => set("user"), v400("TypeError", `assignment must be an object: ${SHAPE}.`)],
    [
      "set: tenantId missing",
      () => set({ principalType: "user", clientIds: [] }),
      v400("TypeError", `assignment.tenantId ${GUID_MESSAGE}`),
    ],
    ["set: tenantId not a GUID", () => set({ ...GOOD, tenantId: "contoso" }), v400("RangeError", `assignment.tenantId ${GUID_MESSAGE}`)],
    [
      "set: principalType a number",
      () => set({ ...GOOD, principalType: 1 }),
      v400("TypeError", 'assignment.principalType must be a non-empty string, such as "user".'),
    ],
    [
      "set: principalType empty",
      () => set({ ...GOOD, principalType: "" }),
      v400("RangeError", 'assignment.principalType must be a non-empty string, such as "user".'),
    ],
    [
      "set: clientIds missing (the service requires it)",
      () => set({ tenantId: TENANT_ID, principalType: "user" }),
      v400("TypeError", "assignment.clientIds must be an array of Entra application (client) id GUIDs; it may be empty."),
    ],
    ["set: a clientId not a GUID", () => set({ ...GOOD, clientIds: ["x"] }), v400("RangeError", `assignment.clientIds[0] ${GUID_MESSAGE}`)],
    [
      "set: options not an object",
      () => client().setEntraAssignment(OBJECT_ID, GOOD, null as never),
      v400("TypeError", "Options must be an object (or left out)."),
    ],
    ["update: changes missing", () => update(undefined), v400("TypeError", CHANGES_SHAPE)],
    ["update: changes an array", () => update([GOOD]), v400("TypeError", CHANGES_SHAPE)],
    ["update: changes empty", () => update({}), v400("RangeError", "changes must name at least one objectId.")],
    [
      "update: a key not a GUID",
      () => update({ [OBJECT_ID]: null, alice: null }),
      v400("RangeError", `The key "alice" of changes ${GUID_MESSAGE}`),
    ],
    [
      "update: two keys naming one objectId in different cases",
      () => update({ [OBJECT_ID.toUpperCase()]: GOOD, [OBJECT_ID]: null }),
      v400(
        "RangeError",
        `The keys ${JSON.stringify(OBJECT_ID.toUpperCase())} and ${key} of changes name the same objectId (GUIDs compare without regard to case): give each objectId once.`,
      ),
    ],
    [
      "update: a value neither an assignment nor null",
      () => update({ [OBJECT_ID]: "remove" }),
      v400("TypeError", `changes[${key}] must be an object: ${SHAPE}.`),
    ],
    [
      "update: a value undefined",
      () => update({ [OBJECT_ID]: undefined }),
      v400("TypeError", `changes[${key}] must be an object: ${SHAPE}.`),
    ],
    [
      "update: a value's tenantId",
      () => update({ [OBJECT_ID]: { ...GOOD, tenantId: 1 } }),
      v400("TypeError", `changes[${key}].tenantId ${GUID_MESSAGE}`),
    ],
    [
      "update: a value's principalType",
      () => update({ [OBJECT_ID]: { ...GOOD, principalType: "  " } }),
      v400("RangeError", `changes[${key}].principalType must be a non-empty string, such as "user".`),
    ],
    [
      "update: a value's clientId",
      () => update({ [OBJECT_ID]: { ...GOOD, clientIds: [CLIENT_ID, 2] } }),
      v400("TypeError", `changes[${key}].clientIds[1] ${GUID_MESSAGE}`),
    ],
    [
      "update: options not an object",
      () => client().updateEntraAssignments({ [OBJECT_ID]: null }, "x" as never),
      v400("TypeError", "Options must be an object (or left out)."),
    ],
    [
      "list: options not an object",
      () => client().listEntraAssignments(7 as never),
      v400("TypeError", "Options must be an object (or left out)."),
    ],
  ];

  it.each(cases)("%s", async (_what, call, expected) => {
    expect(await refusedWith(call)).toStrictEqual(expected);
    expect(server.received).toStrictEqual([]);
  });

  it("listEntraAssignments refuses at once, when called, not when iterated", () => {
    expect(() => client().listEntraAssignments(7 as never)).toThrow(new TypeError("Options must be an object (or left out)."));
  });
});

describe("api-version: 2025-03-02-preview only", () => {
  it.each(["2025-06-30", "2023-10-01"])("%s: every Entra operation is refused before sending", async (apiVersion) => {
    const other = server.client(apiVersion);
    const needs = (name: string) =>
      v400(
        "RangeError",
        `${name} needs api-version ${PREVIEW}, but this client uses ${apiVersion}: create the client with { apiVersion: "${PREVIEW}" }.`,
      );
    expect(await refusedWith(() => other.listEntraAssignments())).toStrictEqual(needs("listEntraAssignments"));
    expect(await refusedWith(() => other.getEntraAssignment(OBJECT_ID))).toStrictEqual(needs("getEntraAssignment"));
    expect(await refusedWith(() => other.setEntraAssignment(OBJECT_ID, GOOD))).toStrictEqual(needs("setEntraAssignment"));
    expect(await refusedWith(() => other.deleteEntraAssignment(OBJECT_ID))).toStrictEqual(needs("deleteEntraAssignment"));
    expect(await refusedWith(() => other.updateEntraAssignments({ [OBJECT_ID]: null }))).toStrictEqual(needs("updateEntraAssignments"));
    expect(server.received).toStrictEqual([]);
  });
});
