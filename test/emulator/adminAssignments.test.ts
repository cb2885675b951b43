/**
 * The admin API's access assignments (`GET /_emulator/api/assignments`) over real HTTP: both
 * groups exactly as the service answers them, in a stable order, gone once deleted or reset; and
 * the identities minted by exchange in the identities list, with their revocation when the
 * assignment they went through is deleted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { mintEntraTestToken } from "../../src/emulator/entra/entraTestTokens.js";
import { PREVIEW, send, signedCaller, SPEC_IDS, STABLE, type RawResponse } from "./helpers.js";

const { tenantId: TENANT, objectId: USER, otherObjectId: GROUP, clientId: APP } = SPEC_IDS;
const OTHER_TENANT = "0a1b2c3d-0000-4000-8000-000000000002";
const OTHER_APP = "aaaaaaaa-0000-4000-8000-000000000001";
const RESOURCE = "2dee53b4-368b-45b4-ab52-8493fb117652";
const START = Date.parse("2026-03-01T12:00:00.000Z");
const TEAMS_SCOPE = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";

let clock = START;
let emulator: Emulator;
const call = signedCaller(() => ({ endpoint: emulator.endpoint, accessKey: emulator.accessKey, now: () => clock }));

beforeAll(async () => {
  emulator = await startEmulator({ resourceId: RESOURCE, now: () => clock });
});
afterAll(() => emulator.close());
afterEach(async () => {
  clock = START;
  expect((await admin("POST", "/reset")).status).toBe(204);
});

/** A call of the admin API as a test (not a browser) makes it. */
function admin(method: string, path: string): Promise<RawResponse> {
  return send(emulator.endpoint, { method, path: `/_emulator/api${path}` });
}

const teamsPath = (tenantId: string, objectId: string) =>
  `/access/teamsExtension/tenants/${tenantId}/assignments/${objectId}?api-version=${STABLE}`;
const entraPath = (objectId: string) => `/access/entra/assignments/${objectId}?api-version=${PREVIEW}`;

/** Sets an assignment through the service's API; `[status, body]` of its answer. */
async function put(path: string, body: unknown): Promise<[number, unknown]> {
  const response = await call("PUT", path, body);
  return [response.status, response.json];
}

