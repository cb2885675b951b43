import type { KeyCredential, TokenCredential } from "@azure/core-auth";
import {
  createHttpHeaders,
  type HttpClient,
  type HttpMethods,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { CommunicationIdentityClientOptions, OperationOptions } from "./models.js";
import { createIdentityPipeline, type Pipeline } from "../transport/pipeline.js";
import { defaultHttpClient } from "#nodePolicies";
import { markNotRepeatable, wasRepeatedAfterUnknownOutcome } from "../transport/retryPolicy.js";
import { reportFailure, reportResponse } from "./rawResponse.js";
import { withOperationSpan } from "#tracing";
// The type from the Node.js module itself: a declaration file naming "#tracing" would resolve, for
// API Extractor and users' compilers alike, through this project's tsconfig paths only.
import type { TracedOperation } from "../transport/tracing.js";
import { serviceError, serviceErrorCode } from "./serviceError.js";
import { Coalescer } from "../credentials/coalescer.js";
import { randomUuid } from "./randomUuid.js";

/** The api-version sent when the options name none. */
export const DEFAULT_API_VERSION = "2023-10-01";

/** One request of an operation. */
export interface Call {
  method: HttpMethods;
  /** The path after the endpoint, e.g. `/identities`; may carry its own query after a `?`. */
  path: string;
  /** The success status, or several (e.g. 200 to replace and 201 to create). */
  status: number | readonly number[];
  options: OperationOptions;
  body?: unknown;
  /** The body's media type when not `application/json` (e.g. `application/merge-patch+json`). */
  contentType?: string;
  /** A create: sent with repeatability headers, retried after an unknown outcome only when safe. */
  create?: boolean;
  /**
   * A status and service error code that also mean success when the request had to be repeated
   * after an unknown outcome: a delete whose first attempt went through finds the user gone
   * (401 IdentityNotOwned) on the retry.
   */
  alsoDoneAfterRepeat?: { status: number; code: string };
}

/** api-versions documented to honour `Repeatability-Request-ID` on creates. */
const REPEATABLE_CREATE_VERSIONS = new Set(["2023-08-01"]);

/**
 * What every operation of the client shares: the endpoint, api-version and pipeline, the one path
 * an operation takes (span, send, onResponse, read), and what the client learns as it goes (whether
 * the service deduplicates creates, whether it has accepted the credential).
 */
export class OperationSender {
  readonly apiVersion: string;
  /** The endpoint's origin, e.g. `https://contoso.communication.azure.com`. */
  readonly endpoint: string;
  readonly #insecure: boolean;
  /** `api-version=...`, the same on every request. */
  readonly #query: string;
  readonly #pipeline: Pipeline;
  readonly #httpClient: HttpClient;
  /** Creates with a `customId` now in flight, so concurrent ones share a request. */
  readonly #customIdCreates = new Coalescer<PipelineResponse>();
  /** Whether the service deduplicates creates: known for some versions, learned from `Repeatability-Result`. */
  #repeatableCreates: boolean;
  /** Whether the service has accepted this client's credentials at least once. */
  #keyAccepted = false;

  constructor(url: URL, credential: KeyCredential | TokenCredential, options: CommunicationIdentityClientOptions) {
    this.endpoint = url.origin;
    this.#insecure = url.protocol === "http:";
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    this.#query = `api-version=${encodeURIComponent(this.apiVersion)}`;
    this.#pipeline = createIdentityPipeline(credential, options);
    this.#httpClient = options.httpClient ?? defaultHttpClient();
    this.#repeatableCreates = REPEATABLE_CREATE_VERSIONS.has(this.apiVersion);
  }

  /**
   * Runs one operation, the shared path of every method: in the operation's span (see
   * `tracing.ts`), sends, hands `onResponse` the final response (also when it is an error), then
   * reads the result from it, so a response this client cannot read also fails the span.
   */
  operation<T>(
    name: TracedOperation,
    options: OperationOptions,
    send: (traced: OperationOptions) => Promise<PipelineResponse>,
    read: (response: PipelineResponse) => T,
  ): Promise<T> {
    return withOperationSpan(name, options, async (traced) => {
      const response = await send(traced).catch((error: unknown) => {
        reportFailure(options, error);
        throw error;
      });
      reportResponse(options, response);
      return read(response);
    });
  }

  /** An operation of one request: {@link OperationSender.operation} around {@link OperationSender.send}. */
  call<T>(
    name: TracedOperation,
    options: OperationOptions,
    call: Omit<Call, "options">,
    read: (response: PipelineResponse) => T,
  ): Promise<T> {
    return this.operation(name, options, (traced) => this.send({ ...call, options: traced }), read);
  }

  /**
   * Sends a create. The service does not create atomically per custom id (parallel creates can
   * yield several identities), so creates with a `customId` go through the coalescer: identical
   * ones share one request, different ones for the same id wait their turn. The shared request
   * uses the first caller's `requestOptions` and tracing context (its HTTP span is a child of that
   * caller's operation span); see {@link Coalescer} for what an abort does.
   */
  create(kind: string, body: { customId?: string } | undefined, options: OperationOptions): Promise<PipelineResponse> {
    const send = (abortSignal: OperationOptions["abortSignal"]) =>
      this.send({ method: "POST", path: "/identities", status: 201, options: { ...options, abortSignal }, body, create: true });
    if (body?.customId === undefined) return send(options.abortSignal);
    // Shared by every caller with this custom id, so it runs without any one caller's signal.
    return this.#customIdCreates.run(body.customId, `${kind} ${JSON.stringify(body)}`, options.abortSignal, () => send(undefined));
  }

  /** Sends one request; rejects with the service's error unless the answer has the call's status. */
  async send(call: Call): Promise<PipelineResponse> {
    const request = this.#request(call);
    const response = await this.#pipeline.sendRequest(this.#httpClient, request);
    if (call.create && response.headers.has("repeatability-result")) this.#repeatableCreates = true;
    const expected = typeof call.status === "number" ? [call.status] : call.status;
    if (!expected.includes(response.status) && !this.#doneAfterRepeat(call, response)) throw serviceError(response);
    this.#keyAccepted = true;
    return response;
  }

  #request(call: Call): PipelineRequest {
    const { requestOptions = {}, abortSignal } = call.options;
    // The fields core's createPipelineRequest sets, written out: its class brings a kilobyte of
    // minified code into browser bundles for defaults this client states here anyway.
    const request: PipelineRequest = {
      url: `${this.endpoint}${call.path}${call.path.includes("?") ? "&" : "?"}${this.#query}`,
      method: call.method,
      headers: createHttpHeaders(),
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      abortSignal,
      timeout: requestOptions.timeout ?? 0,
      withCredentials: false,
      disableKeepAlive: false,
      enableBrowserStreams: false,
      requestId: randomUuid(),
      allowInsecureConnection: this.#insecure,
      onUploadProgress: requestOptions.onUploadProgress,
      onDownloadProgress: requestOptions.onDownloadProgress,
      // The pipeline's tracing policy reads it here.
      tracingOptions: call.options.tracingOptions,
    };
    request.headers.set("Accept", "application/json");
    if (call.body !== undefined) request.headers.set("Content-Type", call.contentType ?? "application/json");
    if (call.create) this.#prepareCreate(request);
    for (const [name, value] of Object.entries(requestOptions.customHeaders ?? {})) request.headers.set(name, value);
    return request;
  }

  /**
   * Whether an unexpected answer means done after all. Only once this client has had a success,
   * and only for the service's own code for an unknown user: a 401 Denied (a wrong key, a clock
   * off) must reach the caller.
   */
  #doneAfterRepeat(call: Call, response: PipelineResponse): boolean {
    const done = call.alsoDoneAfterRepeat;
    return (
      this.#keyAccepted &&
      done !== undefined &&
      response.status === done.status &&
      serviceErrorCode(response) === done.code &&
      wasRepeatedAfterUnknownOutcome(response.request)
    );
  }

  /**
   * Headers that make a create safe to retry: the service answers a repeat of the same request id
   * with the first result instead of creating a second identity. Set once per call, so every retry
   * of the call carries the same values; until the service is known to honour them, a create whose
   * outcome is unknown is not retried at all.
   */
  #prepareCreate(request: PipelineRequest): void {
    request.headers.set("Repeatability-Request-ID", randomUuid());
    request.headers.set("Repeatability-First-Sent", new Date().toUTCString());
    if (!this.#repeatableCreates) markNotRepeatable(request);
  }
}
