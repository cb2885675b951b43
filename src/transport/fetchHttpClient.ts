/**
 * A lean fetch `HttpClient` for browsers: a JSON string (or no body) out, a short JSON text back.
 * The pipeline's default fetch client is general (streams both ways, Blob and buffer bodies,
 * browser streaming of responses) and brings about 4.5 KB of minified code into every browser
 * bundle; this client needs none of that and keeps the rest of its contract: the
 * `allowInsecureConnection` check, `Expect` refused, `timeout` and `abortSignal` (any
 * `AbortSignalLike`) rejecting with an `AbortError`, network failures as a `RestError` with the
 * system error's code where the runtime gives one, else `REQUEST_SEND_ERROR`, `withCredentials`, `requestOverrides`, no caching, and the progress
 * callbacks: `onDownloadProgress` with the bytes received so far per chunk, `onUploadProgress`
 * once with the body's size when the answer begins (fetch cannot report a string body's upload as
 * it goes; the pipeline's client does not report it at all).
 *
 * The Node.js build uses `nodeHttpClient.ts` instead (`#nodePolicies` picks one per platform).
 *
 * @internal
 */
import { createHttpHeaders, RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { abortError } from "./abort.js";

/** Creates the client: see the module's comment for what it handles. */
export function createFetchHttpClient(): HttpClient {
  return { sendRequest };
}

async function sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
  const overrides = request.requestOverrides;
  const headers = new Headers(overrides && "headers" in overrides ? (overrides.headers as HeadersInit) : [...request.headers]);
  if (headers.has("expect")) throw new Error("The Expect header is not supported by the Fetch HttpClient.");
  if (!request.url.startsWith("https:") && !request.allowInsecureConnection) {
    throw new Error(`Cannot connect to ${request.url} while allowInsecureConnection is false.`);
  }
  const signal = request.abortSignal;
  if (signal?.aborted) throw abortError("The operation was aborted. Request has already been canceled.");
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  signal?.addEventListener("abort", abort);
  const timer = request.timeout > 0 ? setTimeout(abort, request.timeout) : undefined;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      body: request.body as string | undefined,
      credentials: request.withCredentials ? "include" : "same-origin",
      cache: "no-store",
      signal: controller.signal,
      ...overrides,
      headers,
    });
    if (typeof request.body === "string") request.onUploadProgress?.({ loadedBytes: new TextEncoder().encode(request.body).length });
    return {
      request,
      status: response.status,
      headers: createHttpHeaders(Object.fromEntries(response.headers)),
      bodyAsText: await readText(response, request.onDownloadProgress),
    };
  } catch (error) {
    const { name, message, code, cause } = error as Error & { code?: string; cause?: { code?: string } };
    if (name === "AbortError") throw error;
    // Fetch in Node.js and other runtimes (undici) puts the system error's code on `cause`: the
    // retry policy repeats a create that failed with ECONNREFUSED, which never reached a server.
    throw new RestError(`Error sending request: ${message}`, { code: code ?? cause?.code ?? RestError.REQUEST_SEND_ERROR, request });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
}

/** The body as text; chunk by chunk only when someone listens for the progress. */
async function readText(response: Response, onProgress: PipelineRequest["onDownloadProgress"]): Promise<string> {
  if (!onProgress || !response.body) return response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let loadedBytes = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    loadedBytes += chunk.value.length;
    onProgress({ loadedBytes });
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}
