/**
 * The admin API under /_emulator/api over real HTTP: the request log with each refusal's precise
 * reason, identities (those minted by exchange too) and their tokens' claims, the access
 * assignments, faults, reset, the live event stream, and who may call it (never another origin,
 * never a forged Host, never with CORS).
 */
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { mintEntraTestToken } from "../../src/emulator/entra/entraTestTokens.js";
import {
  API,
  createIdentity,
  identityPath,
  PREVIEW,
  send,
  signedCaller,
  signedHeaders,
  signedSend,
  SPEC_IDS,
  STABLE,
  type RawResponse,
} from "./helpers.js";

const START = Date.parse("2026-03-01T12:00:00.000Z");
const WRONG_KEY = Buffer.alloc(64, 7).toString("base64");
let clock = START;
let emulator: Emulator;
const target = () => ({ endpoint: emulator.endpoint, accessKey: emulator.accessKey, now: () => clock });

beforeAll(async () => {
  emulator = await startEmulator({ now: () => clock });
});
afterAll(() => emulator.close());
afterEach(async () => {
  clock = START;
  expect((await admin("POST", "/reset")).status).toBe(204);
});

/** A call of the admin API as a test (not a browser) makes it. */
function admin(method: string, path: string, body?: unknown, headers: Record<string, string | undefined> = {}): Promise<RawResponse> {
  return send(emulator.endpoint, {
    method,
    path: `/_emulator/api${path}`,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
  });
}

/** The log's entries without their durations, which the test cannot know. */
async function requests(): Promise<unknown[]> {
  const response = await admin("GET", "/requests");
  expect(response.status).toBe(200);
  return (response.json.requests as { durationMs: number }[]).map(({ durationMs, ...entry }) => {
    expect(durationMs).toBeGreaterThanOrEqual(0);
    return entry;
  });
}

