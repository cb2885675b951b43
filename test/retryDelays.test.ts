// The retry policy's timing and its limits, measured on a fake clock with a fixed random source:
// exact backoff delays, the default delays, where Retry-After is honoured, what happens when the
// retries run out, and which network failures count as "not sent".
import { createEmptyPipeline, createHttpHeaders, createPipelineRequest, RestError, type HttpClient } from "@azure/core-rest-pipeline";
import { AzureLogger, getLogLevel, setLogLevel } from "@azure/logger";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AbortSignalLike } from "../src/client/models.js";
import {
  delay,
  identityRetryPolicy,
  markNotRepeatable,
  markStaleConnection,
  retryAfterMs,
  wasRepeatedAfterUnknownOutcome,
} from "../src/transport/retryPolicy.js";

type Outcome = { status: number; headers?: Record<string, string> } | { error: string };

interface Timeline {
  /** Milliseconds between one attempt and the next. */
  delays: number[];
  status: number | undefined;
  error: RestError | undefined;
  repeated: boolean;
}

/**
 * Sends one POST through the retry policy on a fake clock, `Math.random()` fixed at `random`,
 * against a transport that answers with `outcomes` in turn (the last one repeating).
 */
async function timeline(
  outcomes: Outcome[],
  options: Parameters<typeof identityRetryPolicy>[0],
  { random = 0.75, notRepeatable = false, abortSignal }: { random?: number; notRepeatable?: boolean; abortSignal?: AbortSignalLike } = {},
): Promise<Timeline> {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 0 });
  vi.spyOn(Math, "random").mockReturnValue(random);
  const times: number[] = [];
  const httpClient: HttpClient = {
    async sendRequest(request) {
      const outcome = outcomes[Math.min(times.length, outcomes.length - 1)]!;
      times.push(Date.now());
      if ("error" in outcome) throw new RestError(`socket ${outcome.error}`, { code: outcome.error, request });
      return { request, status: outcome.status, headers: createHttpHeaders(outcome.headers) };
    },
  };
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(identityRetryPolicy(options), { phase: "Retry" });
  const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", method: "POST", abortSignal });
  if (notRepeatable) markNotRepeatable(request);
  const done = pipeline.sendRequest(httpClient, request).then(
    (response) => ({ status: response.status as number | undefined, error: undefined as RestError | undefined }),
    (error: RestError) => ({ status: undefined, error }),
  );
  await vi.runAllTimersAsync();
  const result = await done;
  return { delays: times.slice(1).map((time, i) => time - times[i]!), ...result, repeated: wasRepeatedAfterUnknownOutcome(request) };
}

