import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { faultReply, FaultInjector } from "../../src/emulator/pipeline/faults.js";
import { API, createIdentity, identityPath, signedSend } from "./helpers.js";

describe("FaultInjector", () => {
  it("applies faults in order, per operation, counting down", () => {
    const faults = new FaultInjector();
    faults.add({ status: 429, operation: "issueToken", count: 2 });
    faults.add({ status: 503 });
    expect(faults.remaining()).toBe(3);
    expect(faults.take("createUser")?.status).toBe(503);
    expect(faults.take("createUser")).toBeUndefined();
    expect(faults.take("issueToken")?.status).toBe(429);
    expect(faults.take("issueToken")?.status).toBe(429);
    expect(faults.take("issueToken")).toBeUndefined();
    faults.add({ count: Infinity });
    faults.clear();
    expect(faults.remaining()).toBe(0);
  });

  it("refuses nonsense", () => {
    const faults = new FaultInjector();
    expect(() => faults.add({ count: 0 })).toThrow(RangeError);
    expect(() => faults.add({ status: 200 })).toThrow(RangeError);
  });

  it("answers with the status, an error body and the retry headers", () => {
    expect(faultReply({ status: 429, retryAfterSeconds: 2, retryAfterMs: 1500 })).toEqual({
      status: 429,
      body: '{"error":{"code":"TooManyRequests","message":"Injected fault: HTTP 429."}}',
      headers: { "retry-after": "2", "retry-after-ms": "1500", "x-ms-retry-after-ms": "1500" },
    });
    expect(faultReply({})?.status).toBe(503);
    expect(faultReply({ latencyMs: 5 })).toBeUndefined();
    expect(faultReply({ drop: "after" })).toBeUndefined();
    expect(faultReply({ status: 500, body: { custom: true } })?.body).toBe('{"custom":true}');
  });
});

describe("faults over HTTP", () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator();
  });
  afterEach(() => emulator.close());
  const create = () => signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {} });

  it("answers 503 twice, then succeeds", async () => {
    emulator.faults.add({ status: 503, retryAfterSeconds: 0, count: 2 });
    const first = await create();
    expect(first.status).toBe(503);
    expect(first.headers["retry-after"]).toBe("0");
    expect(first.json).toEqual({ error: { code: "ServiceUnavailable", message: "Injected fault: HTTP 503." } });
    expect(first.headers["ms-cv"]).toBeDefined();
    expect((await create()).status).toBe(503);
    expect((await create()).status).toBe(201);
    expect(emulator.identities()).toHaveLength(1);
  });

  it("drops the connection after processing: the identity exists", async () => {
    emulator.faults.add({ drop: "after", operation: "createUser" });
    await expect(create()).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(emulator.identities()).toHaveLength(1);
    expect((await create()).status).toBe(201);
    expect(emulator.identities()).toHaveLength(2);
  });

  it("drops the connection before processing: nothing is created", async () => {
    emulator.faults.add({ drop: "before" });
    await expect(create()).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(emulator.identities()).toHaveLength(0);
  });

  it("adds latency, then processes", async () => {
    emulator.faults.add({ latencyMs: 150 });
    const started = performance.now();
    expect((await create()).status).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("scopes a fault to its operation", async () => {
    const id = await createIdentity(emulator);
    emulator.faults.add({ status: 429, operation: "issueToken", retryAfterMs: 10 });
    expect((await create()).status).toBe(201);
    const issue = await signedSend(emulator, { method: "POST", path: identityPath(id, ":issueAccessToken"), body: { scopes: ["chat"] } });
    expect(issue.status).toBe(429);
    expect(issue.headers["retry-after-ms"]).toBe("10");
  });
});
