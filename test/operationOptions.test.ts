import {
  createDefaultHttpClient,
  type HttpClient,
  type PipelinePolicy,
  type PipelineRequest,
  type TransferProgressEvent,
} from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import type { CommunicationIdentityClientOptions, FullOperationResponse } from "../src/client/models.js";
import { teamsUserToken, TEAMS_APP_ID, TEAMS_USER_OBJECT_ID } from "./helpers/jwt.js";
import { startRecordingProxy, type ProxyReply, type Received, type RecordingProxy } from "./helpers/recordingProxy.js";
import {
  CLIENT_ID,
  ENTRA_ASSIGNMENT,
  ENTRA_LIST,
  ENTRA_UPDATE_RESPONSE,
  exampleReply,
  OBJECT_ID,
  TEAMS_EXTENSION_ASSIGNMENT,
  TENANT_ID,
} from "./helpers/assignmentExamples.js";

let emulator: Emulator;
let proxy: RecordingProxy;
/** What the proxy answers instead of forwarding, while set. */
let answer: ((received: Received) => ProxyReply | undefined) | undefined;

const JSON_TYPE = "application/json; charset=utf-8";

/** A client of the emulator through the recording proxy. */
function client(options: CommunicationIdentityClientOptions = {}): CommunicationIdentityClient {
  return new CommunicationIdentityClient(`endpoint=${proxy.endpoint}/;accesskey=${emulator.accessKey}`, {
    retryOptions: { retryDelayInMs: 1 },
    ...options,
  });
}

/** An onResponse that records its calls. */
function recorder() {
  const calls: Array<{ raw: FullOperationResponse; flat: unknown; error: unknown }> = [];
  const onResponse = (raw: FullOperationResponse, flat: unknown, error?: unknown) => void calls.push({ raw, flat, error });
  return { calls, onResponse };
}

beforeAll(async () => {
  emulator = await startEmulator();
  // The assignment operations are answered with the REST specification's examples.
  proxy = await startRecordingProxy(emulator.endpoint, (received) => answer?.(received) ?? exampleReply(received));
});
afterAll(async () => {
  await proxy.close();
  await emulator.close();
});
beforeEach(() => {
  answer = undefined;
  proxy.received.length = 0;
  emulator.faults.clear();
});

type Recorder = ReturnType<typeof recorder>;