/** The lines the package's logger writes at level info while `run` runs. */
async function infoLines(run: () => Promise<unknown>): Promise<string[]> {
  const previousLevel = getLogLevel();
  const previousLog = AzureLogger.log;
  const lines: string[] = [];
  setLogLevel("info");
  AzureLogger.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    await run();
  } finally {
    AzureLogger.log = previousLog;
    setLogLevel(previousLevel);
  }
  return lines;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("backoff delays", () => {
  it("doubles from retryDelayInMs, times a jitter factor of 0.8 + 0.4 * random", async () => {
    expect((await timeline([{ status: 500 }], { retryDelayInMs: 100, maxRetryDelayInMs: 10_000, maxRetries: 4 })).delays).toStrictEqual([
      110, 220, 440, 880,
    ]);
  });

  it.each([
    [0, [80, 160, 320]],
    [0.5, [100, 200, 400]],
    [1, [120, 240, 480]],
  ])("with random() = %s the delays are %j", async (random, delays) => {
    expect((await timeline([{ status: 503 }], { retryDelayInMs: 100 }, { random })).delays).toStrictEqual(delays);
  });

  it("rounds to whole milliseconds", async () => {
    // 0.8 + 0.4 * 0.3 = 0.92: 7 ms * 0.92 = 6.44, 14 * 0.92 = 12.88, 28 * 0.92 = 25.76.
    expect((await timeline([{ status: 502 }], { retryDelayInMs: 7 }, { random: 0.3 })).delays).toStrictEqual([6, 13, 26]);
  });

  it("caps the exponential part at maxRetryDelayInMs before the jitter", async () => {
    expect((await timeline([{ status: 504 }], { retryDelayInMs: 300, maxRetryDelayInMs: 500 }, { random: 0 })).delays).toStrictEqual([
      240, 400, 400,
    ]);
  });

  it("defaults to 3 retries from 500 ms (400, 800, 1600 ms at the lowest jitter)", async () => {
    const result = await timeline([{ status: 500 }], undefined, { random: 0 });
    expect(result.delays).toStrictEqual([400, 800, 1600]);
    expect(result.status).toBe(500);
  });

  it("defaults the cap to 10 000 ms", async () => {
    expect((await timeline([{ status: 500 }], { retryDelayInMs: 4000 }, { random: 1 })).delays).toStrictEqual([4800, 9600, 12_000]);
  });

  it("maxRetries: 0 sends once", async () => {
    expect(await timeline([{ status: 500 }, { status: 200 }], { maxRetries: 0 })).toMatchObject({ delays: [], status: 500 });
  });

  it("backs off the same way after a network error", async () => {
    const result = await timeline(
      [{ error: "ECONNRESET" }, { error: "ETIMEDOUT" }, { status: 201 }],
      { retryDelayInMs: 100 },
      { random: 0.5 },
    );
    expect(result).toMatchObject({ delays: [100, 200], status: 201, repeated: true });
  });

  it("logs each retry with its number, the request id and the delay", async () => {
    const lines = await infoLines(() => timeline([{ status: 500 }, { status: 200 }], { retryDelayInMs: 100 }, { random: 0.5 }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^azure:acs-identity:info Retry 1 of request [0-9a-f-]{36} in 100 ms$/);
  });
});

describe("running out of retries", () => {
  it("throws the last network error when every attempt failed", async () => {
    const result = await timeline([{ error: "ECONNRESET" }], { retryDelayInMs: 10, maxRetries: 2 }, { random: 0.5 });
    expect(result.delays).toStrictEqual([10, 20]);
    expect(result.status).toBeUndefined();
    expect(result.error).toBeInstanceOf(RestError);
    expect(result.error?.code).toBe("ECONNRESET");
    expect(result.error?.message).toBe("socket ECONNRESET");
  });

  it("returns the last answer of a transient status", async () => {
    expect(await timeline([{ status: 503 }], { retryDelayInMs: 10, maxRetries: 1 }, { random: 0.5 })).toMatchObject({
      delays: [10],
      status: 503,
      error: undefined,
    });
  });
});

describe("Retry-After", () => {
  it.each([429, 503])("is waited exactly on %i", async (status) => {
    const result = await timeline([{ status, headers: { "retry-after": "2" } }, { status: 200 }], { retryDelayInMs: 100 });
    expect(result).toMatchObject({ delays: [2000], status: 200 });
  });

  it("is waited when it equals maxRetryDelayInMs", async () => {
    const result = await timeline([{ status: 429, headers: { "retry-after-ms": "700" } }, { status: 200 }], { maxRetryDelayInMs: 700 });
    expect(result).toMatchObject({ delays: [700], status: 200 });
  });

  it("is not waited when it exceeds maxRetryDelayInMs by 1 ms: the answer comes back at once", async () => {
    const result = await timeline([{ status: 429, headers: { "retry-after-ms": "701" } }, { status: 200 }], { maxRetryDelayInMs: 700 });
    expect(result).toMatchObject({ delays: [], status: 429 });
  });

  it.each([408, 500, 502, 504])("is ignored on %i: backoff applies", async (status) => {
    const result = await timeline([{ status, headers: { "retry-after": "5" } }, { status: 200 }], { retryDelayInMs: 100 }, { random: 0.5 });
    expect(result).toMatchObject({ delays: [100], status: 200 });
  });

  it.each([400, 401, 403, 404, 409])("does not make %i retried", async (status) => {
    expect(await timeline([{ status, headers: { "retry-after": "1" } }, { status: 200 }], {})).toMatchObject({ delays: [], status });
  });

  it("429 without Retry-After is not retried", async () => {
    expect(await timeline([{ status: 429 }, { status: 200 }], {})).toMatchObject({ delays: [], status: 429 });
  });

  it("a 503 with Retry-After is retried for a create that must not be repeated; without it, it is not", async () => {
    const withHeader = await timeline([{ status: 503, headers: { "retry-after": "1" } }, { status: 201 }], {}, { notRepeatable: true });
    expect(withHeader).toMatchObject({ delays: [1000], status: 201 });
    const without = await timeline([{ status: 503 }, { status: 201 }], {}, { notRepeatable: true });
    expect(without).toMatchObject({ delays: [], status: 503 });
  });

  it("retry-after-ms 0 means at once", () => {
    const response = {
      request: createPipelineRequest({ url: "https://x" }),
      status: 429,
      headers: createHttpHeaders({ "retry-after-ms": "0", "retry-after": "9" }),
    };
    expect(retryAfterMs(response, 0)).toBe(0);
  });

  it.each([
    [{ "retry-after-ms": "-1", "retry-after": "3" }, 3000],
    [{ "retry-after-ms": "abc", "x-ms-retry-after-ms": "25" }, 25],
    [{ "retry-after-ms": "12.5" }, 12.5],
    [{ "retry-after": "  " }, undefined],
    [{ "retry-after": "-2" }, 0],
    [{ "retry-after": "1.5" }, 1500],
  ])("%j waits %s ms", (headers, expected) => {
    const response = { request: createPipelineRequest({ url: "https://x" }), status: 503, headers: createHttpHeaders(headers) };
    expect(retryAfterMs(response, Date.parse("Mon, 01 Jan 2024 00:00:00 GMT"))).toBe(expected);
  });

  it("a Retry-After date is measured from now", () => {
    const response = {
      request: createPipelineRequest({ url: "https://x" }),
      status: 503,
      headers: createHttpHeaders({ "retry-after": "Mon, 01 Jan 2024 00:00:30 GMT" }),
    };
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("Mon, 01 Jan 2024 00:00:10 GMT") });
    expect(retryAfterMs(response)).toBe(20_000);
  });
});