describe("the request log", () => {
  it("keeps every request, newest first, with the precise reason of each refusal", async () => {
    const id = await createIdentity(target());
    const issue = identityPath(id, ":issueAccessToken");
    const body = JSON.stringify({ scopes: ["chat"] });
    const url = new URL(issue, emulator.endpoint).href;
    const wrongKey = await signedHeaders({ key: WRONG_KEY, method: "POST", url, body, date: new Date(clock).toUTCString() });
    expect((await send(emulator.endpoint, { method: "POST", path: issue, body, headers: wrongKey })).status).toBe(401);
    const skewed = await signedHeaders({
      key: emulator.accessKey,
      method: "POST",
      url,
      body,
      date: new Date(clock - 20 * 60_000).toUTCString(),
    });
    expect((await send(emulator.endpoint, { method: "POST", path: issue, body, headers: skewed })).status).toBe(401);
    const oldVersion = identityPath(id, ":issueAccessToken", "2022-10-01");
    expect((await signedSend(target(), { method: "POST", path: oldVersion, body: { scopes: ["chat.join"] } })).status).toBe(400);
    clock += 1000;
    expect((await signedSend(target(), { method: "DELETE", path: identityPath(id) })).status).toBe(204);
    const late = await signedSend(target(), {
      method: "POST",
      path: issue,
      body: { scopes: ["chat"] },
      headers: { "x-ms-client-request-id": "late-1" },
    });
    expect(late.status).toBe(401);

    const path = `/identities/${encodeURIComponent(id)}/:issueAccessToken`;
    const common = { method: "POST", path, apiVersion: API, operation: "issueToken", identityId: id };
    expect(await requests()).toStrictEqual([
      {
        seq: 6,
        time: "2026-03-01T12:00:01.000Z",
        ...common,
        status: 401,
        clientRequestId: "late-1",
        reason: { kind: "identityDeleted", id, deletedAt: START + 1000, text: `Identity ${id} was deleted at 2026-03-01T12:00:01.000Z.` },
      },
      {
        seq: 5,
        time: "2026-03-01T12:00:01.000Z",
        method: "DELETE",
        path: `/identities/${encodeURIComponent(id)}`,
        apiVersion: API,
        operation: "deleteUser",
        identityId: id,
        status: 204,
      },
      {
        seq: 4,
        time: "2026-03-01T12:00:00.000Z",
        ...common,
        apiVersion: "2022-10-01",
        status: 400,
        reason: {
          kind: "scopeInvalid",
          scope: "chat.join",
          apiVersion: "2022-10-01",
          valid: ["chat", "voip"],
          text: 'Scope "chat.join" is not valid for api-version 2022-10-01 (valid: chat, voip).',
        },
      },
      {
        seq: 3,
        time: "2026-03-01T12:00:00.000Z",
        ...common,
        status: 401,
        reason: {
          kind: "dateSkew",
          date: "Sun, 01 Mar 2026 11:40:00 GMT",
          minutes: -20,
          text: "x-ms-date is 20 minutes behind the emulator's clock (at most 15 allowed): Sun, 01 Mar 2026 11:40:00 GMT.",
        },
      },
      {
        seq: 2,
        time: "2026-03-01T12:00:00.000Z",
        ...common,
        status: 401,
        reason: {
          kind: "signatureMismatch",
          stringToSign: `POST\n${issue}\n${wrongKey["x-ms-date"]};${new URL(emulator.endpoint).host};${wrongKey["x-ms-content-sha256"]}`,
          signature: `${wrongKey.authorization!.split("Signature=")[1]!.slice(0, 12)}…`,
          text: "The signature does not match: a different access key, or a string to sign other than the one the emulator computed.",
        },
      },
      {
        seq: 1,
        time: "2026-03-01T12:00:00.000Z",
        method: "POST",
        path: "/identities",
        apiVersion: API,
        operation: "createUser",
        status: 201,
      },
    ]);
    const text = (await admin("GET", "/requests")).text;
    expect(text).not.toContain(emulator.accessKey);
    expect(text).not.toContain(wrongKey.authorization!.split("Signature=")[1]!.slice(0, 13));
  });

  it("logs unknown paths and injected faults with their reasons", async () => {
    expect((await send(emulator.endpoint, { method: "GET", path: "/nowhere" })).status).toBe(404);
    emulator.faults.add({ status: 503, retryAfterSeconds: 2, operation: "createUser" });
    expect((await signedSend(target(), { method: "POST", path: `/identities?api-version=${API}`, body: {} })).status).toBe(503);
    const [fault, notFound] = (await requests()) as { reason: unknown }[];
    expect(fault!.reason).toStrictEqual({
      kind: "fault",
      fault: { status: 503, retryAfterSeconds: 2, operation: "createUser" },
      text: "Injected fault: HTTP 503, Retry-After 2 s.",
    });
    expect(notFound!.reason).toStrictEqual({
      kind: "error",
      code: "NotFound",
      message: "The requested resource does not exist.",
      text: "NotFound: The requested resource does not exist.",
    });
  });

  it("streams each new request as a server-sent event", async () => {
    const events = await openEvents();
    try {
      expect((await send(emulator.endpoint, { method: "GET", path: "/nowhere" })).status).toBe(404);
      const event = await events.next();
      expect(event.name).toBe("request");
      expect(JSON.parse(event.data)).toMatchObject({ seq: 1, method: "GET", path: "/nowhere", status: 404 });
    } finally {
      events.close();
    }
  });

  it("cuts off a page that stops reading the stream, instead of buffering for it", async () => {
    const socket = connect(Number(new URL(emulator.endpoint).port), "127.0.0.1");
    await once(socket, "connect");
    socket.write(`GET /_emulator/api/events HTTP/1.1\r\nHost: ${new URL(emulator.endpoint).host}\r\n\r\n`);
    await once(socket, "data");
    socket.pause();
    // 8 KiB paths make 8 KiB entries: 2,000 of them outgrow the 1 MiB allowed plus the kernel's buffers.
    const long = `/${"x".repeat(8 * 1024)}`;
    for (let i = 0; i < 2000 && !socket.readableEnded; i++) await send(emulator.endpoint, { method: "GET", path: long });
    const ended = once(socket, "end");
    socket.resume();
    await ended;
  });
});

