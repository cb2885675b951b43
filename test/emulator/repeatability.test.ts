import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { RepeatabilityCache } from "../../src/emulator/routes/repeatability.js";
import { API, signedSend } from "./helpers.js";

const REQUEST_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

describe("repeatable creates", () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator();
  });
  afterEach(() => emulator.close());
  const create = (headers: Record<string, string | undefined>) =>
    signedSend(emulator, { method: "POST", path: `/identities?api-version=${API}`, body: {}, headers });
  const now = () => new Date().toUTCString();

  it("accepts the first request and replays it for a retry with the same id", async () => {
    const headers = { "repeatability-request-id": REQUEST_ID, "repeatability-first-sent": now() };
    const first = await create(headers);
    expect(first.status).toBe(201);
    expect(first.headers["repeatability-result"]).toBe("accepted");
    const retry = await create(headers);
    expect(retry.status).toBe(201);
    expect(retry.headers["repeatability-result"]).toBe("accepted");
    expect(retry.json).toEqual(first.json);
    expect(emulator.identities()).toHaveLength(1);
  });

  it("replays the create whose connection was dropped after it was processed", async () => {
    const headers = { "repeatability-request-id": REQUEST_ID, "repeatability-first-sent": now() };
    emulator.faults.add({ drop: "after" });
    await expect(create(headers)).rejects.toThrow();
    const retry = await create(headers);
    expect(retry.headers["repeatability-result"]).toBe("accepted");
    expect(emulator.identities().map((identity) => identity.id)).toEqual([retry.json.identity.id]);
  });

  it("gives concurrent requests with one id one identity", async () => {
    const headers = { "repeatability-request-id": REQUEST_ID, "repeatability-first-sent": now() };
    const responses = await Promise.all([create(headers), create(headers), create(headers)]);
    expect(new Set(responses.map((response) => response.json.identity.id)).size).toBe(1);
    expect(responses.map((response) => response.headers["repeatability-result"]).sort()).toEqual(["accepted", "accepted", "accepted"]);
  });

  it.each([
    [
      "an id that is not a UUID",
      { "repeatability-request-id": "abc", "repeatability-first-sent": new Date().toUTCString() },
      "InvalidRepeatabilityRequestId",
    ],
    ["a missing first-sent", { "repeatability-request-id": REQUEST_ID }, "InvalidRepeatabilityFirstSent"],
    [
      "a first-sent that is not a date",
      { "repeatability-request-id": REQUEST_ID, "repeatability-first-sent": "soon" },
      "InvalidRepeatabilityFirstSent",
    ],
  ])("refuses %s with 400, Repeatability-Result: rejected", async (_kind, headers, code) => {
    const response = await create(headers);
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe(code);
    expect(response.headers["repeatability-result"]).toBe("rejected");
    expect(emulator.identities()).toHaveLength(0);
  });

  it("refuses a first-sent outside the window with 412, Repeatability-Result: rejected", async () => {
    const old = new Date(Date.now() - 3_600_000).toUTCString();
    const response = await create({ "repeatability-request-id": REQUEST_ID, "repeatability-first-sent": old });
    expect(response.status).toBe(412);
    expect(response.json.error.code).toBe("RepeatabilityWindowExceeded");
    expect(response.headers["repeatability-result"]).toBe("rejected");
    expect(emulator.identities()).toHaveLength(0);
  });
});

describe("RepeatabilityCache", () => {
  it("forgets ids after the time limit and beyond the size limit, and never remembers failures", async () => {
    let clock = 0;
    const cache = new RepeatabilityCache({ ttlMs: 1000, maxEntries: 2 }, () => clock);
    let runs = 0;
    const handle = async () => ({ status: 201, body: String(++runs) });
    expect((await cache.run("a", handle)).reply.body).toBe("1");
    expect(await cache.run("a", handle)).toEqual({ reply: { status: 201, body: "1" }, replayed: true });
    await cache.run("b", handle);
    await cache.run("c", handle);
    expect(cache.size()).toBe(2);
    expect((await cache.run("a", handle)).replayed).toBe(false);
    clock = 5000;
    expect((await cache.run("c", handle)).replayed).toBe(false);
    await cache.run("fail", async () => ({ status: 400 }));
    expect((await cache.run("fail", handle)).replayed).toBe(false);
  });
});

describe("repeatable creates across a restart", () => {
  it("finds the identity a request id created before the emulator restarted on the same data directory", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "acs-repeat-"));
    const accessKey = Buffer.alloc(64, 4).toString("base64");
    const headers = { "repeatability-request-id": REQUEST_ID, "repeatability-first-sent": new Date().toUTCString() };
    try {
      const before = await startEmulator({ dataDir, accessKey });
      const first = await signedSend(before, { method: "POST", path: `/identities?api-version=${API}`, body: {}, headers });
      await before.close();
      const after = await startEmulator({ dataDir, accessKey });
      try {
        const retry = await signedSend(after, { method: "POST", path: `/identities?api-version=${API}`, body: {}, headers });
        expect(retry.status).toBe(201);
        expect(retry.json.identity.id).toBe(first.json.identity.id);
        expect(after.identities()).toHaveLength(1);
      } finally {
        await after.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
