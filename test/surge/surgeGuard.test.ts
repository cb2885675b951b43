import type { HttpClient } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/index.js";
import { createNodeHttpClient } from "../../src/transport/nodeHttpClient.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { SurgeGuard, ThrottledError, type SurgeGuardOptions } from "../../src/surge/index.js";

/** The real Node.js HTTP client, counting what it sends and the 429s it gets back. */
function countingHttpClient(): HttpClient & { sent: number; throttled: number } {
  const inner = createNodeHttpClient();
  const counter = {
    sent: 0,
    throttled: 0,
    async sendRequest(request: Parameters<HttpClient["sendRequest"]>[0]) {
      counter.sent += 1;
      const response = await inner.sendRequest(request);
      if (response.status === 429) counter.throttled += 1;
      return response;
    },
  };
  return counter;
}

describe("SurgeGuard pacing against an emulator with limits", () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  async function setUp(limits: string, options: SurgeGuardOptions) {
    emulator = await startEmulator({ limits });
    const wire = countingHttpClient();
    const guard = new SurgeGuard(options);
    const client = new CommunicationIdentityClient(emulator.connectionString, { httpClient: guard.httpClient(wire) });
    const user = await client.createUser();
    wire.sent = 0;
    return { client, wire, user };
  }

  it("without a budget, a 429 holds every call on the operation for the wait the service named; then each is sent once more", async () => {
    const { client, wire, user } = await setUp("issue=2/1s", {});
    const started = Date.now();
    const tokens = await Promise.all(Array.from({ length: 4 }, () => client.issueToken(user, ["chat"])));
    expect(tokens.map(({ token }) => typeof token)).toStrictEqual(["string", "string", "string", "string"]);
    expect({ sent: wire.sent, throttled: wire.throttled }).toStrictEqual({ sent: 6, throttled: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // Retry-After: 1
  });

  it("with a budget, a burst queues locally and nothing is throttled", async () => {
    const { client, wire, user } = await setUp("issue=2/400ms", { rateLimits: "issue=2/400ms" });
    const started = Date.now();
    const finished: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => client.issueToken(user, ["chat"]).then(() => finished.push(Date.now() - started))));
    expect({ sent: wire.sent, throttled: wire.throttled }).toStrictEqual({ sent: 5, throttled: 0 });
    // Slots 0, 0, 650, 650 and 1300 ms: the window plus the 250 ms margin.
    expect(finished.sort((a, b) => a - b)[4]).toBeGreaterThanOrEqual(1300);
    expect(finished[2]).toBeGreaterThanOrEqual(650);
  });

  it("a call the budget cannot serve within its timeout fails at once, sending nothing, and says for how long", async () => {
    const { client, wire, user } = await setUp("issue=1/10s", { rateLimits: "issue=1/10s" });
    await client.issueToken(user, ["chat"]);
    const started = Date.now();
    const error = (await client
      .issueToken(user, ["chat"], { requestOptions: { timeout: 500 } })
      .catch((e: unknown) => e)) as ThrottledError;
    expect(Date.now() - started).toBeLessThan(2000); // at once, not after the 10 s the budget needs
    expect(error).toBeInstanceOf(ThrottledError);
    expect([error.name, error.statusCode, error.operation, error.by, error.allowedMs, error.sent]).toStrictEqual([
      "ThrottledError",
      429,
      "issue",
      "budget",
      500,
      false,
    ]);
    expect(error.leftMs).toBeLessThanOrEqual(500);
    expect(error.leftMs).toBeGreaterThan(300);
    expect(error.retryAfterMs).toBeGreaterThan(10_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(10_250);
    expect(error.message).toBe(
      `Throttled: the client's issue budget (rateLimits) has no room for ${(error.retryAfterMs / 1000).toFixed(1)} s, longer than this call may still wait (${(error.leftMs / 1000).toFixed(1)} s left of its timeout of 0.5 s). Nothing was sent. Try again later, or allow a longer timeout.`,
    );
    expect(wire.sent).toBe(1);
  });

  it("a call the service's hold outlasts fails with who throttled and for how long; later calls fail without sending", async () => {
    const { client, wire, user } = await setUp("issue=1/10s", { maxWaitMs: 2000 });
    await client.issueToken(user, ["chat"]);
    const error = (await client.issueToken(user, ["chat"]).catch((e: unknown) => e)) as ThrottledError;
    expect([error.by, error.allowedMs, error.sent, wire.sent, wire.throttled]).toStrictEqual(["service", 2000, true, 2, 1]);
    expect(error.leftMs).toBeLessThan(2000); // the 429's round trip used some of it
    expect(error.leftMs).toBeGreaterThan(1000);
    expect(error.message).toBe(
      `Throttled: the service answered 429 to issue requests and asked to wait 10.0 s, longer than this call may still wait (${(error.leftMs / 1000).toFixed(1)} s left of its maxWaitMs of 2.0 s). An attempt was sent and answered 429. Try again later, or allow a longer maxWaitMs.`,
    );
    const later = (await client.issueToken(user, ["chat"]).catch((e: unknown) => e)) as ThrottledError;
    expect([later.name, later.sent]).toStrictEqual(["ThrottledError", false]);
    expect(later.message).toMatch(/ \(2\.0 s left of its maxWaitMs of 2\.0 s\)\. Nothing was sent\. Try again later/);
    expect(wire.sent).toBe(2);
    // Other operations are not held.
    await client.createUser();
    expect(wire.sent).toBe(3);
  });

  it("an abort during a wait rejects at once with an AbortError", async () => {
    const { client, wire, user } = await setUp("issue=1/10s", { rateLimits: "issue=1/10s" });
    await client.issueToken(user, ["chat"]);
    const started = Date.now();
    const error = (await client.issueToken(user, ["chat"], { abortSignal: AbortSignal.timeout(50) }).catch((e: unknown) => e)) as Error;
    const waited = Date.now() - started;
    expect(error.name).toBe("AbortError");
    expect(waited).toBeGreaterThanOrEqual(45);
    expect(waited).toBeLessThan(2000); // not the 10 s the budget needs
    expect(wire.sent).toBe(1);
  });

  it("a wait counts against the request's timeout", async () => {
    const { client, wire, user } = await setUp("issue=1/300ms", { rateLimits: "issue=1/300ms" });
    const started = Date.now();
    await client.issueToken(user, ["chat"]);
    await client.issueToken(user, ["chat"], { requestOptions: { timeout: 5000 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550); // the window and the margin after the first
    expect({ sent: wire.sent, throttled: wire.throttled }).toStrictEqual({ sent: 2, throttled: 0 });
    await expect(client.issueToken(user, ["chat"], { requestOptions: { timeout: 100 } })).rejects.toThrow(ThrottledError);
  });

  it("refuses options it cannot use", () => {
    expect(() => new SurgeGuard({ maxWaitMs: -1 })).toThrow(
      new RangeError("maxWaitMs must be a number of milliseconds, 0 or more (e.g. 60000)."),
    );
    expect(() => new SurgeGuard({ rateLimits: "issue=lots" })).toThrow(RangeError);
    expect(() => new SurgeGuard({ maxWaitMs: Infinity })).toThrow(
      new RangeError("maxWaitMs must be a number of milliseconds, 0 or more (e.g. 60000)."),
    );
  });
});