describe("identities", () => {
  it("lists live and deleted identities newest first, searches by id or customId, and shows tokens with their claims", async () => {
    const first = await createIdentity(target(), { customId: "alice@contoso" }, "2025-03-02-preview");
    clock += 60_000;
    const second = (
      await signedSend(target(), { method: "POST", path: `/identities?api-version=${API}`, body: { createTokenWithScopes: ["chat"] } })
    ).json;
    clock += 60_000;
    expect((await signedSend(target(), { method: "DELETE", path: identityPath(first) })).status).toBe(204);

    const all = await admin("GET", "/identities");
    expect(all.status).toBe(200);
    expect(all.json).toStrictEqual({
      identities: [
        { id: second.identity.id, createdAt: "2026-03-01T12:01:00.000Z", lastTokenIssuedAt: "2026-03-01T12:01:00.000Z" },
        {
          id: first,
          customId: "alice@contoso",
          createdAt: "2026-03-01T12:00:00.000Z",
          deletedAt: "2026-03-01T12:02:00.000Z",
        },
      ],
      total: 2,
    });
    expect((await admin("GET", "/identities?search=ALICE")).json.identities.map((i: { id: string }) => i.id)).toStrictEqual([first]);
    expect((await admin("GET", `/identities?search=${second.identity.id.slice(-12)}`)).json.total).toBe(1);
    expect((await admin("GET", "/identities?search=nobody")).json).toStrictEqual({ identities: [], total: 0 });

    const one = await admin("GET", `/identities/${encodeURIComponent(second.identity.id)}`);
    expect(one.status).toBe(200);
    const token: string = second.accessToken.token;
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
    expect(one.json).toStrictEqual({
      identity: { id: second.identity.id, createdAt: "2026-03-01T12:01:00.000Z", lastTokenIssuedAt: "2026-03-01T12:01:00.000Z" },
      tokens: [{ token: `${token.slice(0, 12)}…`, expiresOn: second.accessToken.expiresOn, claims }],
    });
    expect(claims.scp).toBe(1792);
    expect(one.text).not.toContain(token.slice(0, 13));
    expect((await admin("GET", "/identities/8%3Aacs%3Anobody")).json).toStrictEqual({
      error: { code: "NotFound", message: "No identity 8:acs:nobody." },
    });
  });
});

const { tenantId: TENANT, objectId: USER, otherObjectId: GROUP, clientId: APP } = SPEC_IDS;
const OTHER_TENANT = "0a1b2c3d-0000-4000-8000-000000000002";
const OTHER_APP = "aaaaaaaa-0000-4000-8000-000000000001";
const call = signedCaller(target);
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
    await put(entraPath(USER), { tenantId: TENANT, principalType: "user", clientIds: [APP] });
    const exchangedId = `8:acs:${emulator.resourceId}_wf_${TENANT}_${USER}`;
    const token = mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP, now: clock });
    const exchange = await send(emulator.endpoint, {
      method: "POST",
      path: `/access/entra/:exchangeAccessToken?api-version=${PREVIEW}`,
      body: "{}",
      headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
    });
    expect([exchange.status, exchange.json.identity]).toStrictEqual([200, { id: exchangedId }]);
    clock += 60_000;
    const created = await call("POST", `/identities?api-version=${STABLE}`, {});
    expect((await admin("GET", "/identities")).json).toStrictEqual({
      identities: [
        { id: created.json.identity.id, createdAt: "2026-03-01T12:01:00.000Z" },
        { id: exchangedId, createdAt: "2026-03-01T12:00:00.000Z", lastTokenIssuedAt: "2026-03-01T12:00:00.000Z" },
      ],
      total: 2,
    });
    clock += 60_000;
    expect((await call("DELETE", entraPath(USER))).status).toBe(204);
    expect((await admin("GET", `/identities?search=${TENANT}`)).json).toStrictEqual({
      identities: [
        {
          id: exchangedId,
          createdAt: "2026-03-01T12:00:00.000Z",
          lastTokenIssuedAt: "2026-03-01T12:00:00.000Z",
          revokedAt: "2026-03-01T12:02:00.000Z",
        },
      ],
      total: 1,
    });
  });
});

