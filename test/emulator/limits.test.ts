import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { API, createIdentity, identityPath, send, signedSend, type Target } from "./helpers.js";

describe("emulator rate limits", () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  let clock = Date.UTC(2026, 11, 2, 9, 0, 0);
  const now = () => clock;
  const start = async (limits: string) => {
    clock = Date.UTC(2026, 11, 2, 9, 0, 0);
    emulator = await startEmulator({ now, limits });
    return { endpoint: emulator.endpoint, accessKey: emulator.accessKey, now } satisfies Target;
  };
  const issue = (target: Target, id: string) =>
    signedSend(target, { method: "POST", path: identityPath(id, ":issueAccessToken"), body: { scopes: ["chat"] } });

  it("tells the dashboard's request log that the request was throttled, with the window", async () => {
    const target = await start("issue=1/10s");
    const id = await createIdentity(target);
    expect([(await issue(target, id)).status, (await issue(target, id)).status]).toStrictEqual([200, 429]);
    const log = await send(target.endpoint, { method: "GET", path: "/_emulator/api/requests" });
    expect((log.json.requests as Array<{ reason?: unknown }>)[0]!.reason).toStrictEqual({
      kind: "throttled",
      limit: 1,
      windowMs: 10_000,
      retryAfterSeconds: 10,
      text: "Throttled: more than 1 request in 10 s; retry after 10 s.",
    });
  });

  it("shows each limited operation's window through the admin API: requests in it, when the next is admitted", async () => {
    const target = await start("issue=2/10s,create=5/1m");
    const id = await createIdentity(target);
    const windows = async () => (await send(target.endpoint, { method: "GET", path: "/_emulator/api/limits" })).json;
    const at = (ms: number) => new Date(Date.UTC(2026, 11, 2, 9, 0, 0) + ms).toISOString();
    const create = { operation: "create", requests: 5, windowMs: 60_000, inWindow: 1, nextAdmittedAt: at(0), waitMs: 0 };
    expect(await windows()).toStrictEqual({
      limits: "create=5/1m,issue=2/10s",
      windows: [create, { operation: "issue", requests: 2, windowMs: 10_000, inWindow: 0, nextAdmittedAt: at(0), waitMs: 0 }],
    });
    expect((await issue(target, id)).status).toBe(200);
    clock += 4_000;
    expect((await issue(target, id)).status).toBe(200);
    clock += 1_000;
    expect((await issue(target, id)).status).toBe(429);
    // The throttled issue at 5 s counts too: the next is admitted when the issue at 4 s leaves the window.
    const issueWindow = { operation: "issue", requests: 2, windowMs: 10_000 };
    expect(await windows()).toStrictEqual({
      limits: "create=5/1m,issue=2/10s",
      windows: [
        { ...create, waitMs: 0, nextAdmittedAt: at(5_000) },
        { ...issueWindow, inWindow: 2, nextAdmittedAt: at(14_000), waitMs: 9_000 },
      ],
    });
    clock += 9_000;
    expect((await windows()).windows[1]).toStrictEqual({ ...issueWindow, inWindow: 1, nextAdmittedAt: at(14_000), waitMs: 0 });
  });

  it("answers 429 with Retry-After and the service's error shape over a sliding window, counting throttled requests", async () => {
    const target = await start("issue=3/10s");
    const id = await createIdentity(target);
    expect((await issue(target, id)).status).toBe(200);
    clock += 4_000;
    expect([(await issue(target, id)).status, (await issue(target, id)).status]).toStrictEqual([200, 200]);
    clock += 1_500; // 5.5 s after the first issue: three in the window
    const throttled = await issue(target, id);
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("5"); // the first issue leaves the window in 4.5 s
    expect(throttled.headers["content-type"]).toBe("application/json");
    expect(throttled.headers["api-supported-versions"]).toBeDefined();
    expect(throttled.json).toStrictEqual({
      error: {
        code: "TooManyRequests",
        message: "Rate limit exceeded: at most 3 issue requests per 10 seconds for this resource. Retry after 5 seconds.",
      },
    });
    clock += 4_500; // 10 s: the issues at 4 s are still in the window
    const still = await issue(target, id);
    expect([still.status, still.headers["retry-after"]]).toStrictEqual([429, "4"]);
    clock += 3_999;
    expect((await issue(target, id)).headers["retry-after"]).toBe("1");
    // 14 s: the issues at 4 s have left, but the throttled requests at 5.5 s, 10 s and 13.999 s count.
    clock += 1;
    const counted = await issue(target, id);
    expect([counted.status, counted.headers["retry-after"]]).toStrictEqual([429, "2"]);
    // Nothing sent for 10 s: the window has room again.
    clock += 10_000;
    expect((await issue(target, id)).status).toBe(200);
  });

  it("limits each operation on its own; a create with a token is createWithToken; getUser is not limited", async () => {
    const target = await start("create=1/1s,createWithToken=1/1s,revoke=1/500ms");
    const create = (body: unknown) => signedSend(target, { method: "POST", path: `/identities?api-version=${API}`, body });
    expect((await create({})).status).toBe(201);
    expect((await create({ createTokenWithScopes: ["chat"] })).status).toBe(201);
    const second = await create({});
    expect([second.status, second.json.error.message]).toStrictEqual([
      429,
      "Rate limit exceeded: at most 1 create requests per 1 seconds for this resource. Retry after 1 second.",
    ]);
    expect((await create({ createTokenWithScopes: ["chat"] })).status).toBe(429);
    const id = emulator!.identities()[0]!.id;
    const revoke = () => signedSend(target, { method: "POST", path: identityPath(id, ":revokeAccessTokens") });
    expect([(await revoke()).status, (await revoke()).status]).toStrictEqual([204, 429]);
    expect((await issue(target, id)).status).toBe(200); // no issue limit given
    clock += 499;
    expect((await revoke()).status).toBe(429);
    clock += 500; // 500 ms after the throttled revoke, the last request
    expect((await revoke()).status).toBe(204);
  });

  it("'service' enforces the documented figures: 500 deletes per 30 s", async () => {
    const target = await start("service");
    const ids = await Promise.all(Array.from({ length: 501 }, () => createIdentity(target)));
    const statuses = [];
    for (const id of ids) statuses.push((await signedSend(target, { method: "DELETE", path: identityPath(id) })).status);
    expect(statuses.filter((status) => status === 204)).toHaveLength(500);
    expect(statuses.at(-1)).toBe(429);
  });

  it("refuses limits it does not understand, before listening", async () => {
    await expect(startEmulator({ limits: "issue=100/10h" })).rejects.toThrow(
      'Rate limits: "issue=100/10h" is not understood. Expected "service", or operation=requests/window pairs separated by commas (e.g. "issue=100/10s,create=50/500ms"; windows in ms, s or m; operations: create, issue, createWithToken, delete, revoke, exchange), or both ("service,issue=100/10s").',
    );
    await expect(startEmulator({ limits: "login=1/1s" })).rejects.toThrow(
      'Rate limits: "login" is not an operation. Expected one of create, issue, createWithToken, delete, revoke, exchange.',
    );
    await expect(startEmulator({ limits: { issue: { requests: 0, windowMs: 1000 } } })).rejects.toThrow(
      "Rate limits: issue needs a whole number of requests (at least 1) per a window longer than 0 ms.",
    );
  });
});
