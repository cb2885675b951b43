/**
 * A lean Node.js `HttpClient` for this client's requests: a JSON string (or no body) out, a short
 * JSON text back. The pipeline's default client is general (streams, progress events, Expect:
 * 100-continue, decompression) and pays for it on every request: an `AbortController`, a second
 * URL parse, stream completion watchers. Measured with `npm run bench`, it is the largest single
 * cost of a request after the socket write itself.
 *
 * Requests that need any of that generality go to the default client unchanged, so behaviour is
 * the same; the lean path keeps its contract: agents (`request.agent` from the agent and proxy
 * policies, else a shared keep-alive agent), `allowInsecureConnection` check, `timeout` and
 * `abortSignal` rejecting with an `AbortError`, network failures as a `RestError` carrying the
 * system error's `code`, and the response's headers (first value of repeated ones) and body as text.
 *
 * Connections are pooled per process, not per client: every client without an agent of its own
 * shares one keep-alive agent per protocol and TLS settings, so a handler that builds a client per
 * request holds as many sockets as requests in flight, not one per client ever built.
 *
 * @internal
 */
// Default imports, looked up per request, so that interceptors that patch `http.request` (nock,
// instrumentation) see these requests as they see the pipeline's.
import { createHash } from "node:crypto";
import http, { type Agent as HttpAgent, type IncomingMessage } from "node:http";
import https, { type Agent as HttpsAgent } from "node:https";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  RestError,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
  type TlsSettings,
} from "@azure/core-rest-pipeline";
import { abortError } from "./abort.js";
import { markStaleConnection } from "./retryPolicy.js";

/** The process's shared pool: one keep-alive agent per protocol, and one per distinct TLS settings. */
let httpAgent: HttpAgent | undefined;
let httpsAgent: HttpsAgent | undefined;
/** By the settings object, which `tlsPolicy` passes on every request: no hashing per request. */
const tlsAgentsBySettings = new WeakMap<TlsSettings, HttpsAgent>();
/** By content, so that clients given equal settings in separate objects share a pool too. */
const tlsAgentsByContent = new Map<string, HttpsAgent>();
/** The pipeline's client, for the requests the lean path leaves to it (see {@link isLean}). */
let general: HttpClient | undefined;

/**
 * The shared keep-alive agent for a request that names none; `undefined` when it asks for no
 * keep-alive, which the pipeline's client handles.
 */
function sharedAgentFor(request: PipelineRequest, insecure: boolean): HttpAgent | undefined {
  if (request.disableKeepAlive) return undefined;
  if (insecure) return (httpAgent ??= new http.Agent({ keepAlive: true }));
  if (!request.tlsSettings) return (httpsAgent ??= new https.Agent({ keepAlive: true }));
  return tlsAgentFor(request.tlsSettings);
}

function tlsAgentFor(settings: TlsSettings): HttpsAgent {
  let agent = tlsAgentsBySettings.get(settings);
  if (agent) return agent;
  const key = contentKey(settings);
  agent = (key === undefined ? undefined : tlsAgentsByContent.get(key)) ?? new https.Agent({ keepAlive: true, ...settings });
  if (key !== undefined) tlsAgentsByContent.set(key, agent);
  tlsAgentsBySettings.set(settings, agent);
  return agent;
}

/**
 * A digest of the settings' content (strings, numbers, buffers, plain objects and arrays), or
 * `undefined` when they hold anything else (a function such as `checkServerIdentity`, a class
 * instance) whose equality JSON cannot tell: such settings share only with the same object.
 */
function contentKey(settings: TlsSettings): string | undefined {
  let comparable = true;
  const json = JSON.stringify(settings, (_name, value: unknown) => {
    const plain = typeof value !== "object" || value === null || Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype;
    if (typeof value === "function" || typeof value === "symbol" || !plain) comparable = false;
    return value;
  });
  return comparable ? createHash("sha256").update(json).digest("base64") : undefined;
}

/**
 * Creates the client. Its lean path handles requests with a string body or none and no streaming,
 * progress, Expect, Accept-Encoding, request overrides or disabled keep-alive; others go to the
 * pipeline's client, with the shared agent.
 */
export function createNodeHttpClient(): HttpClient {
  return {
    sendRequest(request) {
      const insecure = !request.url.startsWith("https:");
      const agent = request.agent ?? sharedAgentFor(request, insecure);
      if (!isLean(request) || !agent) return sendGeneral(request, agent);
      if (insecure && !request.allowInsecureConnection) {
        return Promise.reject(new Error(`Cannot connect to ${request.url} while allowInsecureConnection is false.`));
      }
      return send(request, insecure, agent as HttpAgent);
    },
  };
}

/** Sends through the pipeline's client, lending it the shared agent for this request only. */
async function sendGeneral(request: PipelineRequest, agent: PipelineRequest["agent"]): Promise<PipelineResponse> {
  general ??= createDefaultHttpClient();
  if (request.agent || !agent) return general.sendRequest(request);
  request.agent = agent;
  try {
    return await general.sendRequest(request);
  } finally {
    // A redirect re-enters with the same request object, maybe for the other protocol.
    request.agent = undefined;
  }
}

function isLean(request: PipelineRequest): boolean {
  const body = request.body;
  return (
    (body === undefined || body === null || typeof body === "string") &&
    !request.onUploadProgress &&
    !request.onDownloadProgress &&
    !request.streamResponseStatusCodes?.size &&
    !request.requestOverrides &&
    !request.disableKeepAlive &&
    !request.headers.has("Expect") &&
    !request.headers.has("Accept-Encoding") &&
    request.method !== "HEAD"
  );
}

/**
 * Network errors that mean the server closed a kept-alive connection, when they come on a reused
 * socket before any byte of the answer: "socket hang up" and a reset read have ECONNRESET, a
 * write into the closed socket EPIPE. The retry policy sends such a request again at once
 * (see `markStaleConnection`).
 */
const STALE_CONNECTION_CODES = new Set(["ECONNRESET", "EPIPE"]);

function send(request: PipelineRequest, insecure: boolean, agent: HttpAgent): Promise<PipelineResponse> {
  const signal = request.abortSignal;
  if (signal?.aborted) return Promise.reject(abortError("The operation was aborted. Request has already been canceled."));
  return new Promise((resolve, reject) => {
    const body = request.body as string | undefined | null;
    const headers = request.headers.toJSON({ preserveCase: true });
    if (body && !request.headers.has("Content-Length")) headers["Content-Length"] = String(Buffer.byteLength(body));
    const options = { method: request.method, headers, agent };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let answered = false;
    const finish = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const fail = (error: Error): void => {
      finish();
      reject(error);
    };
    const req = (insecure ? http : https).request(request.url, options, (res) => {
      answered = true;
      readResponse(request, res, finish, resolve, fail);
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.name === "AbortError") return fail(error);
      const failure = new RestError(error.message, { code: error.code ?? RestError.REQUEST_SEND_ERROR, request });
      if (!answered && req.reusedSocket && STALE_CONNECTION_CODES.has(error.code ?? "")) markStaleConnection(failure);
      fail(failure);
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