describe("onResponse", () => {
  const PREVIEW = "2025-03-02-preview";
  const TEAMS_PATH = `/access/teamsExtension/tenants/${TENANT_ID}/assignments/${OBJECT_ID}`;
  const preview = () => client({ apiVersion: PREVIEW });
  const url = (path: string, version = "2023-10-01") => `${proxy.endpoint}${path}?api-version=${version}`;
  const cases: Array<
    [
      string,
      (id: string, onResponse: Recorder["onResponse"]) => Promise<any>,
      number,
      (id: string) => string,
      (id: string, result: any) => unknown,
    ]
  > = [
    [
      "createUser",
      (_id, onResponse) => client().createUser({ onResponse }),
      201,
      () => url("/identities"),
      (_id, user) => ({ identity: { id: user.communicationUserId } }),
    ],
    [
      "createUserAndToken",
      (_id, onResponse) => client().createUserAndToken(["chat"], { onResponse }),
      201,
      () => url("/identities"),
      (_id, { user, token, expiresOn }) => ({ identity: { id: user.communicationUserId }, accessToken: { token, expiresOn } }),
    ],
    [
      "issueToken",
      (id, onResponse) => client().issueToken(id, ["chat"], { onResponse }),
      200,
      (id) => url(`/identities/${encodeURIComponent(id)}/:issueAccessToken`),
      (_id, { token, expiresOn }) => ({ token, expiresOn }),
    ],
    [
      "getToken",
      (id, onResponse) => client().getToken({ communicationUserId: id }, ["voip"], { onResponse }),
      200,
      (id) => url(`/identities/${encodeURIComponent(id)}/:issueAccessToken`),
      (_id, { token, expiresOn }) => ({ token, expiresOn }),
    ],
    [
      "revokeTokens",
      (id, onResponse) => client().revokeTokens(id, { onResponse }),
      204,
      (id) => url(`/identities/${encodeURIComponent(id)}/:revokeAccessTokens`),
      () => undefined,
    ],
    [
      "deleteUser",
      (id, onResponse) => client().deleteUser(id, { onResponse }),
      204,
      (id) => url(`/identities/${encodeURIComponent(id)}`),
      () => undefined,
    ],
    [
      "getUser",
      (id, onResponse) => preview().getUser(id, { onResponse }),
      200,
      (id) => url(`/identities/${encodeURIComponent(id)}`, "2025-03-02-preview"),
      (id) => ({ id }),
    ],
    [
      "getTokenForTeamsUser",
      (_id, onResponse) =>
        client().getTokenForTeamsUser({
          teamsUserAadToken: teamsUserToken(),
          clientId: TEAMS_APP_ID,
          userObjectId: TEAMS_USER_OBJECT_ID,
          onResponse,
        }),
      200,
      () => url("/teamsUser/:exchangeAccessToken"),
      (_id, { token, expiresOn }) => ({ token, expiresOn }),
    ],
    [
      "getTeamsExtensionAssignment",
      (_id, onResponse) => preview().getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { onResponse }),
      200,
      () => url(TEAMS_PATH, PREVIEW),
      () => TEAMS_EXTENSION_ASSIGNMENT,
    ],
    [
      "setTeamsExtensionAssignment",
      (_id, onResponse) =>
        preview().setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { principalType: "resourceAccount" }, { onResponse }),
      201,
      () => url(TEAMS_PATH, PREVIEW),
      () => TEAMS_EXTENSION_ASSIGNMENT,
    ],
    [
      "deleteTeamsExtensionAssignment",
      (_id, onResponse) => preview().deleteTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { onResponse }),
      204,
      () => url(TEAMS_PATH, PREVIEW),
      () => undefined,
    ],
    [
      "listEntraAssignments",
      async (_id, onResponse) => {
        for await (const assignment of preview().listEntraAssignments({ onResponse })) expect(assignment.tenantId).toBe(TENANT_ID);
      },
      200,
      () => url("/access/entra/assignments", PREVIEW),
      () => ({ value: ENTRA_LIST.value }),
    ],
    [
      "getEntraAssignment",
      (_id, onResponse) => preview().getEntraAssignment(OBJECT_ID, { onResponse }),
      200,
      () => url(`/access/entra/assignments/${OBJECT_ID}`, PREVIEW),
      () => ENTRA_ASSIGNMENT,
    ],
    [
      "setEntraAssignment",
      (_id, onResponse) =>
        preview().setEntraAssignment(OBJECT_ID, { tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] }, { onResponse }),
      201,
      () => url(`/access/entra/assignments/${OBJECT_ID}`, PREVIEW),
      () => ENTRA_ASSIGNMENT,
    ],
    [
      "deleteEntraAssignment",
      (_id, onResponse) => preview().deleteEntraAssignment(OBJECT_ID, { onResponse }),
      204,
      () => url(`/access/entra/assignments/${OBJECT_ID}`, PREVIEW),
      () => undefined,
    ],
    [
      "updateEntraAssignments",
      (_id, onResponse) => preview().updateEntraAssignments({ [OBJECT_ID]: null }, { onResponse }),
      200,
      () => url("/access/entra/assignments", PREVIEW),
      () => ENTRA_UPDATE_RESPONSE,
    ],
  ];

  it.each(cases)(
    "%s calls it once with the final response, its parsed body (timestamps as Dates) as the flat response, and no error",
    async (_name, call, status, requestUrl, body) => {
      const { communicationUserId: id } = await client().createUser();
      const { calls, onResponse } = recorder();
      const result: unknown = await call(id, onResponse);
      expect(calls).toHaveLength(1);
      const [{ raw, flat, error }] = calls as [(typeof calls)[0]];
      expect(raw.status).toBe(status);
      expect(raw.headers.get("content-type") ?? undefined).toBe(status === 204 ? undefined : JSON_TYPE);
      expect(raw.headers.get("ms-cv")).toMatch(/.+/);
      expect(raw.request.url).toBe(requestUrl(id));
      expect(raw.parsedBody).toStrictEqual(body(id, result));
      expect(flat).toBe(raw.parsedBody);
      expect(error).toBeUndefined();
    },
  );

  it("on a failure, gets the error response with its parsed error body and the very error the call rejects with", async () => {
    const unknown = `8:acs:${emulator.resourceId}_00000000-0000-0000-0000-000000000000`;
    const { calls, onResponse } = recorder();
    const error: any = await client()
      .issueToken(unknown, ["chat"], { onResponse })
      .catch((caught: unknown) => caught);
    expect(error.statusCode).toBe(401);
    expect(calls).toHaveLength(1);
    const [{ raw, flat, error: reported }] = calls as [(typeof calls)[0]];
    expect(reported).toBe(error);
    expect(raw).toBe(error.response);
    expect(raw.status).toBe(401);
    expect(raw.parsedBody).toStrictEqual({
      error: { code: error.code, message: "Provided identity doesn't belong to the resource." },
    });
    expect(flat).toBe(raw.parsedBody);
  });

  it("after retries, gets only the final response", async () => {
    emulator.faults.add({ status: 503, retryAfterMs: 1, count: 2, operation: "createUser" });
    const { calls, onResponse } = recorder();
    await client().createUser({ onResponse });
    expect(proxy.received).toHaveLength(3);
    expect(calls.map(({ raw }) => raw.status)).toStrictEqual([201]);
  });

  it("is not called when no response arrived", async () => {
    const closed = await startRecordingProxy(emulator.endpoint);
    await closed.close();
    const { calls, onResponse } = recorder();
    const unreachable = new CommunicationIdentityClient(`endpoint=${closed.endpoint}/;accesskey=${emulator.accessKey}`, {
      retryOptions: { maxRetries: 0 },
    });
    const error: any = await unreachable.createUser({ onResponse }).catch((caught: unknown) => caught);
    expect(error.code).toBe("ECONNREFUSED");
    expect(calls).toStrictEqual([]);
  });

  it("each of the concurrent creates that share one request (same customId) gets its own call", async () => {
    const preview = client({ apiVersion: "2025-03-02-preview" });
    const first = recorder();
    const second = recorder();
    const [a, b] = await Promise.all([
      preview.createUser({ customId: "shared-on-response", onResponse: first.onResponse }),
      preview.createUser({ customId: "shared-on-response", onResponse: second.onResponse }),
    ]);
    expect(a).toStrictEqual(b);
    expect(proxy.received).toHaveLength(1);
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toHaveLength(1);
    expect(second.calls[0]!.raw).toBe(first.calls[0]!.raw);
    expect(first.calls[0]!.raw.parsedBody).toStrictEqual({ identity: { customId: "shared-on-response", id: a.communicationUserId } });
  });
});

