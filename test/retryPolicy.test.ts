import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import {
  identityRetryPolicy,
  markNotRepeatable,
  markPermanent,
  markStaleConnection,
  retryAfterMs,
  wasRepeatedAfterUnknownOutcome,
} from "../src/transport/retryPolicy.js";

type Outcome = { status: number; headers?: Record<string, string> } | { error: string; mark?: (error: RestError) => void };

/** Sends one request through the retry policy against a scripted transport; returns the calls made. */
async function run(outcomes: Outcome[], prepare: (request: PipelineRequest) => void = () => {}) {
  let calls = 0;
  const httpClient: HttpClient = {
    async sendRequest(request) {
      const outcome = outcomes[Math.min(calls++, outcomes.length - 1)]!;
      if ("error" in outcome) {
        const error = new RestError(`socket ${outcome.error}`, { code: outcome.error, request });
        outcome.mark?.(error);
        throw error;
      }
      return { request, status: outcome.status, headers: createHttpHeaders(outcome.headers) };
    },
  };
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(identityRetryPolicy({ retryDelayInMs: 1, maxRetryDelayInMs: 1000 }), { phase: "Retry" });
  const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", method: "POST" });
  prepare(request);
  const result = await pipeline.sendRequest(httpClient, request).then(
    (response) => ({ status: response.status, error: undefined as RestError | undefined }),
    (error: RestError) => ({ status: undefined, error }),
  );
  return { calls, ...result };
}

describe("identityRetryPolicy", () => {
  it("retries 429 and 503 with Retry-After until success", async () => {
    const result = await run([
      { status: 429, headers: { "retry-after": "0" } },
      { status: 503, headers: { "retry-after-ms": "5" } },
      { status: 201 },
    ]);
    expect(result).toMatchObject({ calls: 3, status: 201 });
  });

  it("returns a throttled answer at once when Retry-After exceeds the cap", async () => {
    expect(await run([{ status: 429, headers: { "retry-after": "3600" } }, { status: 201 }])).toMatchObject({ calls: 1, status: 429 });
  });

  it.each([408, 500, 502, 503, 504])("retries %i with backoff", async (status) => {
    expect(await run([{ status }, { status: 200 }])).toMatchObject({ calls: 2, status: 200 });
  });

  it.each([400, 401, 403, 404, 409, 501])("does not retry %i", async (status) => {
    expect(await run([{ status }, { status: 200 }])).toMatchObject({ calls: 1, status });
  });

  it("stops after maxRetries (3) and returns the last answer", async () => {
    expect(await run([{ status: 500 }])).toMatchObject({ calls: 4, status: 500 });
  });

  it("retries a dropped connection of a request that may be repeated", async () => {
    expect(await run([{ error: "ECONNRESET" }, { status: 201 }])).toMatchObject({ calls: 2, status: 201 });
  });

  it("does not repeat a create whose outcome is unknown, and says why", async () => {
    const result = await run([{ error: "ECONNRESET" }, { status: 201 }], markNotRepeatable);
    expect(result.calls).toBe(1);
    expect(result.error?.code).toBe("ECONNRESET");
    expect(result.error?.message).toBe(
      "The connection failed after the create request was sent (socket ECONNRESET), so the identity may or may not exist. " +
        "It was not retried, because this api-version may not honour Repeatability-Request-ID and a retry could create a second identity.",
    );
  });

  it.each([408, 500, 502, 504, 503])("returns %i to a create that must not be repeated: it may have been done", async (status) => {
    expect(await run([{ status }, { status: 201 }], markNotRepeatable)).toMatchObject({ calls: 1, status });
  });

  it("still retries a create that was throttled: 429 and 503 with Retry-After mean not done", async () => {
    const throttled: Outcome[] = [
      { status: 429, headers: { "retry-after": "0" } },
      { status: 503, headers: { "retry-after-ms": "1" } },
      { status: 201 },
    ];
    expect(await run(throttled, markNotRepeatable)).toMatchObject({ calls: 3, status: 201 });
  });

  it("throws an error marked permanent at once, as it is", async () => {
    const result = await run([{ error: "CERT_HAS_EXPIRED", mark: markPermanent }, { status: 201 }]);
    expect({ calls: result.calls, code: result.error?.code, message: result.error?.message }).toStrictEqual({
      calls: 1,
      code: "CERT_HAS_EXPIRED",
      message: "socket CERT_HAS_EXPIRED",
    });
  });

  it("sends a create that met a stale kept-alive connection again, and reads its answer as after an unknown outcome", async () => {
    let request: PipelineRequest | undefined;
    const result = await run([{ error: "ECONNRESET", mark: markStaleConnection }, { status: 201 }], (r) => {
      markNotRepeatable(r);
      request = r;
    });
    expect({ calls: result.calls, status: result.status, repeated: wasRepeatedAfterUnknownOutcome(request!) }).toStrictEqual({
      calls: 2,
      status: 201,
      repeated: true,
    });
  });

  it("repeats a create that never left the machine", async () => {
    expect(await run([{ error: "ECONNREFUSED" }, { status: 201 }], markNotRepeatable)).toMatchObject({ calls: 2, status: 201 });
  });
});

describe("retryAfterMs", () => {
  const response = (headers: Record<string, string>) => ({
    request: createPipelineRequest({ url: "https://x" }),
    status: 429,
    headers: createHttpHeaders(headers),
  });

  it.each([
    [{ "retry-after-ms": "250" }, 250],
    [{ "x-ms-retry-after-ms": "40" }, 40],
    [{ "retry-after": "2" }, 2000],
    [{ "retry-after": "0" }, 0],
    [{ "retry-after": "Mon, 01 Jan 2024 00:00:30 GMT" }, 30_000],
    [{ "retry-after": "Sun, 31 Dec 2023 23:00:00 GMT" }, 0],
    [{ "retry-after": "soon" }, undefined],
    [{}, undefined],
  ])("%j waits %s ms", (headers, expected) => {
    expect(retryAfterMs(response(headers), Date.parse("Mon, 01 Jan 2024 00:00:00 GMT"))).toBe(expected);
  });
});

describe("waiting between attempts", () => {
  it("stops waiting at once when the request is aborted", async () => {
    const controller = new AbortController();
    const httpClient: HttpClient = {
      async sendRequest(request) {
        return { request, status: 503, headers: createHttpHeaders({ "retry-after-ms": "5000" }) };
      },
    };
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(identityRetryPolicy(), { phase: "Retry" });
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", abortSignal: controller.signal });
    const sent = pipeline.sendRequest(httpClient, request);
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await expect(sent).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(500);
  });
});
