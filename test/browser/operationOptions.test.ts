/**
 * onResponse and additionalPolicies from a page in real Chromium against the emulator; and no
 * tracing there (see src/transport/tracing-browser.ts): no traceparent header even with a tracing context.
 */
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { afterEach, expect, inject, it } from "vitest";
import { commands } from "vitest/browser";
import { CommunicationIdentityClient, type FullOperationResponse } from "../../src/index.js";

afterEach(async () => {
  await commands.clearFaults();
});

it("onResponse gets the final response and its parsed body; perCall runs once, perRetry per attempt; no traceparent", async () => {
  const events: string[] = [];
  const headers: Array<Record<string, string>> = [];
  const perCall: PipelinePolicy = { name: "perCall", sendRequest: (request, next) => (events.push("call"), next(request)) };
  const perRetry: PipelinePolicy = {
    name: "perRetry",
    sendRequest: (request, next) => (
      events.push(`retry ${request.headers.has("authorization")}`),
      headers.push(request.headers.toJSON()),
      next(request)
    ),
  };
  const client = new CommunicationIdentityClient(inject("connectionString"), {
    retryOptions: { retryDelayInMs: 1 },
    additionalPolicies: [
      { policy: perCall, position: "perCall" },
      { policy: perRetry, position: "perRetry" },
    ],
  });
  await commands.addFault({ status: 503, retryAfterMs: 1, count: 1, operation: "createUser" });
  const responses: Array<[FullOperationResponse, unknown]> = [];
  const user = await client.createUser({
    onResponse: (raw, flat) => responses.push([raw, flat]),
    tracingOptions: { tracingContext: undefined },
  });
  expect(events).toStrictEqual(["call", "retry true", "retry true"]);
  expect(responses).toHaveLength(1);
  const [[raw, flat]] = responses as [[FullOperationResponse, unknown]];
  expect(raw.status).toBe(201);
  expect(raw.parsedBody).toStrictEqual({ identity: { id: user.communicationUserId } });
  expect(flat).toBe(raw.parsedBody);
  for (const sent of headers) {
    expect(Object.keys(sent)).not.toContain("traceparent");
    expect(Object.keys(sent)).not.toContain("host");
  }
});