describe("faults", () => {
  it("adds, lists, removes one and removes all", async () => {
    const added = await admin("POST", "/faults", { status: 429, retryAfterSeconds: 1, count: "Infinity", operation: "issueToken" });
    expect(added.status).toBe(201);
    expect(added.json).toStrictEqual({
      fault: {
        id: expect.any(Number),
        status: 429,
        retryAfterSeconds: 1,
        operation: "issueToken",
        left: "Infinity",
        text: "HTTP 429, Retry-After 1 s",
      },
    });
    const second = await admin("POST", "/faults", { drop: "before", count: 2 });
    expect((await admin("GET", "/faults")).json).toStrictEqual({
      faults: [added.json.fault, { id: second.json.fault.id, drop: "before", left: 2, text: "dropped before processing" }],
    });
    expect(emulator.faults.remaining()).toBe(Infinity);
    expect((await admin("DELETE", `/faults/${added.json.fault.id}`)).status).toBe(204);
    expect(emulator.faults.remaining()).toBe(2);
    expect((await admin("DELETE", `/faults/${added.json.fault.id}`)).json).toStrictEqual({
      error: { code: "NotFound", message: `No fault ${added.json.fault.id}.` },
    });
    expect((await admin("DELETE", "/faults")).status).toBe(204);
    expect(emulator.faults.remaining()).toBe(0);
  });

  it("refuses a fault it cannot inject, saying why", async () => {
    const refusals: [unknown, string][] = [
      [{ status: 200 }, "A fault's status must be an HTTP error status (400-599)."],
      [{ count: 0 }, "A fault's count must be a positive integer or Infinity."],
      [
        { statuss: 503 },
        'Unknown fault field "statuss"; known: status, retryAfterSeconds, retryAfterMs, count, operation, drop, latencyMs, body.',
      ],
      [{ operation: "dance" }, 'The fault field "operation" has a value it cannot take: "dance".'],
      [[503], 'The body must be a JSON object, e.g. {"status":503,"count":2}.'],
    ];
    for (const [body, message] of refusals) {
      const response = await admin("POST", "/faults", body);
      expect([response.status, response.json]).toStrictEqual([400, { error: { code: "InvalidFault", message } }]);
    }
    expect(emulator.faults.remaining()).toBe(0);
  });
});