describe("network failures before sending", () => {
  it.each(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"])(
    "%s: a create that must not be repeated is sent again, and is not marked as repeated after an unknown outcome",
    async (code) => {
      const result = await timeline([{ error: code }, { status: 201 }], { retryDelayInMs: 100 }, { random: 0.5, notRepeatable: true });
      expect(result).toStrictEqual({ delays: [100], status: 201, error: undefined, repeated: false });
    },
  );

  it.each(["ECONNRESET", "ETIMEDOUT", "EPIPE", "ECONNABORTED"])(
    "%s may have been sent: a create that must not be repeated is not",
    async (code) => {
      const result = await timeline([{ error: code }, { status: 201 }], {}, { notRepeatable: true });
      expect(result.delays).toStrictEqual([]);
      expect(result.error?.code).toBe(code);
      expect(result.error?.message).toBe(
        `The connection failed after the create request was sent (socket ${code}), so the identity may or may not exist. ` +
          "It was not retried, because this api-version may not honour Repeatability-Request-ID and a retry could create a second identity.",
      );
      expect(result.repeated).toBe(true);
    },
  );

  it("an error without a code counts as sent", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let calls = 0;
    const httpClient: HttpClient = {
      async sendRequest(request) {
        calls++;
        throw new RestError("socket hang up", { request });
      },
    };
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(identityRetryPolicy(), { phase: "Retry" });
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", method: "POST" });
    markNotRepeatable(request);
    await expect(pipeline.sendRequest(httpClient, request)).rejects.toMatchObject({ code: undefined });
    expect(calls).toBe(1);
  });
});

