import { createRequire } from "node:module";
import { createAzureSdkInstrumentation } from "@azure/opentelemetry-instrumentation-azure-sdk";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { teamsUserToken, TEAMS_APP_ID, TEAMS_USER_OBJECT_ID } from "./helpers/jwt.js";
import { startRecordingProxy, type RecordingProxy } from "./helpers/recordingProxy.js";
import { CLIENT_ID, exampleReply, OBJECT_ID, TENANT_ID } from "./helpers/assignmentExamples.js";

// The real OpenTelemetry SDK, wired to the Azure SDK the way an application does it: a registered
// tracer provider (with its W3C propagator and async context manager) and the Azure SDK
// instrumentation, which hands @azure/core-tracing its OpenTelemetry instrumenter when that
// module is required. Requests go through a recording proxy to the emulator, so that the test
// sees the headers as they arrived on the wire.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const NAMESPACE = { "az.namespace": "Microsoft.Communication" };
const SCOPE = { name: "acs-identity", version: "0.1.0", schemaUrl: undefined };
let emulator: Emulator;
let proxy: RecordingProxy;
let client: CommunicationIdentityClient;
let preview: CommunicationIdentityClient;

beforeAll(async () => {
  provider.register();
  createAzureSdkInstrumentation();
  createRequire(import.meta.url)("@azure/core-tracing");
  emulator = await startEmulator();
  // The assignment operations are answered with the REST specification's examples.
  proxy = await startRecordingProxy(emulator.endpoint, exampleReply);
  const connectionString = `endpoint=${proxy.endpoint}/;accesskey=${emulator.accessKey}`;
  client = new CommunicationIdentityClient(connectionString, { retryOptions: { retryDelayInMs: 1 } });
  preview = new CommunicationIdentityClient(connectionString, { apiVersion: "2025-03-02-preview" });
});
afterAll(async () => {
  await proxy.close();
  await emulator.close();
  await provider.shutdown();
});
beforeEach(() => {
  exporter.reset();
  proxy.received.length = 0;
  emulator.faults.clear();
});

/** The finished spans: the operation's, then its HTTP spans in the order they started. */
function spans(): { operation: ReadableSpan; http: ReadableSpan[] } {
  const finished = exporter.getFinishedSpans().filter((span) => span.instrumentationScope.name !== "app");
  const operations = finished.filter((span) => span.name.startsWith("CommunicationIdentity-"));
  expect(operations).toHaveLength(1);
  const http = finished
    .filter((span) => span.name.startsWith("HTTP "))
    .sort((a, b) => a.startTime[1] - b.startTime[1] || a.startTime[0] - b.startTime[0]);
  expect(finished).toHaveLength(1 + http.length);
  return { operation: operations[0]!, http };
}

/** Checks the HTTP span of one attempt against the request the emulator's proxy received. */
function expectHttpSpan(
  span: ReadableSpan,
  operation: ReadableSpan,
  method: string,
  path: string,
  status: number,
  received = proxy.received.at(-1)!,
): void {
  expect(span.name).toBe(`HTTP ${method}`);
  expect(span.kind).toBe(SpanKind.CLIENT);
  expect(span.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
  expect(span.spanContext().traceId).toBe(operation.spanContext().traceId);
  expect(span.instrumentationScope.name).toBe("@azure/core-rest-pipeline");
  expect(span.attributes).toStrictEqual({
    "http.url": `${proxy.endpoint}${path}`,
    "http.method": method,
    "http.user_agent": received.headers["user-agent"],
    requestId: received.headers["x-ms-client-request-id"],
    "az.namespace": "Microsoft.Communication",
    "http.status_code": status,
  });
  expect(span.status).toStrictEqual(status >= 400 ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.UNSET });
  expect(received.headers["traceparent"]).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
}

