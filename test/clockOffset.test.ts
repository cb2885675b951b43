// The signing policy's clock offset: after a 401 that shows skew the service's clock is adopted,
// later requests keep it, and a second 401 is measured against the corrected clock.
import { AzureKeyCredential } from "@azure/core-auth";
import { createHttpHeaders, createPipelineRequest, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCommunicationAccessKeyCredentialPolicy } from "../src/auth/accessKeyCredentialPolicy.js";
import { EMPTY_CONTENT_HASH } from "../src/auth/signing.js";
import { JAN_2024, KEY_A } from "./helpers/signingVectors.js";

const at = (minutes: number) => new Date(Date.parse(JAN_2024) + minutes * 60_000).toUTCString();

/** A service whose answers are scripted per attempt: status and Date; records each attempt's x-ms-date. */
function service(answers: Array<[number, string]>) {
  const dates: Array<string | undefined> = [];
  const next = async (request: PipelineRequest): Promise<PipelineResponse> => {
    dates.push(request.headers.get("x-ms-date"));
    const [status, date] = answers[dates.length - 1] ?? [200, at(0)];
    return { request, status, headers: createHttpHeaders({ date }) };
  };
  return { dates, next };
}

const newRequest = () => createPipelineRequest({ url: "https://contoso.communication.azure.com/identities" });

describe("clock offset", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(JAN_2024));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a second 401 after the offset was applied adds to the offset", async () => {
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const { dates, next } = service([
      [401, at(20)],
      [200, at(20)],
      [401, at(45)],
      [200, at(45)],
      [200, at(45)],
    ]);
    expect((await policy.sendRequest(newRequest(), next)).status).toBe(200);
    expect((await policy.sendRequest(newRequest(), next)).status).toBe(200);
    expect((await policy.sendRequest(newRequest(), next)).status).toBe(200);
    expect(dates).toStrictEqual([at(0), at(20), at(20), at(45), at(45)]);
  });

  it("a service clock behind ours moves the signed date back", async () => {
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const { dates, next } = service([
      [401, at(-30)],
      [200, at(-30)],
    ]);
    expect((await policy.sendRequest(newRequest(), next)).status).toBe(200);
    expect(dates).toStrictEqual([at(0), at(-30)]);
  });

  it("a 401 that agrees with the corrected clock is returned as it is, without another attempt", async () => {
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const { dates, next } = service([
      [401, at(20)],
      [200, at(20)],
      [401, at(24)],
    ]);
    await policy.sendRequest(newRequest(), next);
    const response = await policy.sendRequest(newRequest(), next);
    expect(response.status).toBe(401);
    expect(dates).toStrictEqual([at(0), at(20), at(20)]);
  });

  it("tries once more only: a 401 to the re-signed attempt is returned", async () => {
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const { dates, next } = service([
      [401, at(20)],
      [401, at(60)],
      [200, at(60)],
    ]);
    const response = await policy.sendRequest(newRequest(), next);
    expect(response.status).toBe(401);
    expect(dates).toStrictEqual([at(0), at(20)]);
  });

  it("the resent attempt is fully signed again: date, content hash and signature", async () => {
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const seen: Array<Record<string, string | undefined>> = [];
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", method: "POST", body: "{}" });
    await policy.sendRequest(request, async (r) => {
      seen.push({
        date: r.headers.get("x-ms-date"),
        hash: r.headers.get("x-ms-content-sha256"),
        authorization: r.headers.get("authorization"),
      });
      return { request: r, status: seen.length === 1 ? 401 : 200, headers: createHttpHeaders({ date: at(20) }) };
    });
    expect(seen).toHaveLength(2);
    expect(seen[1]!.date).toBe(at(20));
    expect(seen[1]!.hash).toBe("RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=");
    expect(seen[1]!.authorization).not.toBe(seen[0]!.authorization);
    expect(seen[1]!.authorization).toMatch(/^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=[A-Za-z0-9+/]{43}=$/);
  });

  it.each([
    ["an empty string", ""],
    ["null", null],
    ["undefined", undefined],
  ])("a body that is %s hashes as empty", async (_what, body) => {
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", method: "POST" });
    request.body = body as string;
    await policy.sendRequest(request, async (r) => ({ request: r, status: 200, headers: createHttpHeaders() }));
    expect(request.headers.get("x-ms-content-sha256")).toBe(EMPTY_CONTENT_HASH);
  });

  it("a body that is not a string is refused with the exact message", async () => {
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", method: "POST" });
    request.body = new Uint8Array([1]);
    await expect(
      policy.sendRequest(request, async (r) => ({ request: r, status: 200, headers: createHttpHeaders() })),
    ).rejects.toStrictEqual(new TypeError("The access key policy signs only string bodies; serialise the body to a JSON string first."));
  });
});

describe("the signing policy's edges", () => {
  it("is named CommunicationAccessKeyCredentialPolicy", () => {
    expect(createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A)).name).toBe("CommunicationAccessKeyCredentialPolicy");
  });

  it("sends a request that a redirect took to another origin unsigned, with the signature's headers removed", async () => {
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", method: "POST", body: "{}" });
    const seen: Array<[string | undefined, string | undefined, string | undefined]> = [];
    const next = async (r: PipelineRequest): Promise<PipelineResponse> => {
      seen.push([r.headers.get("authorization"), r.headers.get("x-ms-date"), r.headers.get("x-ms-content-sha256")]);
      return { request: r, status: 200, headers: createHttpHeaders() };
    };
    await policy.sendRequest(request, next);
    request.url = "https://elsewhere.example/identities";
    await policy.sendRequest(request, next);
    expect(seen[0]!.every((value) => value !== undefined)).toBe(true);
    expect(seen[1]).toStrictEqual([undefined, undefined, undefined]);
  });
});