describe("GET /_emulator/api/assignments", () => {
  it("is empty without assignments", async () => {
    const response = await admin("GET", "/assignments");
    expect([response.status, response.json]).toStrictEqual([200, { teamsExtension: [], entra: [] }]);
  });

  it("lists both groups as the service answers them: Teams by tenant then object, Entra by object", async () => {
    // Set out of order, with upper-case ids, which the service keeps lower-case.
    const teams = [
      [OTHER_TENANT, USER, { principalType: "user" }],
      [TENANT, USER, { principalType: "user", clientIds: [APP, OTHER_APP] }],
      [TENANT.toUpperCase(), GROUP, { principalType: "resourceAccount" }],
    ] as const;
    const answers: unknown[] = [];
    for (const [tenantId, objectId, body] of teams) {
      const [status, json] = await put(teamsPath(tenantId, objectId), body);
      expect(status).toBe(201);
      answers.push(json);
    }
    expect((await put(entraPath(USER), { tenantId: TENANT, principalType: "user", clientIds: [APP] }))[0]).toBe(201);
    const patch = await call(
      "PATCH",
      `/access/entra/assignments?api-version=${PREVIEW}`,
      {
        [TENANT]: { tenantId: TENANT, principalType: "tenant", clientIds: [] },
        [GROUP.toUpperCase()]: { tenantId: TENANT, principalType: "group", clientIds: [OTHER_APP, APP] },
      },
      { "content-type": "application/merge-patch+json" },
    );
    expect(patch.status).toBe(200);

    const response = await admin("GET", "/assignments");
    expect(response.status).toBe(200);
    expect(response.json).toStrictEqual({
      teamsExtension: [
        { objectId: USER, tenantId: OTHER_TENANT, principalType: "user" },
        { objectId: USER, tenantId: TENANT, principalType: "user", clientIds: [APP, OTHER_APP] },
        { objectId: GROUP, tenantId: TENANT, principalType: "resourceAccount" },
      ],
      entra: [
        { objectId: USER, tenantId: TENANT, principalType: "user", clientIds: [APP] },
        { objectId: TENANT, tenantId: TENANT, principalType: "tenant", clientIds: [] },
        { objectId: GROUP, tenantId: TENANT, principalType: "group", clientIds: [OTHER_APP, APP] },
      ],
    });
    // Field for field and in the same order as the service's own answers.
    expect(response.text).toContain(JSON.stringify(answers[1]));
    const listed = await call("GET", `/access/entra/assignments?api-version=${PREVIEW}`);
    expect(JSON.stringify(response.json.entra)).toBe(JSON.stringify(listed.json.value));
  });

  it("no longer lists a deleted assignment, nor any after a reset", async () => {
    await put(teamsPath(TENANT, USER), { principalType: "user" });
    await put(teamsPath(TENANT, GROUP), { principalType: "resourceAccount" });
    await put(entraPath(USER), { tenantId: TENANT, principalType: "user", clientIds: [APP] });
    expect((await call("DELETE", teamsPath(TENANT, USER))).status).toBe(204);
    expect((await call("DELETE", entraPath(USER))).status).toBe(204);
    expect((await admin("GET", "/assignments")).json).toStrictEqual({
      teamsExtension: [{ objectId: GROUP, tenantId: TENANT, principalType: "resourceAccount" }],
      entra: [],
    });
    expect((await admin("POST", "/reset")).status).toBe(204);
    expect((await admin("GET", "/assignments")).json).toStrictEqual({ teamsExtension: [], entra: [] });
  });

  it("answers GET only, and nothing below it", async () => {
    const post = await admin("POST", "/assignments");
    expect([post.status, post.headers.allow, post.json]).toStrictEqual([
      405,
      "GET",
      { error: { code: "MethodNotAllowed", message: "The method POST is not allowed here." } },
    ]);
    const one = await admin("GET", `/assignments/${USER}`);
    expect([one.status, one.json]).toStrictEqual([404, { error: { code: "NotFound", message: "No such admin API endpoint." } }]);
  });
});

describe("identities minted by exchange", () => {
  it("are listed with the other identities, and revoked when the assignment they went through is deleted", async () => {
    await put(teamsPath(TENANT, USER), { principalType: "user" });
    const teamsId = `8:acs:${RESOURCE}_${TENANT}_${USER}`;
    const token = mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP, scopes: [TEAMS_SCOPE], now: clock });
    const exchange = await send(emulator.endpoint, {
      method: "POST",
      path: `/access/teamsExtension/:exchangeAccessToken?api-version=${STABLE}`,
      body: "{}",
      headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
    });
    expect([exchange.status, exchange.json.identity]).toStrictEqual([200, { id: teamsId }]);
    clock += 60_000;
    const created = await call("POST", `/identities?api-version=${STABLE}`, {});
    expect((await admin("GET", "/identities")).json).toStrictEqual({
      identities: [
        { id: created.json.identity.id, createdAt: "2026-03-01T12:01:00.000Z" },
        { id: teamsId, createdAt: "2026-03-01T12:00:00.000Z", lastTokenIssuedAt: "2026-03-01T12:00:00.000Z" },
      ],
      total: 2,
    });
    clock += 60_000;
    expect((await call("DELETE", teamsPath(TENANT, USER))).status).toBe(204);
    expect((await admin("GET", `/identities?search=${TENANT}`)).json).toStrictEqual({
      identities: [
        {
          id: teamsId,
          createdAt: "2026-03-01T12:00:00.000Z",
          lastTokenIssuedAt: "2026-03-01T12:00:00.000Z",
          revokedAt: "2026-03-01T12:02:00.000Z",
        },
      ],
      total: 1,
    });
  });
});
