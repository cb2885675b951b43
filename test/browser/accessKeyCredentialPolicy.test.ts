/**
 * The signing policy in real Chromium, through Web Crypto (`#hmac` is src/auth/hmac-browser.ts in this
 * project): SPEC.md's known-answer vectors under a frozen clock, no hand-set `Host`, and the key
 * imported into Web Crypto once per credential.
 */
import { AzureKeyCredential } from "@azure/core-auth";
import { createHttpHeaders, createPipelineRequest, type PipelineRequest } from "@azure/core-rest-pipeline";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCommunicationAccessKeyCredentialPolicy } from "../../src/auth/accessKeyCredentialPolicy.js";
import { authorizationFor, SIGNING_VECTORS } from "../helpers/signingVectors.js";

const respond = async (request: PipelineRequest) => ({ request, status: 200, headers: createHttpHeaders() });

describe("createCommunicationAccessKeyCredentialPolicy in Chromium", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("runs where Web Crypto is the only crypto", () => {
    expect(typeof window).toBe("object");
    expect(navigator.userAgent).toContain("Chrome/");
    expect(typeof crypto.subtle.sign).toBe("function");
  });

  it.each(SIGNING_VECTORS)("signs vector $name exactly", async ({ key, date, method, url, body, contentHash, signature }) => {
    vi.setSystemTime(new Date(date));
    const request = createPipelineRequest({ url, method, body });
    await createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(key)).sendRequest(request, respond);
    expect(request.headers.get("x-ms-date")).toBe(date);
    expect(request.headers.get("x-ms-content-sha256")).toBe(contentHash);
    expect(request.headers.get("authorization")).toBe(authorizationFor(signature));
    expect(request.headers.has("host")).toBe(false);
  });

  it.each([
    ["banana", "bananQ=="],
    ["a-b_", "a+b/"],
    ["pw", "pw=="],
  ])("signs with the key %s as with %s, as Node's base64 decoder reads them (atob alone refuses base64url)", async (loose, standard) => {
    vi.setSystemTime(new Date("Wed, 13 Apr 2022 18:09:12 GMT"));
    const signed = async (key: string) => {
      const request = createPipelineRequest({ url: "https://example.com/testPath", method: "GET" });
      await createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(key)).sendRequest(request, respond);
      return request.headers.get("authorization");
    };
    expect(await signed(loose)).toBe(await signed(standard));
  });

  it("imports the key into Web Crypto once per credential, not once per request", async () => {
    const importKey = vi.spyOn(crypto.subtle, "importKey");
    const sign = vi.spyOn(crypto.subtle, "sign");
    const [vector] = SIGNING_VECTORS;
    vi.setSystemTime(new Date(vector!.date));
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(vector!.key));
    for (let i = 0; i < 3; i++)
      await policy.sendRequest(createPipelineRequest({ url: vector!.url, method: vector!.method, body: vector!.body }), respond);
    expect(importKey).toHaveBeenCalledTimes(1);
    expect(sign).toHaveBeenCalledTimes(3);
  });
});