describe("every operation opens a span named as the official client's, the HTTP span its child", () => {
  const API = "?api-version=2023-10-01";
  const TEAMS_PATH = `/access/teamsExtension/tenants/${TENANT_ID}/assignments/${OBJECT_ID}`;
  it.each([
    ["createUser", "createUser", "POST", () => "/identities" + API, async () => void (await client.createUser())],
    [
      "createUserAndToken",
      "createUserAndToken",
      "POST",
      () => "/identities" + API,
      async () => void (await client.createUserAndToken(["chat"])),
    ],
    [
      "issueToken",
      "issueToken",
      "POST",
      (id: string) => `/identities/${encodeURIComponent(id)}/:issueAccessToken${API}`,
      (id: string) => client.issueToken(id, ["chat"]),
    ],
    [
      "getToken",
      "issueToken",
      "POST",
      (id: string) => `/identities/${encodeURIComponent(id)}/:issueAccessToken${API}`,
      (id: string) => client.getToken({ communicationUserId: id }, ["voip"]),
    ],
    [
      "revokeTokens",
      "revokeTokens",
      "POST",
      (id: string) => `/identities/${encodeURIComponent(id)}/:revokeAccessTokens${API}`,
      (id: string) => client.revokeTokens(id),
    ],
    [
      "deleteUser",
      "deleteUser",
      "DELETE",
      (id: string) => `/identities/${encodeURIComponent(id)}${API}`,
      (id: string) => client.deleteUser(id),
    ],
    [
      "getUser",
      "getUser",
      "GET",
      (id: string) => `/identities/${encodeURIComponent(id)}?api-version=2025-03-02-preview`,
      (id: string) => preview.getUser(id),
    ],
    [
      "getUserDetail",
      "getUser",
      "GET",
      (id: string) => `/identities/${encodeURIComponent(id)}?api-version=2025-03-02-preview`,
      (id: string) => preview.getUserDetail({ communicationUserId: id }),
    ],
    [
      "getTokenForTeamsUser",
      "getTokenForTeamsUser",
      "POST",
      () => `/teamsUser/:exchangeAccessToken${API}`,
      () =>
        client.getTokenForTeamsUser({ teamsUserAadToken: teamsUserToken(), clientId: TEAMS_APP_ID, userObjectId: TEAMS_USER_OBJECT_ID }),
    ],
    [
      "getTeamsExtensionAssignment",
      "getTeamsExtensionAssignment",
      "GET",
      () => `${TEAMS_PATH}?api-version=2025-03-02-preview`,
      () => preview.getTeamsExtensionAssignment(TENANT_ID, OBJECT_ID),
    ],
    [
      "setTeamsExtensionAssignment",
      "setTeamsExtensionAssignment",
      "PUT",
      () => `${TEAMS_PATH}?api-version=2025-03-02-preview`,
      () => preview.setTeamsExtensionAssignment(TENANT_ID, OBJECT_ID, { principalType: "resourceAccount" }),
    ],
    [
      "deleteTeamsExtensionAssignment",
      "deleteTeamsExtensionAssignment",
      "DELETE",
      () => `${TEAMS_PATH}?api-version=2025-03-02-preview`,
      () => preview.deleteTeamsExtensionAssignment(TENANT_ID, OBJECT_ID),
    ],
    [
      "listEntraAssignments",
      "listEntraAssignments",
      "GET",
      () => "/access/entra/assignments?api-version=2025-03-02-preview",
      async () => {
        for await (const assignment of preview.listEntraAssignments()) expect(assignment.tenantId).toBe(TENANT_ID);
      },
    ],
    [
      "getEntraAssignment",
      "getEntraAssignment",
      "GET",
      () => `/access/entra/assignments/${OBJECT_ID}?api-version=2025-03-02-preview`,
      () => preview.getEntraAssignment(OBJECT_ID),
    ],
    [
      "setEntraAssignment",
      "setEntraAssignment",
      "PUT",
      () => `/access/entra/assignments/${OBJECT_ID}?api-version=2025-03-02-preview`,
      () => preview.setEntraAssignment(OBJECT_ID, { tenantId: TENANT_ID, principalType: "user", clientIds: [CLIENT_ID] }),
    ],
    [
      "deleteEntraAssignment",
      "deleteEntraAssignment",
      "DELETE",
      () => `/access/entra/assignments/${OBJECT_ID}?api-version=2025-03-02-preview`,
      () => preview.deleteEntraAssignment(OBJECT_ID),
    ],
    [
      "updateEntraAssignments",
      "updateEntraAssignments",
      "PATCH",
      () => "/access/entra/assignments?api-version=2025-03-02-preview",
      () => preview.updateEntraAssignments({ [OBJECT_ID]: null }),
    ],
  ] as const)("%s: CommunicationIdentity-%s", async (_method, spanName, httpMethod, path, call) => {
    const { communicationUserId: id } = await new CommunicationIdentityClient(emulator.connectionString).createUser();
    exporter.reset();
    await call(id);
    const { operation, http } = spans();
    expect(operation.name).toBe(`CommunicationIdentity-${spanName}`);
    expect(operation.kind).toBe(SpanKind.INTERNAL);
    expect(operation.attributes).toStrictEqual(NAMESPACE);
    expect(operation.status).toStrictEqual({ code: SpanStatusCode.UNSET });
    expect(operation.parentSpanContext).toBeUndefined();
    expect(operation.instrumentationScope).toStrictEqual(SCOPE);
    expect(http).toHaveLength(1);
    const status = {
      POST: spanName === "createUser" || spanName === "createUserAndToken" ? 201 : spanName === "revokeTokens" ? 204 : 200,
      GET: 200,
      DELETE: 204,
      PUT: 201,
      PATCH: 200,
    }[httpMethod];
    expectHttpSpan(http[0]!, operation, httpMethod, path(id), status);
  });
});