/** A policy that logs what it sees, going in and coming back, into `events`. */
function spy(name: string, events: string[], seen: (request: PipelineRequest) => string): PipelinePolicy {
  return {
    name,
    async sendRequest(request, next) {
      events.push(`${name} -> ${seen(request)}`);
      const response = await next(request);
      events.push(`${name} <- ${response.status}`);
      return response;
    },
  };
}

describe("additionalPolicies", () => {
  it("perCall runs once per operation before retries and signing; perRetry on every attempt, signed, in the order given", async () => {
    const events: string[] = [];
    const headers = (request: PipelineRequest) =>
      ["x-ms-client-request-id", "user-agent", "authorization", "x-ms-date", "host"].filter((name) => request.headers.has(name)).join(",");
    const policies = [
      { policy: spy("call-1", events, headers), position: "perCall" as const },
      { policy: spy("retry-1", events, headers), position: "perRetry" as const },
      { policy: spy("call-2", events, () => ""), position: "perCall" as const },
      { policy: spy("retry-2", events, () => ""), position: "perRetry" as const },
    ];
    emulator.faults.add({ status: 503, retryAfterMs: 1, count: 1, operation: "createUser" });
    await client({ additionalPolicies: policies }).createUser();
    expect(events).toStrictEqual([
      "call-1 -> x-ms-client-request-id,user-agent",
      "call-2 -> ",
      "retry-1 -> x-ms-client-request-id,user-agent,authorization,x-ms-date,host",
      "retry-2 -> ",
      "retry-2 <- 503",
      "retry-1 <- 503",
      "retry-1 -> x-ms-client-request-id,user-agent,authorization,x-ms-date,host",
      "retry-2 -> ",
      "retry-2 <- 201",
      "retry-1 <- 201",
      "call-2 <- 201",
      "call-1 <- 201",
    ]);
    expect(proxy.received).toHaveLength(2);
  });

  it("a header a policy sets goes on the wire", async () => {
    const tag: PipelinePolicy = { name: "tag", sendRequest: (request, next) => (request.headers.set("x-app-tag", "t1"), next(request)) };
    await client({ additionalPolicies: [{ policy: tag, position: "perRetry" }] }).createUser();
    expect(proxy.received[0]!.headers["x-app-tag"]).toBe("t1");
  });

  it("refuses a malformed entry or a name already in the pipeline when the client is made", () => {
    const policy: PipelinePolicy = { name: "mine", sendRequest: (request, next) => next(request) };
    expect(() => client({ additionalPolicies: [{ policy, position: "perAttempt" as never }] })).toThrow(
      new TypeError('additionalPolicies[0] must be { policy, position: "perCall" | "perRetry" }.'),
    );
    expect(() =>
      client({
        additionalPolicies: [
          { policy, position: "perCall" },
          { policy: {} as never, position: "perCall" },
        ],
      }),
    ).toThrow(new TypeError('additionalPolicies[1] must be { policy, position: "perCall" | "perRetry" }.'));
    expect(() =>
      client({ additionalPolicies: [{ policy: { ...policy, name: "CommunicationAccessKeyCredentialPolicy" }, position: "perRetry" }] }),
    ).toThrow("Duplicate policy names not allowed in pipeline");
  });
});

