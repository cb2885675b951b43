import { isKeyCredential, isTokenCredential, type KeyCredential, type TokenCredential } from "@azure/core-auth";
import {
  createHttpHeaders,
  type HttpClient,
  type HttpMethods,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { parseConnectionString } from "./connectionString.js";
import { assertSecureEndpoint, parseEndpoint } from "./endpoint.js";
import type {
  CommunicationAccessToken,
  CommunicationIdentityClientOptions,
  CommunicationUser,
  CommunicationUserDetail,
  CommunicationUserDetails,
  CommunicationUserToken,
  CreateUserAndTokenOptions,
  CreateUserOptions,
  DeleteUserOptions,
  GetTokenForTeamsUserOptions,
  GetUserOptions,
  IssueTokenOptions,
  OperationOptions,
  RevokeTokensOptions,
} from "./models.js";
import type { TokenScopeArgument } from "./tokenScope.js";
import { createIdentityPipeline, type Pipeline } from "./pipeline.js";
import { defaultHttpClient } from "#nodePolicies";
import { markNotRepeatable, wasRepeatedAfterUnknownOutcome } from "./retryPolicy.js";
import { toAccessToken, toUser, toUserDetails, toUserToken } from "./responses.js";
import { reportFailure, reportResponse } from "./rawResponse.js";
import { withOperationSpan, type TracedOperation } from "#tracing";
import { IDENTITY_NOT_OWNED, serviceError, serviceErrorCode } from "./serviceError.js";
import { Coalescer } from "./coalescer.js";
import { randomUuid } from "./randomUuid.js";
import { checkTeamsTokenClaims } from "./teamsTokenCheck.js";
import {
  checkCustomId,
  checkCustomIdApiVersion,
  checkOptions,
  checkScopes,
  checkTeamsOptions,
  checkTokenExpiresInMinutes,
  userIdOf,
} from "./validation.js";

/** The api-version sent when the options name none. */
export const DEFAULT_API_VERSION = "2023-10-01";

interface Call {
  method: HttpMethods;
  path: string;
  status: number;
  options: OperationOptions;
  body?: unknown;
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
 * Creates Communication Services users and issues them access tokens for chat and calling.
 *
 * Authenticate with a connection string, an endpoint and access key, or an endpoint and a
 * Microsoft Entra `TokenCredential`. Every method checks its arguments before sending anything
 * and rejects with a `TypeError` or `RangeError` that says what was expected; a service failure
 * rejects with the pipeline's `RestError` (`statusCode`, the service's `code` and message, and in
 * `details` the `ms-cv` correlation vector and client request id).
 *
 * @example
 * ```ts
 * const client = new CommunicationIdentityClient(process.env.COMMUNICATION_CONNECTION_STRING!);
 * const { user, token, expiresOn } = await client.createUserAndToken(["chat", "voip"]);
 * ```
 */
export class CommunicationIdentityClient {
  readonly #endpoint: string;
  readonly #insecure: boolean;
  readonly #apiVersion: string;
  /** `?api-version=...`, the same on every request. */
  readonly #query: string;
  readonly #pipeline: Pipeline;
  readonly #httpClient: HttpClient;
  /** Creates with a `customId` now in flight, so concurrent ones share a request. */
  readonly #customIdCreates = new Coalescer<PipelineResponse>();
  /** Whether the service deduplicates creates: known for some versions, learned from `Repeatability-Result`. */
  #repeatableCreates: boolean;
  /** Whether the service has accepted this client's credentials at least once. */
  #keyAccepted = false;

  /**
   * @param connectionString - `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>`.
   * @param options - pipeline options (retries, user agent, proxy, HTTP client), `apiVersion` and `allowInsecureConnection`.
   * @throws TypeError when the connection string is malformed (the message never contains the key).
   */
  constructor(connectionString: string, options?: CommunicationIdentityClientOptions);
  /**
   * @param endpoint - `https://<resource>.communication.azure.com`.
   * @param credential - an access key (`AzureKeyCredential` or {@link AccessKeyCredential}) or a Microsoft Entra `TokenCredential`.
   * @param options - pipeline options (retries, user agent, proxy, HTTP client), `apiVersion` and `allowInsecureConnection`.
   * @throws TypeError when the endpoint or credential is unusable.
   */
  constructor(endpoint: string, credential: KeyCredential | TokenCredential, options?: CommunicationIdentityClientOptions);
  constructor(
    endpointOrConnectionString: string,
    credentialOrOptions?: KeyCredential | TokenCredential | CommunicationIdentityClientOptions,
    maybeOptions?: CommunicationIdentityClientOptions,
  ) {
    const { url, credential, options } = resolveArguments(endpointOrConnectionString, credentialOrOptions, maybeOptions);
    assertSecureEndpoint(url, options.allowInsecureConnection ?? false);
    this.#endpoint = url.origin;
    this.#insecure = url.protocol === "http:";
    this.#apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    this.#query = `?api-version=${encodeURIComponent(this.#apiVersion)}`;
    this.#pipeline = createIdentityPipeline(credential, options);
    this.#httpClient = options.httpClient ?? defaultHttpClient();
    this.#repeatableCreates = REPEATABLE_CREATE_VERSIONS.has(this.#apiVersion);
  }

  /**
   * Creates a user with no tokens, or with `customId`, returns the user created earlier with it.
   *
   * @param options - `customId` (1 to 256 characters; needs `apiVersion: "2025-03-02-preview"`) and operation options.
   * @returns the new (or, with `customId`, existing) user, `{ communicationUserId }`.
   * @throws TypeError or RangeError for a bad `customId` or one the client's api-version lacks (nothing is sent); RestError when the service refuses (e.g. 401 for a wrong key).
   * @example
   * ```ts
   * const user = await client.createUser();
   * const same = await client.createUser({ customId: "alice@contoso" }); // api-version 2025-03-02-preview
   * ```
   */
  async createUser(options: CreateUserOptions = {}): Promise<CommunicationUser> {
    checkOptions(options);
    checkCustomId(options.customId, this.#apiVersion);
    const body = options.customId === undefined ? undefined : { customId: options.customId };
    return this.#operation("createUser", options, (traced) => this.#create("createUser", body, traced), toUser);
  }

  /**
   * What the service knows about a user: its custom id and when it last got a token.
   * Needs the client option `apiVersion: "2025-03-02-preview"` (or `"2025-06-30"`).
   *
   * @param user - the user, or its `communicationUserId`.
   * @returns `{ user, customId?, lastTokenIssuedAt? }`.
   * @throws TypeError or RangeError for a bad user, or RangeError when the client's api-version lacks this operation (nothing is sent); RestError when the service refuses (401 IdentityNotOwned for an unknown, deleted or foreign user).
   * @example
   * ```ts
   * const { customId, lastTokenIssuedAt } = await client.getUser(user);
   * ```
   */
  async getUser(user: CommunicationUser | string, options: GetUserOptions = {}): Promise<CommunicationUserDetails> {
    const id = userIdOf(user);
    checkOptions(options);
    checkCustomIdApiVersion("getUser", this.#apiVersion);
    return this.#operation(
      "getUser",
      options,
      (traced) => this.#send({ method: "GET", path: identityPath(id), status: 200, options: traced }),
      toUserDetails,
    );
  }

  /**
   * The official client's name (`@azure/communication-identity` 1.4.0-beta) for
   * {@link CommunicationIdentityClient.getUser}, with the same result.
   */
  async getUserDetail(user: CommunicationUser | string, options: GetUserOptions = {}): Promise<CommunicationUserDetail> {
    return this.getUser(user, options);
  }

  /**
   * Issues an access token to an existing user.
   *
   * @param user - the user, or its `communicationUserId`.
   * @param scopes - what the token allows, e.g. `["chat", "voip"]`; not empty; scopes the api-version does not know are refused unless wrapped in {@link UnknownTokenScope}.
   * @param options - `tokenExpiresInMinutes` (60 to 1440, default 1440) and operation options.
   * @returns the token, its expiry and the user.
   * @throws TypeError or RangeError for bad arguments (nothing is sent); RestError when the service refuses (401 IdentityNotOwned for an unknown, deleted or foreign user; 400 ValidationError for scopes or a lifetime it refuses).
   * @example
   * ```ts
   * const { token, expiresOn } = await client.issueToken(user, ["chat"], { tokenExpiresInMinutes: 60 });
   * ```
   */
  async issueToken(
    user: CommunicationUser | string,
    scopes: readonly TokenScopeArgument[],
    options: IssueTokenOptions = {},
  ): Promise<CommunicationUserToken> {
    const id = userIdOf(user);
    const names = checkScopes(scopes, this.#apiVersion);
    checkOptions(options);
    checkTokenExpiresInMinutes(options.tokenExpiresInMinutes);
    const body = { scopes: names, expiresInMinutes: options.tokenExpiresInMinutes };
    const send = (traced: OperationOptions) =>
      this.#send({ method: "POST", path: `${identityPath(id)}/:issueAccessToken`, status: 200, options: traced, body });
    return this.#operation("issueToken", options, send, (response) => ({ user: { communicationUserId: id }, ...toAccessToken(response) }));
  }

  /**
   * The official client's name for {@link CommunicationIdentityClient.issueToken}, so code written
   * for `@azure/communication-identity` works after changing the import.
   */
  async getToken(
    user: CommunicationUser | string,
    scopes: readonly TokenScopeArgument[],
    options: IssueTokenOptions = {},
  ): Promise<CommunicationUserToken> {
    return this.issueToken(user, scopes, options);
  }

  /**
   * Creates a user and issues it a token in one request; with `customId`, issues the token to the
   * user created earlier with it, if any.
   *
   * @param scopes - what the token allows, e.g. `["chat", "voip"]`; not empty; scopes the api-version does not know are refused unless wrapped in {@link UnknownTokenScope}.
   * @param options - `tokenExpiresInMinutes` (60 to 1440, default 1440), `customId` (1 to 256 characters; needs `apiVersion: "2025-03-02-preview"`) and operation options.
   * @throws TypeError or RangeError for bad arguments (nothing is sent); RestError when the service refuses.
   * @example
   * ```ts
   * const { user, token } = await client.createUserAndToken(["voip"]);
   * ```
   */
  async createUserAndToken(
    scopes: readonly TokenScopeArgument[],
    options: CreateUserAndTokenOptions = {},
  ): Promise<CommunicationUserToken> {
    const names = checkScopes(scopes, this.#apiVersion);
    checkOptions(options);
    checkTokenExpiresInMinutes(options.tokenExpiresInMinutes);
    checkCustomId(options.customId, this.#apiVersion);
    const body = { createTokenWithScopes: names, expiresInMinutes: options.tokenExpiresInMinutes, customId: options.customId };
    return this.#operation("createUserAndToken", options, (traced) => this.#create("createUserAndToken", body, traced), toUserToken);
  }

  /**
   * Revokes every token issued to the user so far; tokens issued later are valid.
   *
   * @throws TypeError or RangeError for a bad user (nothing is sent); RestError when the service refuses (401 IdentityNotOwned for an unknown, deleted or foreign user).
   */
  async revokeTokens(user: CommunicationUser | string, options: RevokeTokensOptions = {}): Promise<void> {
    const id = userIdOf(user);
    checkOptions(options);
    const send = (traced: OperationOptions) =>
      this.#send({ method: "POST", path: `${identityPath(id)}/:revokeAccessTokens`, status: 204, options: traced });
    return this.#operation("revokeTokens", options, send, () => undefined);
  }

  /**
   * Deletes the user, revokes its tokens and deletes its data.
   *
   * @throws TypeError or RangeError for a bad user (nothing is sent); RestError when the service refuses (401 IdentityNotOwned for an unknown, deleted or foreign user).
   */
  async deleteUser(user: CommunicationUser | string, options: DeleteUserOptions = {}): Promise<void> {
    const id = userIdOf(user);
    checkOptions(options);
    const send = (traced: OperationOptions) =>
      this.#send({
        method: "DELETE",
        path: identityPath(id),
        status: 204,
        options: traced,
        alsoDoneAfterRepeat: { status: 401, code: IDENTITY_NOT_OWNED },
      });
    return this.#operation("deleteUser", options, send, () => undefined);
  }

  /**
   * Exchanges a Teams user's Microsoft Entra token for a Communication Services token.
   *
   * @param options - `teamsUserAadToken`, `clientId` and `userObjectId` (all required) and operation options.
   * When the Entra token is a readable JWT, its claims are checked first, locally and without its
   * signature, so that the common mistakes get a message that names them; opaque tokens are sent as they are.
   *
   * @throws TypeError when a field is missing; RangeError when the Entra token expired (more than 5 minutes ago by this machine's clock) or its `oid` or `appid` / `azp` claim does not match `userObjectId` or `clientId` (nothing is sent; the message never contains the token); RestError: 401 InvalidAccessToken for an empty, invalid or expired Entra token; 400 ValidationError when `clientId` or `userObjectId` is empty, not a GUID, or does not match it.
   */
  async getTokenForTeamsUser(options: GetTokenForTeamsUserOptions): Promise<CommunicationAccessToken> {
    checkTeamsOptions(options);
    checkTeamsTokenClaims(options);
    const body = { token: options.teamsUserAadToken, appId: options.clientId, userId: options.userObjectId };
    const send = (traced: OperationOptions) =>
      this.#send({ method: "POST", path: "/teamsUser/:exchangeAccessToken", status: 200, options: traced, body });
    return this.#operation("getTokenForTeamsUser", options, send, toAccessToken);
  }

  /**
   * Runs one operation, the shared path of every method: in the operation's span (see
   * `tracing.ts`), sends, hands `onResponse` the final response (also when it is an error), then
   * reads the result from it, so a response this client cannot read also fails the span.
   */
  #operation<T>(
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

  /**
   * Sends a create. The service does not create atomically per custom id (parallel creates can
   * yield several identities), so creates with a `customId` go through the coalescer: identical
   * ones share one request, different ones for the same id wait their turn. The shared request
   * uses the first caller's `requestOptions` and tracing context (its HTTP span is a child of that
   * caller's operation span); see {@link Coalescer} for what an abort does.
   */
  #create(kind: string, body: { customId?: string } | undefined, options: OperationOptions): Promise<PipelineResponse> {
    const send = (abortSignal: OperationOptions["abortSignal"]) =>
      this.#send({ method: "POST", path: "/identities", status: 201, options: { ...options, abortSignal }, body, create: true });
    if (body?.customId === undefined) return send(options.abortSignal);
    // Shared by every caller with this custom id, so it runs without any one caller's signal.
    return this.#customIdCreates.run(body.customId, `${kind} ${JSON.stringify(body)}`, options.abortSignal, () => send(undefined));
  }

  async #send(call: Call): Promise<PipelineResponse> {
    const { requestOptions = {}, abortSignal } = call.options;
    // The fields core's createPipelineRequest sets, written out: its class brings a kilobyte of
    // minified code into browser bundles for defaults this client states here anyway.
    const request: PipelineRequest = {
      url: `${this.#endpoint}${call.path}${this.#query}`,
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
    if (call.body !== undefined) request.headers.set("Content-Type", "application/json");
    if (call.create) this.#prepareCreate(request);
    for (const [name, value] of Object.entries(requestOptions.customHeaders ?? {})) request.headers.set(name, value);
    const response = await this.#pipeline.sendRequest(this.#httpClient, request);
    if (call.create && response.headers.has("repeatability-result")) this.#repeatableCreates = true;
    if (response.status !== call.status && !this.#doneAfterRepeat(call, response)) throw serviceError(response);
    this.#keyAccepted = true;
    return response;
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

function identityPath(id: string): string {
  return `/identities/${encodeURIComponent(id)}`;
}

function resolveArguments(
  first: string,
  second: KeyCredential | TokenCredential | CommunicationIdentityClientOptions | undefined,
  third: CommunicationIdentityClientOptions | undefined,
): { url: URL; credential: KeyCredential | TokenCredential; options: CommunicationIdentityClientOptions } {
  if (isTokenCredential(second) || isKeyCredential(second)) {
    checkOptions(third);
    return { url: parseEndpoint(first), credential: second, options: third ?? {} };
  }
  checkOptions(second);
  if (typeof first === "string" && /^\s*https?:\/\//i.test(first)) {
    throw new TypeError(
      "An endpoint needs a credential: new CommunicationIdentityClient(endpoint, new AzureKeyCredential(key)) or (endpoint, tokenCredential), " +
        "or pass the whole connection string instead.",
    );
  }
  const { endpoint, credential } = parseConnectionString(first);
  return { url: new URL(endpoint), credential, options: second ?? {} };
}