describe("rate limits", () => {
  afterEach(async () => {
    expect((await admin("PUT", "/limits", { limits: null })).json).toStrictEqual({ limits: null, windows: [] });
  });
  const issue = (id: string) =>
    signedSend(target(), { method: "POST", path: identityPath(id, ":issueAccessToken"), body: { scopes: ["chat"] } });
  const at = (ms: number) => new Date(START + ms).toISOString();

  it("are off unless set: no limit, no window", async () => {
    const response = await admin("GET", "/limits");
    expect([response.status, response.json]).toStrictEqual([200, { limits: null, windows: [] }]);
  });

  it("are set without a restart in --limits' form; an unchanged limit keeps its window; null turns them off", async () => {
    const set = await admin("PUT", "/limits", { limits: "service, issue=2/1.5s" });
    expect(set.status).toBe(200);
    expect(set.json.limits).toBe("create=1000/30s,issue=2/1500ms,createWithToken=1000/30s,delete=500/30s,revoke=500/30s,exchange=500/30s");
    expect(
      set.json.windows.map((w: { operation: string; requests: number; windowMs: number }) => [w.operation, w.requests, w.windowMs]),
    ).toStrictEqual([
      ["create", 1000, 30_000],
      ["issue", 2, 1500],
      ["createWithToken", 1000, 30_000],
      ["delete", 500, 30_000],
      ["revoke", 500, 30_000],
      ["exchange", 500, 30_000],
    ]);
    const id = await createIdentity(target());
    expect([(await issue(id)).status, (await issue(id)).status, (await issue(id)).status]).toStrictEqual([200, 200, 429]);
    const changed = await admin("PUT", "/limits", { limits: "issue=2/1500ms,create=10/1m" });
    expect(changed.json).toStrictEqual({
      limits: "create=10/1m,issue=2/1500ms",
      windows: [
        { operation: "create", requests: 10, windowMs: 60_000, inWindow: 0, nextAdmittedAt: at(0), waitMs: 0 },
        { operation: "issue", requests: 2, windowMs: 1500, inWindow: 2, nextAdmittedAt: at(1500), waitMs: 1500 },
      ],
    });
    expect((await issue(id)).status).toBe(429);
    expect((await admin("PUT", "/limits", { limits: null })).json).toStrictEqual({ limits: null, windows: [] });
    expect((await issue(id)).status).toBe(200);
  });

  it("refuses limits it does not understand, with the same messages as --limits, and keeps the old ones", async () => {
    expect((await admin("PUT", "/limits", { limits: "issue=1/1s" })).status).toBe(200);
    const form = 'The body must be a JSON object with one field, e.g. {"limits":"issue=100/10s"} or {"limits":null} for none.';
    const refusals: [unknown, string][] = [
      [
        { limits: "issue=100/10h" },
        'Rate limits: "issue=100/10h" is not understood. Expected "service", or operation=requests/window pairs separated by commas (e.g. "issue=100/10s,create=50/500ms"; windows in ms, s or m; operations: create, issue, createWithToken, delete, revoke, exchange), or both ("service,issue=100/10s").',
      ],
      [
        { limits: "login=1/1s" },
        'Rate limits: "login" is not an operation. Expected one of create, issue, createWithToken, delete, revoke, exchange.',
      ],
      [{ limits: "issue=0/1s" }, "Rate limits: issue needs a whole number of requests (at least 1) per a window longer than 0 ms."],
      [{ limits: 5 }, form],
      [{}, form],
      [{ limits: "issue=1/1s", windows: [] }, form],
      ["issue=1/1s", form],
    ];
    for (const [body, message] of refusals) {
      const response = await admin("PUT", "/limits", body);
      expect([response.status, response.json]).toStrictEqual([400, { error: { code: "InvalidLimits", message } }]);
    }
    expect((await admin("GET", "/limits")).json.limits).toBe("issue=1/1s");
    const wrong = await admin("DELETE", "/limits");
    expect([wrong.status, wrong.headers.allow]).toStrictEqual([405, "GET, PUT"]);
  });

  it("are kept by a reset, which empties their windows", async () => {
    expect((await admin("PUT", "/limits", { limits: "issue=1/1m" })).status).toBe(200);
    expect((await issue(await createIdentity(target()))).status).toBe(200);
    expect((await admin("GET", "/limits")).json.windows[0]).toMatchObject({ inWindow: 1, waitMs: 60_000 });
    expect((await admin("POST", "/reset")).status).toBe(204);
    expect((await admin("GET", "/limits")).json).toStrictEqual({
      limits: "issue=1/1m",
      windows: [{ operation: "issue", requests: 1, windowMs: 60_000, inWindow: 0, nextAdmittedAt: at(0), waitMs: 0 }],
    });
    expect((await issue(await createIdentity(target()))).status).toBe(200);
  });
});

describe("reset", () => {
  it("forgets identities, tokens, faults, repeatable creates and the log", async () => {
    const id = await createIdentity(target());
    const create = { method: "POST", path: `/identities?api-version=2023-08-01`, body: {} };
    const repeatable = {
      "repeatability-request-id": "0f5a1c51-58fd-4f3c-8a52-5e8e3bd3a9a2",
      "repeatability-first-sent": new Date(clock).toUTCString(),
    };
    const before = (await signedSend(target(), { ...create, headers: repeatable })).json.identity.id;
    emulator.faults.add({ status: 500, count: 5, operation: "getUser" });
    expect((await admin("POST", "/reset")).status).toBe(204);
    expect(emulator.identities()).toStrictEqual([]);
    expect(emulator.faults.remaining()).toBe(0);
    expect((await admin("GET", "/identities")).json).toStrictEqual({ identities: [], total: 0 });
    expect(await requests()).toStrictEqual([]);
    const after = (await signedSend(target(), { ...create, headers: repeatable })).json.identity.id;
    expect(after).not.toBe(before);
    expect((await signedSend(target(), { method: "DELETE", path: identityPath(id) })).status).toBe(401);
    expect(((await requests())[0] as { reason: unknown }).reason).toStrictEqual({
      kind: "identityUnknown",
      id,
      text: `Identity ${id} does not exist.`,
    });
  });
});