describe("the wait between attempts", () => {
  it("listens for abort once and stops listening when the wait is over", async () => {
    const calls: string[] = [];
    const signal: AbortSignalLike = {
      aborted: false,
      addEventListener: (type: string, _listener: unknown, options?: unknown) => calls.push(`add ${type} ${JSON.stringify(options)}`),
      removeEventListener: (type: string) => calls.push(`remove ${type}`),
    } as unknown as AbortSignalLike;
    const result = await timeline([{ status: 500 }, { status: 200 }], { retryDelayInMs: 100 }, { random: 0.5, abortSignal: signal });
    expect(result).toMatchObject({ delays: [100], status: 200 });
    expect(calls).toStrictEqual(['add abort {"once":true}', "remove abort"]);
  });

  it("an abort during the wait clears the timer and rejects with an AbortError", async () => {
    const controller = new AbortController();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let calls = 0;
    const httpClient: HttpClient = {
      async sendRequest(request) {
        calls++;
        return { request, status: 500, headers: createHttpHeaders() };
      },
    };
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(identityRetryPolicy({ retryDelayInMs: 1000 }), { phase: "Retry" });
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", abortSignal: controller.signal });
    const sent = pipeline.sendRequest(httpClient, request).catch((error: Error) => error);
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    const error = await sent;
    expect(vi.getTimerCount()).toBe(0);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(calls).toBe(1);
  });
});

describe("the policy's edges", () => {
  it("is named identityRetryPolicy", () => {
    expect(identityRetryPolicy().name).toBe("identityRetryPolicy");
  });

  it("throws an error that is not a RestError at once, as it is", async () => {
    let calls = 0;
    const failure = new TypeError("a bug in a policy below");
    const httpClient: HttpClient = {
      async sendRequest() {
        calls++;
        throw failure;
      },
    };
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(identityRetryPolicy({ retryDelayInMs: 1 }), { phase: "Retry" });
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities" });
    await expect(pipeline.sendRequest(httpClient, request)).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it.each([
    ["an answer", 200],
    ["a transient answer with no retries left", 500],
  ])("a request aborted while %s came back rejects with an AbortError", async (_what, status) => {
    const controller = new AbortController();
    const httpClient: HttpClient = {
      async sendRequest(request) {
        controller.abort();
        return { request, status, headers: createHttpHeaders() };
      },
    };
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(identityRetryPolicy({ maxRetries: 0 }), { phase: "Retry" });
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", abortSignal: controller.signal });
    await expect(pipeline.sendRequest(httpClient, request)).rejects.toMatchObject({ name: "AbortError" });
  });

  it("sends a request that met a stale connection again at once, and logs a wait of 0 ms", async () => {
    let calls = 0;
    const httpClient: HttpClient = {
      async sendRequest(request) {
        if (calls++ > 0) return { request, status: 201, headers: createHttpHeaders() };
        const error = new RestError("socket hang up", { code: "ECONNRESET", request });
        markStaleConnection(error);
        throw error;
      },
    };
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(identityRetryPolicy({ retryDelayInMs: 5000 }), { phase: "Retry" });
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", method: "POST" });
    const started = Date.now();
    const lines = await infoLines(async () => expect((await pipeline.sendRequest(httpClient, request)).status).toBe(201));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^azure:acs-identity:info Retry 1 of request [0-9a-f-]{36} in 0 ms$/);
  });
});

describe("delay (shared with the surge pacer)", () => {
  it("rejects at once, with no timer, for a signal aborted before it is called", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const controller = new AbortController();
    controller.abort();
    const waited = delay(1000, controller.signal).catch((error: Error) => error);
    expect(vi.getTimerCount()).toBe(0);
    expect(await waited).toMatchObject({ name: "AbortError" });
  });

  it("resolves after exactly the time asked, without a signal", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let done = false;
    const waited = delay(250, undefined).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(249);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waited;
    expect(done).toBe(true);
  });
});
