// The signing policy with the browser's Web Crypto signer (asynchronous hashing and signing), run
// in Node, whose globalThis.crypto.subtle is the same API: the same signatures as node:crypto, every
// header set before the request goes out, and one signer per key.
import { AzureKeyCredential } from "@azure/core-auth";
import { createHttpHeaders, createPipelineRequest, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHmacSigner } from "#hmac";
import { createCommunicationAccessKeyCredentialPolicy } from "../src/auth/accessKeyCredentialPolicy.js";
import { authorizationFor, JAN_2024, KEY_A, SIGNING_VECTORS } from "./helpers/signingVectors.js";

vi.mock("#hmac", async () => {
  const webCrypto = await import("../src/auth/hmac-browser.js");
  return { ...webCrypto, createHmacSigner: vi.fn(webCrypto.createHmacSigner) };
});

/** What the request carried when it was sent. */
const sent = (request: PipelineRequest) => ({
  date: request.headers.get("x-ms-date"),
  contentHash: request.headers.get("x-ms-content-sha256"),
  authorization: request.headers.get("authorization"),
});

const respond = (request: PipelineRequest, status = 200, headers: Record<string, string> = {}): PipelineResponse => ({
  request,
  status,
  headers: createHttpHeaders(headers),
});

describe("the signing policy with Web Crypto", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.mocked(createHmacSigner).mockClear();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(SIGNING_VECTORS)(
    "signs vector $name exactly, before the request is sent",
    async ({ key, date, method, url, body, contentHash, signature }) => {
      vi.setSystemTime(new Date(date));
      const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(key));
      const request = createPipelineRequest({ url, method: method as "GET", body });
      let seen: ReturnType<typeof sent> | undefined;
      await policy.sendRequest(request, async (r) => {
        seen = sent(r);
        return respond(r);
      });
      expect(seen).toStrictEqual({ date, contentHash, authorization: authorizationFor(signature) });
    },
  );

  it("signs the attempt after a 401 that shows skew before it is sent, too", async () => {
    vi.setSystemTime(new Date(JAN_2024));
    const policy = createCommunicationAccessKeyCredentialPolicy(new AzureKeyCredential(KEY_A));
    const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", method: "POST", body: "{}" });
    const seen: Array<ReturnType<typeof sent>> = [];
    const serverNow = "Mon, 01 Jan 2024 00:20:00 GMT";
    await policy.sendRequest(request, async (r) => {
      seen.push(sent(r));
      return respond(r, seen.length === 1 ? 401 : 200, { date: serverNow });
    });
    expect(seen.map(({ date }) => date)).toStrictEqual([JAN_2024, serverNow]);
    expect(seen[1]!.authorization).not.toBe(seen[0]!.authorization);
    expect(seen[1]!.contentHash).toBe("RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=");
  });

  it("creates one signer per key: again only when the key changes", async () => {
    vi.setSystemTime(new Date(JAN_2024));
    const credential = new AzureKeyCredential(KEY_A);
    const policy = createCommunicationAccessKeyCredentialPolicy(credential);
    const send = () =>
      policy.sendRequest(createPipelineRequest({ url: "https://contoso.communication.azure.com/identities" }), async (r) => respond(r));
    await send();
    await send();
    expect(vi.mocked(createHmacSigner).mock.calls).toStrictEqual([[KEY_A]]);
    credential.update("pw==");
    await send();
    await send();
    expect(vi.mocked(createHmacSigner).mock.calls).toStrictEqual([[KEY_A], ["pw=="]]);
  });

  it.each([["pw=="], ["cHc"], ["a-b_"], ["abcde=="], ["abcdef="], [KEY_A]])(
    "signs with key %s exactly as node:crypto does",
    async (key) => {
      const nodeHmac = await vi.importActual<typeof import("../src/auth/hmac.js")>("#hmac");
      const text = "GET\n/identities\nMon, 01 Jan 2024 00:00:00 GMT;example.com;47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
      expect(await createHmacSigner(key)(text)).toBe(nodeHmac.createHmacSigner(key)(text));
    },
  );
});