describe("paging", () => {
  it("each page of listEntraAssignments has its own CommunicationIdentity-listEntraAssignments span, its HTTP span a child", async () => {
    // The emulator's own list would do; the proxy answers with three pages instead, so that the test needs no assignments stored.
    const pages = [
      "/access/entra/assignments?api-version=2025-03-02-preview",
      "/access/entra/assignments?page=2&api-version=2025-03-02-preview",
      "/access/entra/assignments?page=3&api-version=2025-03-02-preview",
    ];
    const paged = await startRecordingProxy(emulator.endpoint, ({ path }) => {
      const next = pages.indexOf(path) + 1;
      const nextLink = next < pages.length ? `assignments?page=${next + 1}` : undefined;
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ value: [], nextLink }) };
    });
    try {
      const client = new CommunicationIdentityClient(`endpoint=${paged.endpoint}/;accesskey=${emulator.accessKey}`, {
        apiVersion: "2025-03-02-preview",
      });
      const parent = trace.getTracer("app").startSpan("app-request");
      const tracingOptions = { tracingContext: trace.setSpan(context.active(), parent) };
      for await (const page of client.listEntraAssignments({ tracingOptions }).byPage()) expect([...page]).toStrictEqual([]);
      parent.end();
      const finished = exporter.getFinishedSpans().filter((span) => span.instrumentationScope.name !== "app");
      const operations = finished.filter((span) => span.name.startsWith("CommunicationIdentity-"));
      expect(operations.map((span) => span.name)).toStrictEqual(Array(3).fill("CommunicationIdentity-listEntraAssignments"));
      expect(paged.received.map(({ path }) => path)).toStrictEqual(pages);
      for (const [index, operation] of operations.entries()) {
        expect(operation.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
        expect(operation.status).toStrictEqual({ code: SpanStatusCode.UNSET });
        const http = finished.filter((span) => span.parentSpanContext?.spanId === operation.spanContext().spanId);
        expect(http.map((span) => span.attributes["http.url"])).toStrictEqual([
          // The pipeline's tracing policy redacts query parameters it does not know, as in its logs.
          `${paged.endpoint}${pages[index]!.replace(/page=\d/, "page=REDACTED")}`,
        ]);
        expect(paged.received[index]!.headers["traceparent"]).toBe(
          `00-${http[0]!.spanContext().traceId}-${http[0]!.spanContext().spanId}-01`,
        );
      }
    } finally {
      await paged.close();
    }
  });
});

describe("the operation span's parent", () => {
  it("is the span in tracingOptions.tracingContext", async () => {
    const parent = trace.getTracer("app").startSpan("app-request");
    await client.createUser({ tracingOptions: { tracingContext: trace.setSpan(context.active(), parent) } });
    parent.end();
    const { operation, http } = spans();
    expect(operation.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(operation.spanContext().traceId).toBe(parent.spanContext().traceId);
    expectHttpSpan(http[0]!, operation, "POST", "/identities?api-version=2023-10-01", 201);
  });

  it("is the active span when tracingOptions names none", async () => {
    const parent = await trace.getTracer("app").startActiveSpan("app-request", async (span) => {
      await client.issueToken((await client.createUser()).communicationUserId, ["chat"]);
      span.end();
      return span;
    });
    const operations = exporter.getFinishedSpans().filter((span) => span.name.startsWith("CommunicationIdentity-"));
    expect(operations.map((span) => span.name)).toStrictEqual(["CommunicationIdentity-createUser", "CommunicationIdentity-issueToken"]);
    for (const operation of operations) expect(operation.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });
});

describe("failures and retries", () => {
  it("a failed call ends both spans with error status, the service's message on the operation span", async () => {
    const unknown = `8:acs:${emulator.resourceId}_00000000-0000-0000-0000-000000000000`;
    const error = (await client.revokeTokens(unknown).catch((caught: unknown) => caught)) as Error & { statusCode: number };
    expect(error.statusCode).toBe(401);
    const { operation, http } = spans();
    expect(operation.name).toBe("CommunicationIdentity-revokeTokens");
    expect(operation.status).toStrictEqual({ code: SpanStatusCode.ERROR, message: `RestError: ${error.message}` });
    expect(http).toHaveLength(1);
    expectHttpSpan(
      http[0]!,
      operation,
      "POST",
      `/identities/${encodeURIComponent(unknown)}/:revokeAccessTokens?api-version=2023-10-01`,
      401,
    );
  });

  it("each attempt has its own HTTP span, a child of the one operation span, and its own traceparent", async () => {
    emulator.faults.add({ status: 503, retryAfterMs: 1, count: 1, operation: "createUser" });
    await client.createUserAndToken(["voip"]);
    const { operation, http } = spans();
    expect(operation.status).toStrictEqual({ code: SpanStatusCode.UNSET });
    expect(http).toHaveLength(2);
    expect(proxy.received).toHaveLength(2);
    expectHttpSpan(http[0]!, operation, "POST", "/identities?api-version=2023-10-01", 503, proxy.received[0]);
    expectHttpSpan(http[1]!, operation, "POST", "/identities?api-version=2023-10-01", 201, proxy.received[1]);
    expect(http[0]!.spanContext().spanId).not.toBe(http[1]!.spanContext().spanId);
  });

  it("a call refused before sending opens no span", async () => {
    await expect(client.createUserAndToken([])).rejects.toThrow(RangeError);
    expect(exporter.getFinishedSpans()).toStrictEqual([]);
    expect(proxy.received).toStrictEqual([]);
  });
});