describe("who may call it", () => {
  const own = () => `http://${new URL(emulator.endpoint).host}`;
  const OTHER_ORIGIN = {
    error: { code: "Forbidden", message: "The admin API answers only the dashboard's own page and clients that are not browsers." },
  };

  it("answers its own page, with no CORS header", async () => {
    const response = await admin("GET", "/requests", undefined, { origin: own(), "sec-fetch-site": "same-origin" });
    expect(response.status).toBe(200);
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  it("refuses another origin, even a loopback one the service's CORS allows, and cross-site fetches", async () => {
    const port = new URL(emulator.endpoint).port;
    for (const headers of [
      { origin: "http://localhost:5173" },
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "same-site" },
      { "sec-fetch-site": "cross-site" },
      { origin: `http://127.0.0.1:${port}`, "sec-fetch-site": "cross-site" },
    ]) {
      for (const [method, path, body] of [
        ["GET", "/requests", undefined],
        ["GET", "/assignments", undefined],
        ["POST", "/faults", { status: 503 }],
        ["POST", "/reset", {}],
        ["PUT", "/limits", { limits: "issue=1/1s" }],
        ["OPTIONS", "/faults", undefined],
      ] as const) {
        const response = await admin(method, path, body, headers);
        expect([method, path, headers, response.status, response.json]).toStrictEqual([method, path, headers, 403, OTHER_ORIGIN]);
        expect(response.headers["access-control-allow-origin"]).toBeUndefined();
      }
    }
    expect(emulator.faults.remaining()).toBe(0);
    expect((await admin("GET", "/limits")).json.limits).toBeNull();
  });

  it("refuses a forged Host, and a POST that is not JSON", async () => {
    const port = new URL(emulator.endpoint).port;
    for (const host of [`evil.example:${port}`, "127.0.0.1", `127.0.0.2:${port}`, `localhost:${Number(port) + 1}`]) {
      const response = await admin("GET", "/requests", undefined, { host });
      expect([host, response.status, response.json]).toStrictEqual([
        host,
        403,
        {
          error: {
            code: "Forbidden",
            message: `The dashboard answers only on the emulator's loopback address (Host 127.0.0.1:${port}, localhost:${port}, [::1]:${port}).`,
          },
        },
      ]);
    }
    expect((await admin("GET", "/requests", undefined, { host: `localhost:${port}` })).status).toBe(200);
    const form = await send(emulator.endpoint, {
      method: "POST",
      path: "/_emulator/api/reset",
      body: "x=1",
      headers: { "content-type": "text/plain" },
    });
    expect([form.status, form.json]).toStrictEqual([
      415,
      { error: { code: "UnsupportedMediaType", message: "The admin API takes Content-Type: application/json." } },
    ]);
  });

  it("answers unknown endpoints and methods as errors", async () => {
    expect((await admin("GET", "/nothing")).json).toStrictEqual({ error: { code: "NotFound", message: "No such admin API endpoint." } });
    const wrong = await admin("DELETE", "/requests");
    expect([wrong.status, wrong.headers.allow]).toStrictEqual([405, "GET"]);
  });

  it("is not there with dashboard: false, and the log is not kept", async () => {
    const plain = await startEmulator({ dashboard: false });
    try {
      expect(plain.dashboardUrl).toBeUndefined();
      for (const path of ["/_emulator/", "/_emulator/api/requests"]) {
        const response = await send(plain.endpoint, { method: "GET", path });
        expect([response.status, response.json]).toStrictEqual([
          404,
          { error: { code: "NotFound", message: "The requested resource does not exist." } },
        ]);
      }
    } finally {
      await plain.close();
    }
    expect(emulator.dashboardUrl).toBe(`${emulator.endpoint}/_emulator/`);
  });
});

/** Opens the event stream and reads its events one by one. */
async function openEvents(): Promise<{ next(): Promise<{ name: string; data: string }>; close(): void }> {
  const queue: { name: string; data: string }[] = [];
  const waiting: ((event: { name: string; data: string }) => void)[] = [];
  let buffer = "";
  const req = httpRequest(new URL("/_emulator/api/events", emulator.endpoint), { agent: false });
  const res = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
    req.on("response", resolve).on("error", reject).end();
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name === undefined || data === undefined) continue;
      const event = { name, data };
      const waiter = waiting.shift();
      if (waiter) waiter(event);
      else queue.push(event);
    }
  });
  return {
    next: () => new Promise((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : waiting.push(resolve))),
    close: () => req.destroy(),
  };
}
