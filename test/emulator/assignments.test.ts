/**
 * The assignment operations over real HTTP against a real emulator: Teams Phone extensibility
 * (GET/PUT/DELETE, api-versions 2025-03-02-preview and 2025-06-30) and Microsoft Entra ID users
 * (list with paging, bulk PATCH, GET/PUT/DELETE, 2025-03-02-preview), with the REST
 * specification's example bodies, every validation answer, restarts over a data directory, and
 * the admin API's reset and operation names.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mintEntraTestToken, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { JOURNAL_FILE } from "../../src/emulator/store/journal.js";
import { tempDirEachTest } from "../helpers/tempDir.js";
import { answerOf as answer, errorAnswer as error, PREVIEW, send, signedCaller, SPEC_IDS, STABLE } from "./helpers.js";

const { tenantId: TENANT, objectId: OBJECT, otherObjectId: OTHER, clientId: CLIENT } = SPEC_IDS;
const teamsPath = (version: string, tenantId = TENANT, objectId = OBJECT) =>
  `/access/teamsExtension/tenants/${tenantId}/assignments/${objectId}?api-version=${version}`;
const entraPath = (objectId = OBJECT, version = PREVIEW) => `/access/entra/assignments/${objectId}?api-version=${version}`;
const LIST = `/access/entra/assignments?api-version=${PREVIEW}`;
const MERGE_PATCH = { "content-type": "application/merge-patch+json" };

let emulator: Emulator;
const call = signedCaller(() => emulator);

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
afterEach(async () => {
  expect((await send(emulator.endpoint, { method: "POST", path: "/_emulator/api/reset" })).status).toBe(204);
});

describe("Teams Phone extensibility assignments", () => {
  it.each([PREVIEW, STABLE])(
    "round-trips the specification's examples on %s: PUT 201 then 200, GET, DELETE 204, then 404",
    async (version) => {
      const example = { objectId: OBJECT, tenantId: TENANT, principalType: "resourceAccount" };
      expect(answer(await call("PUT", teamsPath(version), { principalType: "resourceAccount" }))).toStrictEqual({
        status: 201,
        json: example,
      });
      expect(answer(await call("PUT", teamsPath(version), { principalType: "resourceAccount" }))).toStrictEqual({
        status: 200,
        json: example,
      });
      expect(answer(await call("GET", teamsPath(version)))).toStrictEqual({ status: 200, json: example });
      const deleted = await call("DELETE", teamsPath(version));
      expect([deleted.status, deleted.text]).toStrictEqual([204, ""]);
      const missing = error(404, "AssignmentNotFound", `No Teams Phone extensibility assignment for object ${OBJECT} in tenant ${TENANT}.`);
      expect(answer(await call("GET", teamsPath(version)))).toStrictEqual(missing);
      expect(answer(await call("DELETE", teamsPath(version)))).toStrictEqual(missing);
    },
  );

  it("keeps clientIds (lower-case) and the docs' teamsResourceAccount as given; ids in any case name one assignment", async () => {
    const put = await call("PUT", teamsPath(STABLE, TENANT.toUpperCase()), {
      principalType: "teamsResourceAccount",
      clientIds: [CLIENT.toUpperCase()],
    });
    const json = { objectId: OBJECT, tenantId: TENANT, principalType: "teamsResourceAccount", clientIds: [CLIENT] };
    expect(answer(put)).toStrictEqual({ status: 201, json });
    expect(answer(await call("GET", teamsPath(PREVIEW, TENANT, OBJECT.toUpperCase())))).toStrictEqual({ status: 200, json });
  });

  it.each([
    [
      "a tenant id that is not a GUID",
      teamsPath(STABLE, "contoso"),
      { principalType: "user" },
      "Provided tenantId has invalid format.",
      "tenantId",
    ],
    [
      "an object id that is not a GUID",
      teamsPath(STABLE, TENANT, "x"),
      { principalType: "user" },
      "Provided objectId has invalid format.",
      "objectId",
    ],
    ["no principalType", teamsPath(STABLE), {}, "principalType: The principalType field is required.", "principalType"],
    [
      "an unknown principalType",
      teamsPath(STABLE),
      { principalType: "group" },
      "Invalid principalType - it must be one of: user, resourceAccount, teamsResourceAccount.",
      "principalType",
    ],
    [
      "clientIds that are not GUIDs",
      teamsPath(STABLE),
      { principalType: "user", clientIds: ["app"] },
      "Invalid clientIds - it must be an array of client ids (GUIDs).",
      "clientIds",
    ],
    [
      "clientIds that is not an array",
      teamsPath(STABLE),
      { principalType: "user", clientIds: CLIENT },
      "Invalid clientIds - it must be an array of client ids (GUIDs).",
      "clientIds",
    ],
  ])("refuses %s with 400 ValidationError", async (_what, path, body, message, target) => {
    expect(answer(await call("PUT", path, body))).toStrictEqual(error(400, "ValidationError", message, target));
    expect(answer(await call("GET", teamsPath(STABLE)))).toMatchObject({ status: 404 });
  });

  it("refuses a body that is not JSON, api-versions without the operation, unknown versions, other methods and unsigned requests", async () => {
    expect(answer(await call("PUT", teamsPath(STABLE), "{"))).toStrictEqual(
      error(400, "InvalidRequestBody", "The request body is not valid JSON."),
    );
    expect(answer(await call("GET", teamsPath("2023-10-01")))).toStrictEqual(
      error(
        400,
        "UnsupportedApiVersion",
        "GET /access/teamsExtension/tenants/{tenantId}/assignments/{objectId} requires api-version 2025-03-02-preview or 2025-06-30.",
      ),
    );
    const unknown = await call("GET", teamsPath("2099-01-01"));
    expect([unknown.status, unknown.json.error.code]).toStrictEqual([400, "UnsupportedApiVersion"]);
    const post = await call("POST", teamsPath(STABLE), {});
    expect([answer(post), post.headers.allow]).toStrictEqual([
      error(405, "MethodNotAllowed", "The method POST is not allowed here."),
      "GET, PUT, DELETE",
    ]);
    const unsigned = await send(emulator.endpoint, { method: "GET", path: teamsPath(STABLE) });
    expect(answer(unsigned)).toStrictEqual(error(401, "Denied", "Denied by the resource provider."));
    expect(answer(await call("GET", `/access/teamsExtension/tenants/${TENANT}/assignments?api-version=${STABLE}`))).toStrictEqual(
      error(404, "NotFound", "The requested resource does not exist."),
    );
  });
});

describe("Microsoft Entra ID assignments", () => {
  const assignment = (objectId: string, principalType = "user") => ({ objectId, tenantId: TENANT, principalType, clientIds: [CLIENT] });
  const input = { tenantId: TENANT, principalType: "user", clientIds: [CLIENT] };

  it("round-trips the specification's examples: PUT 201 then 200, GET, DELETE 204, then 404", async () => {
    expect(answer(await call("PUT", entraPath(), input))).toStrictEqual({ status: 201, json: assignment(OBJECT) });
    expect(answer(await call("PUT", entraPath(), input))).toStrictEqual({ status: 200, json: assignment(OBJECT) });
    expect(answer(await call("GET", entraPath()))).toStrictEqual({ status: 200, json: assignment(OBJECT) });
    const deleted = await call("DELETE", entraPath());
    expect([deleted.status, deleted.text]).toStrictEqual([204, ""]);
    const missing = error(404, "AssignmentNotFound", `No Microsoft Entra ID assignment for object ${OBJECT}.`);
    expect(answer(await call("GET", entraPath()))).toStrictEqual(missing);
    expect(answer(await call("DELETE", entraPath()))).toStrictEqual(missing);
  });

  it("takes a tenant assignment under its tenant's id only: another objectId is 400 ValidationError, in any case of the GUID", async () => {
    const tenant = { ...input, principalType: "tenant" };
    expect(answer(await call("PUT", entraPath(OBJECT), tenant))).toStrictEqual(
      error(400, "ValidationError", `Invalid objectId - the objectId of a tenant assignment is the tenantId, ${TENANT}.`, "objectId"),
    );
    expect(answer(await call("PUT", entraPath(TENANT.toUpperCase()), tenant))).toStrictEqual({
      status: 201,
      json: assignment(TENANT, "tenant"),
    });
    expect(answer(await call("GET", LIST))).toStrictEqual({ status: 200, json: { value: [assignment(TENANT, "tenant")] } });
  });

  it("answers the bulk update example with its response, lists the result, and removes with null", async () => {
    const body = { [OBJECT]: input, "eaf4bdca-9343-492B-a5e2-9310fbe393b8": null, [OTHER]: input };
    expect(answer(await call("PATCH", LIST, body, MERGE_PATCH))).toStrictEqual({
      status: 200,
      json: { value: [assignment(OBJECT), assignment(OTHER)] },
    });
    expect(answer(await call("GET", LIST))).toStrictEqual({ status: 200, json: { value: [assignment(OBJECT), assignment(OTHER)] } });
    const removed = await call("PATCH", LIST, { [OBJECT]: null }, { "content-type": "application/merge-patch+json; charset=utf-8" });
    expect(answer(removed)).toStrictEqual({ status: 200, json: { value: [] } });
    expect(answer(await call("GET", LIST))).toStrictEqual({ status: 200, json: { value: [assignment(OTHER)] } });
  });

  it("refuses a bulk update that is not merge-patch JSON with 415, and changes nothing", async () => {
    const body = { [OBJECT]: input };
    const expected = error(
      415,
      "UnsupportedMediaType",
      "PATCH /access/entra/assignments takes Content-Type: application/merge-patch+json.",
    );
    expect(answer(await call("PATCH", LIST, body))).toStrictEqual(expected);
    expect(answer(await call("PATCH", LIST, body, { "content-type": undefined }))).toStrictEqual(expected);
    expect(answer(await call("GET", LIST))).toStrictEqual({ status: 200, json: { value: [] } });
  });

  it.each([
    ["a key that is not a GUID", { nope: input }, "Provided objectId has invalid format.", "objectId"],
    [
      "a tenant assignment under another object id than its tenant's",
      { [OTHER]: { ...input, principalType: "tenant" } },
      `Invalid objectId - the objectId of a tenant assignment is the tenantId, ${TENANT}.`,
      "objectId",
    ],
    [
      "two keys naming one object in different cases",
      { [OTHER.toUpperCase()]: input, [OTHER]: null },
      `Duplicate objectId ${OTHER} - each object id may appear once, compared without regard to case.`,
      OTHER,
    ],
    [
      "a value that is neither an assignment nor null",
      { [OTHER]: "user" },
      `Invalid value for ${OTHER} - it must be an assignment object, or null to remove it.`,
      OTHER,
    ],
    [
      "an assignment without clientIds",
      { [OTHER]: { tenantId: TENANT, principalType: "user" } },
      "clientIds: The clientIds field is required.",
      "clientIds",
    ],
    [
      "an assignment without tenantId",
      { [OTHER]: { principalType: "user", clientIds: [] } },
      "tenantId: The tenantId field is required.",
      "tenantId",
    ],
    ["a tenantId that is not a GUID", { [OTHER]: { ...input, tenantId: "contoso" } }, "Provided tenantId has invalid format.", "tenantId"],
    [
      "the old teamsResourceAccount",
      { [OTHER]: { ...input, principalType: "teamsResourceAccount" } },
      "Invalid principalType - it must be one of: user, group, tenant.",
      "principalType",
    ],
  ])("refuses a bulk update with %s: 400, and none of its changes is made", async (_what, bad, message, target) => {
    await call("PUT", entraPath(), input);
    const response = await call("PATCH", LIST, { [OBJECT]: null, ...bad }, MERGE_PATCH);
    expect(answer(response)).toStrictEqual(error(400, "ValidationError", message, target));
    expect(answer(await call("GET", LIST))).toStrictEqual({ status: 200, json: { value: [assignment(OBJECT)] } });
  });

  it("pages by object id: maxpagesize pages with nextLink, followed exactly, to the last page without one", async () => {
    const ids = Array.from({ length: 5 }, (_, index) => `0000000${index}-0000-4000-8000-000000000000`);
    await call("PATCH", LIST, Object.fromEntries(ids.reverse().map((id) => [id, { ...input, principalType: "group" }])), MERGE_PATCH);
    ids.reverse();
    const first = await call("GET", `${LIST}&maxpagesize=2`);
    const link = (after: string) => `${emulator.endpoint}/access/entra/assignments?api-version=${PREVIEW}&maxpagesize=2&skipToken=${after}`;
    expect(answer(first)).toStrictEqual({
      status: 200,
      json: { value: ids.slice(0, 2).map((id) => assignment(id, "group")), nextLink: link(ids[1]!) },
    });
    const second = await call("GET", first.json.nextLink.slice(emulator.endpoint.length));
    expect(answer(second)).toStrictEqual({
      status: 200,
      json: { value: ids.slice(2, 4).map((id) => assignment(id, "group")), nextLink: link(ids[3]!) },
    });
    const last = await call("GET", second.json.nextLink.slice(emulator.endpoint.length));
    expect(answer(last)).toStrictEqual({ status: 200, json: { value: [assignment(ids[4]!, "group")] } });
  });

  it("pages 100 assignments at a time without maxpagesize", async () => {
    const ids = Array.from({ length: 101 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`);
    await call("PATCH", LIST, Object.fromEntries(ids.map((id) => [id, input])), MERGE_PATCH);
    const first = await call("GET", LIST);
    expect(first.json.value.map((item: { objectId: string }) => item.objectId)).toStrictEqual(ids.slice(0, 100));
    expect(first.json.nextLink).toBe(`${emulator.endpoint}/access/entra/assignments?api-version=${PREVIEW}&skipToken=${ids[99]}`);
    expect(answer(await call("GET", first.json.nextLink.slice(emulator.endpoint.length)))).toStrictEqual({
      status: 200,
      json: { value: [assignment(ids[100]!)] },
    });
  });

  it.each([
    ["maxpagesize=0", "Invalid maxpagesize - it must be a whole number from 1 to 100.", "maxpagesize"],
    ["maxpagesize=101", "Invalid maxpagesize - it must be a whole number from 1 to 100.", "maxpagesize"],
    ["maxpagesize=two", "Invalid maxpagesize - it must be a whole number from 1 to 100.", "maxpagesize"],
    ["skipToken=page2", "Invalid skipToken - use the nextLink of the previous page.", "skipToken"],
  ])("refuses a list with %s", async (query, message, target) => {
    expect(answer(await call("GET", `${LIST}&${query}`))).toStrictEqual(error(400, "ValidationError", message, target));
  });

  it.each([
    ["GET", LIST.replace(PREVIEW, STABLE), "GET /access/entra/assignments"],
    ["PATCH", LIST.replace(PREVIEW, STABLE), "PATCH /access/entra/assignments"],
    ["GET", entraPath(OBJECT, STABLE), "GET /access/entra/assignments/{objectId}"],
    ["PUT", entraPath(OBJECT, STABLE), "PUT /access/entra/assignments/{objectId}"],
    ["DELETE", entraPath(OBJECT, STABLE), "DELETE /access/entra/assignments/{objectId}"],
  ])("refuses %s %s on 2025-06-30: 400 UnsupportedApiVersion", async (method, path, what) => {
    expect(answer(await call(method, path, method === "PUT" || method === "PATCH" ? input : undefined, MERGE_PATCH))).toStrictEqual(
      error(400, "UnsupportedApiVersion", `${what} requires api-version 2025-03-02-preview.`),
    );
  });

  it("refuses other methods with 405 and Allow, an object id that is not a GUID, and unsigned requests", async () => {
    const deleteAll = await call("DELETE", LIST);
    expect([deleteAll.status, deleteAll.headers.allow]).toStrictEqual([405, "GET, PATCH"]);
    const post = await call("POST", entraPath(), input);
    expect([post.status, post.headers.allow]).toStrictEqual([405, "GET, PUT, DELETE"]);
    expect(answer(await call("GET", entraPath("x")))).toStrictEqual(
      error(400, "ValidationError", "Provided objectId has invalid format.", "objectId"),
    );
    expect(answer(await send(emulator.endpoint, { method: "GET", path: LIST }))).toStrictEqual(
      error(401, "Denied", "Denied by the resource provider."),
    );
  });
});

describe("assignments and the rest of the emulator", () => {
  const temp = tempDirEachTest("acs-assignments-http-");

  it("survive a restart over the same data directory", async () => {
    const dataDir = temp.path;
    const first = await startEmulator({ dataDir });
    const at = (target: Emulator) => signedCaller(() => target);
    await at(first)("PUT", teamsPath(STABLE), { principalType: "user", clientIds: [CLIENT] });
    await at(first)(
      "PATCH",
      LIST,
      {
        [OBJECT]: { tenantId: TENANT, principalType: "user", clientIds: [] },
        [OTHER]: { tenantId: TENANT, principalType: "group", clientIds: [CLIENT] },
      },
      MERGE_PATCH,
    );
    await at(first)("DELETE", entraPath(OBJECT));
    await first.close();
    const second = await startEmulator({ dataDir });
    try {
      expect(answer(await at(second)("GET", teamsPath(STABLE)))).toStrictEqual({
        status: 200,
        json: { objectId: OBJECT, tenantId: TENANT, principalType: "user", clientIds: [CLIENT] },
      });
      expect(answer(await at(second)("GET", LIST))).toStrictEqual({
        status: 200,
        json: { value: [{ objectId: OTHER, tenantId: TENANT, principalType: "group", clientIds: [CLIENT] }] },
      });
    } finally {
      await second.close();
    }
  });

  it("a bulk update torn by a crash inside its write is lost whole: none of its changes exists after the restart", async () => {
    const dataDir = temp.path;
    const ids = [1, 2, 3].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
    const first = await startEmulator({ dataDir });
    await signedCaller(() => first)("PUT", entraPath(OTHER), { tenantId: TENANT, principalType: "group", clientIds: [] });
    const input = { tenantId: TENANT, principalType: "user", clientIds: [CLIENT] };
    const patch = await signedCaller(() => first)("PATCH", LIST, Object.fromEntries(ids.map((id) => [id, input])), MERGE_PATCH);
    expect(patch.status).toBe(200);
    await first.close();
    // A power cut while the PATCH's write was on its way: the disk got its bytes up to the second assignment.
    const journal = join(dataDir, JOURNAL_FILE);
    const text = await readFile(journal, "utf8");
    await writeFile(journal, text.slice(0, text.indexOf(ids[1]!)));
    const second = await startEmulator({ dataDir });
    try {
      expect(answer(await signedCaller(() => second)("GET", LIST))).toStrictEqual({
        status: 200,
        json: { value: [{ objectId: OTHER, tenantId: TENANT, principalType: "group", clientIds: [] }] },
      });
    } finally {
      await second.close();
    }
  });

  it("a reset is kept across a restart: no assignment and no exchanged identity comes back", async () => {
    const dataDir = temp.path;
    const exchangedOf = async (target: Emulator) =>
      (await send(target.endpoint, { method: "GET", path: `/_emulator/api/identities?search=${OBJECT}` })).json.identities;
    const first = await startEmulator({ dataDir });
    await signedCaller(() => first)("PUT", entraPath(), { tenantId: TENANT, principalType: "user", clientIds: [CLIENT] });
    const token = mintEntraTestToken({ tenantId: TENANT, objectId: OBJECT, clientId: CLIENT }).token;
    const exchange = await send(first.endpoint, {
      method: "POST",
      path: `/access/entra/:exchangeAccessToken?api-version=${PREVIEW}`,
      body: "{}",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
    expect(exchange.status).toBe(200);
    expect(await exchangedOf(first)).toHaveLength(1);
    expect((await send(first.endpoint, { method: "POST", path: "/_emulator/api/reset" })).status).toBe(204);
    expect(await exchangedOf(first)).toStrictEqual([]);
    await first.close();
    const second = await startEmulator({ dataDir });
    try {
      expect(await exchangedOf(second)).toStrictEqual([]);
      expect(answer(await signedCaller(() => second)("GET", LIST))).toStrictEqual({ status: 200, json: { value: [] } });
    } finally {
      await second.close();
    }
  });

  it("the admin reset removes every assignment; the request log and faults know the new operation names", async () => {
    await call("PUT", teamsPath(STABLE), { principalType: "user" });
    await call("PUT", entraPath(), { tenantId: TENANT, principalType: "user", clientIds: [] });
    const log = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/requests" });
    expect(log.json.requests.slice(0, 2).map((entry: { operation: string }) => entry.operation)).toStrictEqual([
      "setEntraAssignment",
      "setTeamsExtensionAssignment",
    ]);
    expect((await send(emulator.endpoint, { method: "POST", path: "/_emulator/api/reset" })).status).toBe(204);
    expect((await call("GET", teamsPath(STABLE))).status).toBe(404);
    expect(answer(await call("GET", LIST))).toStrictEqual({ status: 200, json: { value: [] } });
    const fault = await send(emulator.endpoint, {
      method: "POST",
      path: "/_emulator/api/faults",
      body: JSON.stringify({ operation: "listEntraAssignments", status: 503 }),
      headers: { "content-type": "application/json" },
    });
    expect(fault.status).toBe(201);
    expect((await call("GET", LIST)).status).toBe(503);
  });
});
