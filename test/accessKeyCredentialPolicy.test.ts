import { AzureKeyCredential } from "@azure/core-auth";
import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  defaultRetryPolicy,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCommunicationAccessKeyCredentialPolicy } from "../src/auth/accessKeyCredentialPolicy.js";
import { authorizationFor, JAN_2024, KEY_A, SIGNING_VECTORS } from "./helpers/signingVectors.js";

function respond(request: PipelineRequest, status = 200, headers: Record<string, string> = {}): PipelineResponse {
  return { request, status, headers: createHttpHeaders(headers) };
}

async function sign(key: string, method: string, url: string, body?: string): Promise<PipelineRequest> {
  const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(key));
  const request = createPipelineRequest({ url, method: method as "GET", body });
  await policy.sendRequest(request, async (r) => respond(r));
  return request;
}

describe("createCommunicationAccessKeyCredentialPolicy", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(JAN_2024));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(SIGNING_VECTORS)("signs vector $name exactly", async ({ key, date, method, url, body, contentHash, signature }) => {
    vi.setSystemTime(new Date(date));
    const request = await sign(key, method, url, body);
    expect(request.headers.get("x-ms-date")).toBe(date);
    expect(request.headers.get("x-ms-content-sha256")).toBe(contentHash);
    expect(request.headers.get("authorization")).toBe(authorizationFor(signature));
    expect(request.headers.has("host")).toBe(false);
  });

  it("reads the key on every request, so update() rotates it", async () => {
    vi.setSystemTime(new Date("Wed, 13 Apr 2022 18:09:12 GMT"));
    const credential = new AzureKeyCredential(KEY_A);
    const policy = createCommunicationAccessKeyCredentialPolicy(credential);
    const request = createPipelineRequest({ url: "https://example.com/testPath" });
    await policy.sendRequest(request, async (r) => respond(r));
    expect(request.headers.get("authorization")).not.toContain("+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU=");
    credential.update("pw==");
    await policy.sendRequest(request, async (r) => respond(r));
    expect(request.headers.get("authorization")).toContain("+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU=");
  });

  it("refuses a body it cannot hash exactly", async () => {
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential("pw=="));
    const request = createPipelineRequest({ url: "https://example.com/", method: "POST", body: new Uint8Array([1]) });
    await expect(policy.sendRequest(request, async (r) => respond(r))).rejects.toThrow(TypeError);
  });

  it("signs every retry anew, with the date of that attempt", async () => {
    const seen: Array<{ date: string | undefined; authorization: string | undefined }> = [];
    const httpClient: HttpClient = {
      async sendRequest(request) {
        seen.push({ date: request.headers.get("x-ms-date"), authorization: request.headers.get("authorization") });
        vi.setSystemTime(Date.now() + 61_000);
        return respond(request, seen.length === 1 ? 503 : 200, seen.length === 1 ? { "retry-after": "0" } : {});
      },
    };
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(defaultRetryPolicy({ maxRetries: 2 }), { phase: "Retry" });
    pipeline.addPolicy(createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A)), { phase: "Sign" });
    const response = await pipeline.sendRequest(
      httpClient,
      createPipelineRequest({ url: "https://contoso.communication.azure.com/identities" }),
    );
    expect(response.status).toBe(200);
    expect(seen.map((s) => s.date)).toEqual([JAN_2024, "Mon, 01 Jan 2024 00:01:01 GMT"]);
    expect(seen[0]!.authorization).not.toBe(seen[1]!.authorization);
  });

  it("adopts the service's clock after a 401 that shows skew, and retries once", async () => {
    const dates: Array<string | undefined> = [];
    const serverNow = "Mon, 01 Jan 2024 00:20:00 GMT";
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities" });
    const next = async (r: PipelineRequest) => {
      dates.push(r.headers.get("x-ms-date"));
      return respond(r, dates.length === 1 ? 401 : 200, { date: serverNow });
    };
    expect((await policy.sendRequest(request, next)).status).toBe(200);
    expect(dates).toEqual([JAN_2024, serverNow]);
    await policy.sendRequest(request, next);
    expect(dates[2]).toBe(serverNow);
  });

  it("does not retry a 401 whose server date agrees with the local clock", async () => {
    let calls = 0;
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities" });
    const response = await policy.sendRequest(request, async (r) => {
      calls++;
      return respond(r, 401, { date: "Mon, 01 Jan 2024 00:04:00 GMT" });
    });
    expect(response.status).toBe(401);
    expect(calls).toBe(1);
  });
});
