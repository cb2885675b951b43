import {
  createDefaultHttpClient,
  type HttpClient,
  type PipelinePolicy,
  type PipelineRequest,
  type TransferProgressEvent,
} from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/communicationIdentityClient.js";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import type { CommunicationIdentityClientOptions, FullOperationResponse } from "../src/models.js";
import { startRecordingProxy, type ProxyReply, type Received, type RecordingProxy } from "./helpers/recordingProxy.js";

let emulator: Emulator;
let proxy: RecordingProxy;
/** What the proxy answers instead of forwarding, while set. */
let answer: ((received: Received) => ProxyReply | undefined) | undefined;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const teamsToken = `${base64url({ typ: "JWT", alg: "RS256" })}.${base64url({ appid: "app-1", oid: "oid-1", exp: Math.floor(Date.now() / 1000) + 3600 })}.c2ln`;
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
  proxy = await startRecordingProxy(emulator.endpoint, (received) => answer?.(received));
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
  const preview = () => client({ apiVersion: "2025-03-02-preview" });
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
        client().getTokenForTeamsUser({ teamsUserAadToken: teamsToken, clientId: "app-1", userObjectId: "oid-1", onResponse }),
      200,
      () => url("/teamsUser/:exchangeAccessToken"),
      (_id, { token, expiresOn }) => ({ token, expiresOn }),
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
      error: { code: error.code, message: "The identity does not exist in this resource, or was deleted." },
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
    expect(first.calls[0]!.raw.parsedBody).toStrictEqual({ identity: { id: a.communicationUserId } });
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
    expect(() => client({ additionalPolicies: [{ policy: { ...policy, name: "logPolicy" }, position: "perRetry" }] })).toThrow(
      "Duplicate policy names not allowed in pipeline",
    );
  });
});