/** An HTTP client that records the Host and Authorization each request carried as the pipeline handed it over, then sends it. */
function recordingHttpClient(): { httpClient: HttpClient; seen: Array<[host: string | undefined, signed: boolean]> } {
  const inner = createDefaultHttpClient();
  const seen: Array<[string | undefined, boolean]> = [];
  const httpClient: HttpClient = {
    sendRequest: (request) => (seen.push([request.headers.get("host"), request.headers.has("authorization")]), inner.sendRequest(request)),
  };
  return { httpClient, seen };
}

describe("Host on the request the HTTP client sees", () => {
  it("is set, as the official client's signing policy sets it in Node.js", async () => {
    const { httpClient, seen } = recordingHttpClient();
    await client({ httpClient }).createUser();
    expect(seen).toStrictEqual([[new URL(proxy.endpoint).host, true]]);
    expect(proxy.received[0]!.headers.host).toBe(new URL(proxy.endpoint).host);
  });

  it("is set anew on each attempt: after a redirect to another host (when allowed), it names that host", async () => {
    answer = (received) => ({ status: 307, headers: { location: `${emulator.endpoint}${received.path}` } });
    const { httpClient, seen } = recordingHttpClient();
    // The pipeline's redirect policy takes this option; core-rest-pipeline's type does not name it yet.
    const redirectOptions = { allowCrossOriginRedirects: true } as CommunicationIdentityClientOptions["redirectOptions"];
    const error: any = await client({ httpClient, redirectOptions, retryOptions: { maxRetries: 0 } })
      .createUser()
      .catch((caught: unknown) => caught);
    // The signing policy leaves a request that a redirect took to another origin unsigned, so the emulator refuses it.
    expect(error.statusCode).toBe(401);
    expect(seen).toStrictEqual([
      [new URL(proxy.endpoint).host, true],
      [new URL(emulator.endpoint).host, false],
    ]);
  });
});

