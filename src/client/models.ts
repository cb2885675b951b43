import type {
  HttpClient,
  LogPolicyOptions,
  PipelineOptions,
  PipelinePolicy,
  PipelineRequest,
  PipelineResponse,
  TransferProgressEvent,
} from "@azure/core-rest-pipeline";
import type { OperationTracingOptions } from "@azure/core-tracing";

/** An `AbortSignal`, or anything shaped like one (the pipeline's `AbortSignalLike`). */
export type AbortSignalLike = NonNullable<PipelineRequest["abortSignal"]>;

/**
 * A Communication Services user: the same shape the Chat and Calling SDKs take.
 */
export interface CommunicationUser {
  /** The user's id, e.g. `8:acs:<resource id>_<opaque id>`. */
  communicationUserId: string;
}

/** An access token and when it expires. */
export interface CommunicationAccessToken {
  /** The token, to hand to the Chat or Calling SDK. Opaque: do not depend on decoding it. */
  token: string;
  /** When the token expires, as the service reported it (`expiresOn`), to the millisecond. */
  expiresOn: Date;
}

/** An access token together with the user it was issued to. */
export interface CommunicationUserToken extends CommunicationAccessToken {
  /** The user the token belongs to. */
  user: CommunicationUser;
}

export type { TokenScope, TokenScopeArgument } from "./tokenScope.js";

/** Per-request HTTP settings. */
export interface OperationRequestOptions {
  /**
   * Milliseconds each attempt may take before it is abandoned with an `AbortError` (a timed-out
   * attempt is not retried). @defaultValue no timeout
   */
  timeout?: number;
  /** Extra headers sent with the request. The HMAC signature does not cover them (it covers the date, host and body hash). */
  customHeaders?: Record<string, string>;
  /** Called as the request body is sent (bytes so far); such requests go through the pipeline's general HTTP client. */
  onUploadProgress?: (progress: TransferProgressEvent) => void;
  /** Called as the response body arrives (bytes so far); such requests go through the pipeline's general HTTP client. */
  onDownloadProgress?: (progress: TransferProgressEvent) => void;
  /**
   * Accepted so that code written for `@azure/core-client` compiles; has no effect: responses are
   * always read, since every operation returns what the body holds.
   */
  shouldDeserialize?: boolean | ((response: PipelineResponse) => boolean);
  /**
   * Accepted so that code written for `@azure/core-client` compiles; has no effect: whether plain
   * `http` is allowed is decided once, by the client option of the same name.
   */
  allowInsecureConnection?: boolean;
}

/**
 * The response an operation received, as `@azure/core-client`'s `FullOperationResponse`: the
 * pipeline's response with its JSON body parsed (timestamps such as `expiresOn` as `Date`s).
 */
export interface FullOperationResponse extends PipelineResponse {
  /** Always `undefined` here: no header of these operations is parsed into the result. */
  parsedHeaders?: { [key: string]: unknown };
  /**
   * The body parsed as JSON (`undefined` when empty or not JSON), e.g. `{ identity: { id } }` or
   * `{ error: { code, message } }`. `any`, as in `@azure/core-client`, so that code written for it compiles.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the official type is `any`; `unknown` would break migrating code
  parsedBody?: any;
  /** The request that got this response (after its last retry). */
  request: PipelineRequest;
}

/**
 * Called once per operation with the final response (after retries), as `@azure/core-client`'s
 * `RawResponseCallback`: `flatResponse` is the parsed body; `error` is the `RestError` the
 * operation rejects with, when it does. Not called when no response arrived (network error, abort).
 */
export type RawResponseCallback = (rawResponse: FullOperationResponse, flatResponse: unknown, error?: unknown) => void;

/** Options every operation takes: those of `@azure/core-client`'s `OperationOptions`. */
export interface OperationOptions {
  /** Cancels the operation; the promise rejects with an `AbortError` soon after the signal fires. */
  abortSignal?: AbortSignalLike;
  /** Per-request HTTP settings. */
  requestOptions?: OperationRequestOptions;
  /**
   * `tracingContext`: the context whose span becomes the parent of this operation's span
   * (`CommunicationIdentity-<operation>`). @defaultValue the active context
   */
  tracingOptions?: OperationTracingOptions;
  /** Receives the raw response; see {@link RawResponseCallback}. */
  onResponse?: RawResponseCallback;
  /**
   * Accepted so that code written for `@azure/core-client` compiles; has no effect: the service
   * speaks JSON only, and these options configure XML.
   */
  serializerOptions?: { xml?: object; ignoreUnknownProperties?: boolean };
}

