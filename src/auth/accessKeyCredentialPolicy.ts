import type { KeyCredential } from "@azure/core-auth";
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { createHmacSigner, sha256Base64, type HmacSigner } from "#hmac";
import { authorizationHeader, EMPTY_CONTENT_HASH, stringToSign } from "./signing.js";
import { clockSkewOf } from "./clockSkew.js";
import { hasLeftOrigin, removeHeaders } from "./requestOrigin.js";

/** The name of the signing policy in a pipeline. */
export const accessKeyCredentialPolicyName = "CommunicationAccessKeyCredentialPolicy";

/** The headers a signature consists of; removed from a request that left its origin. */
const SIGNING_HEADERS = ["Authorization", "x-ms-date", "x-ms-content-sha256"] as const;

/**
 * Creates the pipeline policy that signs each request with HMAC-SHA256 and the access key, as the
 * Communication Services require. Add it in the `Sign` phase, after retries, so that every attempt
 * (each retry, each same-origin redirect) carries a fresh `x-ms-date` and signature. A request that
 * a redirect took to another origin (scheme, host or port) is sent unsigned: the key signs only
 * for the origin the request was made for.
 *
 * When the service answers 401 and its `Date` is more than 5 minutes from the local clock, the
 * policy adopts the service's clock and sends the request once more; later requests keep using the
 * corrected offset.
 *
 * Vector: key `pw==`, date `Wed, 13 Apr 2022 18:09:12 GMT`, `GET https://example.com/testPath`
 * gives `Signature=+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU=`.
 *
 * @param credential - holds the base64 access key; read on every request, so `update()` rotates it.
 * @returns a policy named `CommunicationAccessKeyCredentialPolicy`.
 * @example
 * ```ts
 * pipeline.addPolicy(createCommunicationAccessKeyCredentialPolicy(credential), { phase: "Sign" });
 * ```
 */
export function createCommunicationAccessKeyCredentialPolicy(credential: KeyCredential): PipelinePolicy {
  const signerFor = memoizedSigner();
  let clockOffsetMs = 0;

  /**
   * Signs `request`. With node:crypto every step is synchronous and so is this (no promise, no
   * microtask per attempt); with Web Crypto it returns a promise.
   */
  function sign(request: PipelineRequest): void | Promise<void> {
    const date = new Date(Date.now() + clockOffsetMs).toUTCString();
    const contentHash = contentHashOf(request.body);
    if (typeof contentHash !== "string") return contentHash.then((hash) => signWith(request, date, hash));
    return signWith(request, date, contentHash);
  }

  function signWith(request: PipelineRequest, date: string, contentHash: string): void | Promise<void> {
    const signature = signerFor(credential.key)(stringToSign({ method: request.method, url: new URL(request.url), date, contentHash }));
    const setHeaders = (value: string): void => {
      request.headers.set("x-ms-date", date);
      request.headers.set("x-ms-content-sha256", contentHash);
      request.headers.set("Authorization", authorizationHeader(value));
    };
    if (typeof signature !== "string") return signature.then(setHeaders);
    setHeaders(signature);
  }

  return {
    name: accessKeyCredentialPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      if (hasLeftOrigin(request)) {
        removeHeaders(request, SIGNING_HEADERS);
        return next(request);
      }
      const signing = sign(request);
      if (signing) await signing;
      const response = await next(request);
      const skew = clockSkewOf(response, Date.now() + clockOffsetMs);
      if (skew === undefined) return response;
      clockOffsetMs += skew;
      const resigning = sign(request);
      if (resigning) await resigning;
      return next(request);
    },
  };
}

/** One signer per key: the key is decoded (or imported into Web Crypto) once, not per request. */
function memoizedSigner(): (key: string) => HmacSigner {
  let lastKey: string | undefined;
  let lastSigner: HmacSigner | undefined;
  return (key) => {
    if (key !== lastKey || !lastSigner) {
      lastKey = key;
      lastSigner = createHmacSigner(key);
    }
    return lastSigner;
  };
}

function contentHashOf(body: PipelineRequest["body"]): string | Promise<string> {
  if (body === undefined || body === null || body === "") return EMPTY_CONTENT_HASH;
  if (typeof body === "string") return sha256Base64(body);
  throw new TypeError("The access key policy signs only string bodies; serialise the body to a JSON string first.");
}