describe("the options core-client clients take, honoured", () => {
  it("userAgentOptions, telemetryOptions and customHeaders reach the wire; no traceparent without an instrumenter", async () => {
    await client({
      userAgentOptions: { userAgentPrefix: "app/1.2" },
      telemetryOptions: { clientRequestIdHeaderName: "x-app-request-id" },
    }).createUser({
      requestOptions: { customHeaders: { "x-app-tag": "t2" } },
    });
    const { headers } = proxy.received[0]!;
    expect(headers["user-agent"]).toMatch(/^app\/1\.2 acs-identity\/0\.1\.0 core-rest-pipeline\/[\d.]+ Node\/[\d.]+ /);
    expect(headers["x-app-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers["x-ms-client-request-id"]).toBeUndefined();
    expect(headers["x-app-tag"]).toBe("t2");
    expect(headers["traceparent"]).toBeUndefined();
  });

  it("retryOptions: maxRetries 0 gives up after one attempt", async () => {
    emulator.faults.add({ status: 503, retryAfterMs: 1, count: 1, operation: "revokeTokens" });
    const { communicationUserId } = await client().createUser();
    const error: any = await client({ retryOptions: { maxRetries: 0 } })
      .revokeTokens(communicationUserId)
      .catch((caught: unknown) => caught);
    expect(error.statusCode).toBe(503);
    expect(proxy.received).toHaveLength(2);
  });

  it("proxyOptions: requests go through the proxy, in absolute form", async () => {
    const direct = new CommunicationIdentityClient(emulator.connectionString, {
      proxyOptions: { host: "http://127.0.0.1", port: Number(new URL(proxy.endpoint).port) },
    });
    const user = await direct.createUser();
    expect(emulator.identity(user.communicationUserId)).toBeDefined();
    expect(proxy.received.map(({ method, path }) => `${method} ${path}`)).toStrictEqual([
      `POST ${emulator.endpoint}/identities?api-version=2023-10-01`,
    ]);
  });

  it("redirectOptions: a redirect is followed, or with maxRetries 0 returned as the answer", async () => {
    answer = ({ path }) => (path.includes("moved=1") ? undefined : { status: 307, headers: { location: `${path}&moved=1` } });
    const user = await client().createUser();
    expect(emulator.identity(user.communicationUserId)).toBeDefined();
    expect(proxy.received.map(({ path }) => path)).toStrictEqual([
      "/identities?api-version=2023-10-01",
      "/identities?api-version=2023-10-01&moved=1",
    ]);
    const error: any = await client({ redirectOptions: { maxRetries: 0 } })
      .createUser()
      .catch((caught: unknown) => caught);
    expect(error.statusCode).toBe(307);
  });

  it("requestOptions.onUploadProgress and onDownloadProgress report the bytes sent and received", async () => {
    const uploaded: TransferProgressEvent[] = [];
    const downloaded: TransferProgressEvent[] = [];
    const { communicationUserId } = await client().createUser();
    const { calls, onResponse } = recorder();
    await client().issueToken(communicationUserId, ["chat"], {
      requestOptions: { onUploadProgress: (event) => uploaded.push(event), onDownloadProgress: (event) => downloaded.push(event) },
      onResponse,
    });
    const body = JSON.stringify({ scopes: ["chat"] });
    expect(proxy.received.at(-1)!.body).toBe(body);
    expect(uploaded.at(-1)).toStrictEqual({ loadedBytes: body.length });
    expect(downloaded.at(-1)).toStrictEqual({ loadedBytes: Buffer.byteLength(calls[0]!.raw.bodyAsText!) });
  });
});

describe("errors whose body is not the service's", () => {
  it("a 502 HTML page from a gateway is reported with its reason phrase and type", async () => {
    answer = () => ({ status: 502, headers: { "content-type": "text/html" }, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" });
    const error: any = await client({ retryOptions: { maxRetries: 0 } })
      .revokeTokens(`8:acs:${emulator.resourceId}_00000000-0000-0000-0000-000000000000`)
      .catch((caught: unknown) => caught);
    expect(error.statusCode).toBe(502);
    expect(error.code).toBeUndefined();
    expect(error.message).toBe(
      "The service answered 502 Bad Gateway (text/html) without error details: a proxy or gateway may have answered.",
    );
  });
});