/**
 * A policy to add to the client's pipeline, as `@azure/core-client`'s `AdditionalPolicyConfig`:
 * `perCall` runs once per operation, before retries (the request is not signed yet); `perRetry`
 * runs for every attempt, after signing and logging, right before the request is sent.
 */
export interface AdditionalPolicyConfig {
  /** The policy. Its `name` must differ from the client's own policies' names. */
  policy: PipelinePolicy;
  /** Where it runs: once per call, or once per attempt. */
  position: "perCall" | "perRetry";
}

/**
 * A stable id of your own for a user (api-version `2025-03-02-preview`): creating a user with a
 * `customId` that already has one returns that user instead of a new one.
 */
export interface CustomIdOptions {
  /**
   * Your id for the user, 1 to 256 characters, e.g. your own account id. Needs the client option
   * `apiVersion: "2025-03-02-preview"`. Concurrent creates with the same `customId` on one client
   * are sent as one request.
   * @defaultValue none: every create makes a new user
   */
  customId?: string;
}

/** Options of {@link CommunicationIdentityClient.createUser}. */
export interface CreateUserOptions extends OperationOptions, CustomIdOptions {}

/** Options of {@link CommunicationIdentityClient.issueToken}. */
export interface IssueTokenOptions extends OperationOptions {
  /**
   * Lifetime of the token in minutes, an integer from 60 to 1440.
   * @defaultValue 1440 (24 hours), chosen by the service
   */
  tokenExpiresInMinutes?: number;
}

/** Options of {@link CommunicationIdentityClient.getToken}, the official client's name for them. */
export type GetTokenOptions = IssueTokenOptions;

/** Options of {@link CommunicationIdentityClient.createUserAndToken}. */
export interface CreateUserAndTokenOptions extends IssueTokenOptions, CustomIdOptions {}

/** Options of {@link CommunicationIdentityClient.getUser}. */
export type GetUserOptions = OperationOptions;

/** What the service knows about a user (api-version `2025-03-02-preview` or `2025-06-30`). */
export interface CommunicationUserDetails {
  /** The user. */
  user: CommunicationUser;
  /** The custom id the user was created with, if any. */
  customId?: string;
  /** When a token was last issued to the user; absent when none ever was. */
  lastTokenIssuedAt?: Date;
}

/** The official client's name (1.4.0-beta) for {@link CommunicationUserDetails}: the result of `getUserDetail`. */
export type CommunicationUserDetail = CommunicationUserDetails;

/** Options of {@link CommunicationIdentityClient.revokeTokens}. */
export type RevokeTokensOptions = OperationOptions;

/** Options of {@link CommunicationIdentityClient.deleteUser}. */
export type DeleteUserOptions = OperationOptions;

/** What the Teams token exchange needs, with the usual operation options. */
export interface GetTokenForTeamsUserOptions extends OperationOptions {
  /** A Microsoft Entra access token of the Teams user (audience `https://auth.msft.communication.azure.com`). */
  teamsUserAadToken: string;
  /** The Entra application (client) id the token was issued to; must match its `appid` claim. */
  clientId: string;
  /** The Teams user's Entra object id; must match the token's `oid` claim. */
  userObjectId: string;
}

/** Options of {@link CommunicationIdentityClient}'s constructor. */
export interface CommunicationIdentityClientOptions extends PipelineOptions {
  /**
   * The REST api-version sent with every request.
   * @defaultValue "2023-10-01"
   */
  apiVersion?: string;
  /**
   * Allow plain `http` to a host that is not loopback. `localhost`, `127.0.0.0/8` and `[::1]` (the
   * emulator) are always allowed.
   * @defaultValue false
   */
  allowInsecureConnection?: boolean;
  /** The HTTP client that sends requests. @defaultValue the pipeline's default for the platform */
  httpClient?: HttpClient;
  /** Policies added to the pipeline, as `@azure/core-client` places them; see {@link AdditionalPolicyConfig}. */
  additionalPolicies?: AdditionalPolicyConfig[];
  /** What the logger may show: more header names or query parameters than the safe defaults. */
  loggingOptions?: Pick<LogPolicyOptions, "additionalAllowedHeaderNames" | "additionalAllowedQueryParameters">;
}
