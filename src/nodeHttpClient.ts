/**
 * A lean Node.js `HttpClient` for this client's requests: a JSON string (or no body) out, a short
 * JSON text back. The pipeline's default client is general (streams, progress events, Expect:
 * 100-continue, decompression) and pays for it on every request: an `AbortController`, a second
 * URL parse, stream completion watchers. Measured with `npm run bench`, it is the largest single
 * cost of a request after the socket write itself.
 *
 * Requests that need any of that generality go to the default client unchanged, so behaviour is
 * the same; the lean path keeps its contract: agents (`request.agent` from the agent and proxy
 * policies, else one keep-alive agent per protocol), `disableKeepAlive`, the
 * `allowInsecureConnection` check, `timeout` and `abortSignal` rejecting with an `AbortError`,
 * network failures as a `RestError` carrying the system error's `code`, and the response's
 * headers (first value of repeated ones) and body as text.
 *
 * @internal
 */
// Default imports, looked up per request, so that interceptors that patch `http.request` (nock,
// instrumentation) see these requests as they see the pipeline's.
import http, { type Agent as HttpAgent, type IncomingMessage } from "node:http";
import https, { type Agent as HttpsAgent } from "node:https";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  RestError,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { abortError } from "./abort.js";

/**
 * Creates the client. Its lean path handles requests with a string body or none and no streaming,
 * progress, Expect, Accept-Encoding, TLS settings or request overrides; others go to
 * `createDefaultHttpClient()`, created on first need.
 */
export function createNodeHttpClient(): HttpClient {
  let general: HttpClient | undefined;
  let httpAgent: HttpAgent | undefined;
  let httpsAgent: HttpsAgent | undefined;

  function agentFor(request: PipelineRequest, insecure: boolean): HttpAgent {
    if (request.agent) return request.agent as HttpAgent;
    if (request.disableKeepAlive) return insecure ? http.globalAgent : https.globalAgent;
    if (insecure) return (httpAgent ??= new http.Agent({ keepAlive: true }));
    return (httpsAgent ??= new https.Agent({ keepAlive: true }));
  }

  return {
    sendRequest(request) {
      if (!isLean(request)) return (general ??= createDefaultHttpClient()).sendRequest(request);
      const insecure = !request.url.startsWith("https:");
      if (insecure && !request.allowInsecureConnection) {
        return Promise.reject(new Error(`Cannot connect to ${request.url} while allowInsecureConnection is false.`));
      }
      return send(request, insecure, agentFor(request, insecure));
    },
  };
}

function isLean(request: PipelineRequest): boolean {
  const body = request.body;
  return (
    (body === undefined || body === null || typeof body === "string") &&
    !request.onUploadProgress &&
    !request.onDownloadProgress &&
    !request.streamResponseStatusCodes?.size &&
    !request.requestOverrides &&
    !request.tlsSettings &&
    !request.headers.has("Expect") &&
    !request.headers.has("Accept-Encoding") &&
    request.method !== "HEAD"
  );
}

function send(request: PipelineRequest, insecure: boolean, agent: HttpAgent): Promise<PipelineResponse> {
  const signal = request.abortSignal;
  if (signal?.aborted) return Promise.reject(abortError("The operation was aborted. Request has already been canceled."));
  return new Promise((resolve, reject) => {
    const body = request.body as string | undefined | null;
    const headers = request.headers.toJSON({ preserveCase: true });
    if (body && !request.headers.has("Content-Length")) headers["Content-Length"] = String(Buffer.byteLength(body));
    const options = { method: request.method, headers, agent };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const fail = (error: Error): void => {
      finish();
      reject(error);
    };
    const req = (insecure ? http : https).request(request.url, options, (res) => readResponse(request, res, finish, resolve, fail));
    req.on("error", (error: NodeJS.ErrnoException) => {
      fail(
        error.name === "AbortError" ? error : new RestError(error.message, { code: error.code ?? RestError.REQUEST_SEND_ERROR, request }),
      );
    });
    function onAbort(): void {
      req.destroy(abortError("The operation was aborted. Rejecting from abort signal callback while making request."));
    }
    signal?.addEventListener("abort", onAbort);
    if (request.timeout > 0) timer = setTimeout(onAbort, request.timeout);
    req.end(body ?? undefined);
  });
}

function readResponse(
  request: PipelineRequest,
  res: IncomingMessage,
  finish: () => void,
  resolve: (response: PipelineResponse) => void,
  fail: (error: Error) => void,
): void {
  const headers = createHttpHeaders();
  for (const name in res.headers) {
    const value = res.headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first) headers.set(name, first);
  }
  let text = "";
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => (text += chunk));
  res.on("end", () => {
    finish();
    resolve({ status: res.statusCode ?? 0, headers, request, bodyAsText: text });
  });
  // As the pipeline's client words it: a body cut short is a RestError with PARSE_ERROR. It names
  // the request, so the retry policy can tell an outcome-unknown create and refuse to repeat it.
  const cut = (error: Error): void =>
    fail(
      error.name === "AbortError"
        ? error
        : new RestError(`Error reading response as text: ${error.message}`, { code: RestError.PARSE_ERROR, request }),
    );
  res.on("error", cut);
  res.on("close", () => {
    if (!res.complete) cut(new Error("Premature close"));
  });
}
