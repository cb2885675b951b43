// Code written for @azure/communication-identity, typed with its own types and core-client's,
// must compile against this client with only the import changed (tsconfig.test.json type-checks
// this file) and run: every option the official client's options and operations accept is used
// here, and the run checks the ones that have an effect.
import { Agent } from "node:http";
import type {
  CommunicationIdentityClientOptions as OfficialClientOptions,
  CreateUserAndTokenOptions as OfficialCreateUserAndTokenOptions,
  GetTokenForTeamsUserOptions as OfficialTeamsOptions,
  GetTokenOptions as OfficialGetTokenOptions,
  TokenScope as OfficialTokenScope,
} from "@azure/communication-identity";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type {
  AdditionalPolicyConfig,
  FullOperationResponse,
  OperationOptions as OfficialOperationOptions,
  RawResponseCallback,
} from "@azure/core-client";
import { createDefaultHttpClient, type PipelinePolicy, type PipelineResponse } from "@azure/core-rest-pipeline";
import { context } from "@opentelemetry/api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CommunicationIdentityClient, type OperationOptions } from "../src/index.js";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { teamsUserToken, TEAMS_APP_ID, TEAMS_USER_OBJECT_ID } from "./helpers/jwt.js";
import { startRecordingProxy, type RecordingProxy } from "./helpers/recordingProxy.js";

let emulator: Emulator;
let proxy: RecordingProxy;

beforeAll(async () => {
  emulator = await startEmulator({ resourceId: "00000000-0000-0000-0000-00000000cafe" });
  proxy = await startRecordingProxy(emulator.endpoint);
});
afterAll(async () => {
  await proxy.close();
  await emulator.close();
});

it("options written for the official client compile and are honoured", async () => {
  const perCall: string[] = [];
  const countCalls: PipelinePolicy = { name: "countCalls", sendRequest: (request, next) => (perCall.push(request.method), next(request)) };
  const additionalPolicies: AdditionalPolicyConfig[] = [{ policy: countCalls, position: "perCall" }];
  const responses: FullOperationResponse[] = [];
  const onResponse: RawResponseCallback = (rawResponse, _flatResponse, error) => {
    if (error === undefined) responses.push(rawResponse);
  };
  // Literals, as migrating code writes them, so that TypeScript checks every property name.
  const client = new CommunicationIdentityClient(`endpoint=${proxy.endpoint}/;accesskey=${emulator.accessKey}`, {
    retryOptions: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 10 },
    proxyOptions: { host: "http://127.0.0.1", port: Number(new URL(proxy.endpoint).port) },
    agent: new Agent({ keepAlive: false }),
    tlsOptions: {},
    redirectOptions: { maxRetries: 1 },
    userAgentOptions: { userAgentPrefix: "migrated/1" },
    telemetryOptions: { clientRequestIdHeaderName: "x-migrated-request-id" },
    httpClient: createDefaultHttpClient(),
    allowInsecureConnection: true,
    additionalPolicies,
  });
  // `satisfies` checks every property name against this client's type, as a literal in the call
  // would; the assignment below proves the same object is one of core-client's OperationOptions.
  const operationOptions = {
    abortSignal: new AbortController().signal,
    requestOptions: {
      customHeaders: { "x-migrated": "yes" },
      timeout: 10_000,
      onUploadProgress: () => undefined,
      onDownloadProgress: () => undefined,
      shouldDeserialize: (response: PipelineResponse) => response.status !== 204,
      allowInsecureConnection: true,
    },
    tracingOptions: { tracingContext: context.active() },
    serializerOptions: { xml: { includeRoot: true, rootName: "r", xmlCharKey: "_" }, ignoreUnknownProperties: true },
    onResponse,
  } satisfies OperationOptions;
  const official: OfficialOperationOptions = operationOptions;
  const user: CommunicationUserIdentifier = await client.createUser(official);
  const scopes: OfficialTokenScope[] = ["chat", "voip"];
  const { expiresOn } = await client.getToken(user, scopes, { ...operationOptions, tokenExpiresInMinutes: 60 });
  const both = await client.createUserAndToken(scopes, { ...operationOptions, tokenExpiresInMinutes: 120 });
  await client.getTokenForTeamsUser({
    ...operationOptions,
    teamsUserAadToken: teamsUserToken(),
    clientId: TEAMS_APP_ID,
    userObjectId: TEAMS_USER_OBJECT_ID,
  });
  await client.revokeTokens(user, operationOptions);
  await client.deleteUser(both.user, operationOptions);

  expect(Math.round((expiresOn.getTime() - Date.now()) / 60_000)).toBe(60);
  expect(Math.round((both.expiresOn.getTime() - Date.now()) / 60_000)).toBe(120);
  expect(responses.map(({ status }) => status)).toStrictEqual([201, 200, 201, 200, 204, 204]);
  expect(perCall).toStrictEqual(["POST", "POST", "POST", "POST", "POST", "DELETE"]);
  expect(proxy.received).toHaveLength(6);
  for (const { headers } of proxy.received) {
    expect(headers["x-migrated"]).toBe("yes");
    expect(headers["user-agent"]).toMatch(/^migrated\/1 acs-identity\/0\.1\.0 /);
    expect(headers["x-migrated-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  }
});

it("option objects typed with the official types are accepted as they are", async () => {
  const clientOptions: OfficialClientOptions = { retryOptions: { maxRetries: 0 }, allowInsecureConnection: true, additionalPolicies: [] };
  const operation: OfficialOperationOptions = { tracingOptions: {}, requestOptions: { timeout: 5_000 } };
  const getTokenOptions: OfficialGetTokenOptions = { ...operation, tokenExpiresInMinutes: 90 };
  const createOptions: OfficialCreateUserAndTokenOptions = { ...operation, tokenExpiresInMinutes: 90 };
  const client = new CommunicationIdentityClient(emulator.connectionString, clientOptions);
  const { user } = await client.createUserAndToken(["voip"], createOptions);
  const { expiresOn } = await client.getToken(user, ["chat"], getTokenOptions);
  expect(Math.round((expiresOn.getTime() - Date.now()) / 60_000)).toBe(90);
  const teams: OfficialTeamsOptions = {
    ...operation,
    teamsUserAadToken: "opaque",
    clientId: TEAMS_APP_ID,
    userObjectId: TEAMS_USER_OBJECT_ID,
  };
  await expect(client.getTokenForTeamsUser(teams)).rejects.toMatchObject({ statusCode: 401 });
  await client.deleteUser(user, operation);
});
