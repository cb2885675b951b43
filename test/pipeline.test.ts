/**
 * The fixed-order pipeline (src/transport/pipeline.ts) against core's general one as the oracle: the same
 * policies added at the same places, in any order, run in the same order; a duplicate name is
 * refused with core's message.
 */
import fc from "fast-check";
import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { createPipeline, type Pipeline, type PolicyPlace } from "../src/transport/pipeline.js";

const PLACES: PolicyPlace[] = [{}, { phase: "Retry" }, { afterPhase: "Retry" }, { phase: "Sign" }, { afterPhase: "Sign" }];

/** Adds one policy per entry (named by its index), sends a request, and returns the names in the order they ran. */
async function runOrder(pipeline: Pick<Pipeline, "addPolicy" | "sendRequest">, places: PolicyPlace[]): Promise<string[]> {
  const ran: string[] = [];
  places.forEach((place, index) => {
    const policy: PipelinePolicy = { name: `p${index}`, sendRequest: (request, next) => (ran.push(`p${index}`), next(request)) };
    pipeline.addPolicy(policy, place);
  });
  const httpClient: HttpClient = { sendRequest: async (request) => ({ request, status: 200, headers: createHttpHeaders() }) };
  await pipeline.sendRequest(httpClient, createPipelineRequest({ url: "https://example.invalid/" }));
  return ran;
}

describe("createPipeline", () => {
  it("runs per-call policies, the retries, after them, signing, after it: in that order, each place in the order added", async () => {
    const places = [
      { afterPhase: "Sign" },
      { phase: "Sign" },
      {},
      { afterPhase: "Retry" },
      { phase: "Retry" },
      {},
      { afterPhase: "Sign" },
    ] as const;
    expect(await runOrder(createPipeline(), [...places])).toStrictEqual(["p2", "p5", "p4", "p3", "p1", "p0", "p6"]);
  });

  it("orders any mix of places as core's createEmptyPipeline does", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...PLACES), { maxLength: 12 }), async (places) => {
        expect(await runOrder(createPipeline(), places)).toStrictEqual(await runOrder(createEmptyPipeline(), places));
      }),
    );
  });

  it("refuses a second policy of the same name, with core's message, when it is added", () => {
    const pipeline = createPipeline();
    const policy: PipelinePolicy = { name: "same", sendRequest: (request, next) => next(request) };
    pipeline.addPolicy(policy);
    expect(() => pipeline.addPolicy({ ...policy }, { phase: "Sign" })).toThrow(new Error("Duplicate policy names not allowed in pipeline"));
  });

  it("builds its chain once, and anew only when a policy is added or another HTTP client is given", async () => {
    const pipeline = createPipeline();
    const ran: string[] = [];
    const policy = (name: string): PipelinePolicy => ({ name, sendRequest: (request, next) => (ran.push(name), next(request)) });
    const client = (name: string): HttpClient => ({
      sendRequest: async (request) => (ran.push(name), { request, status: 200, headers: createHttpHeaders() }),
    });
    const [first, second] = [client("client 1"), client("client 2")];
    const send = (httpClient: HttpClient) => pipeline.sendRequest(httpClient, createPipelineRequest({ url: "https://example.invalid/" }));
    pipeline.addPolicy(policy("sign"), { phase: "Sign" });
    await send(first);
    await send(first);
    pipeline.addPolicy(policy("per call"));
    await send(first);
    await send(second);
    expect(ran).toStrictEqual(["sign", "client 1", "sign", "client 1", "per call", "sign", "client 1", "per call", "sign", "client 2"]);
  });
});
