import { isRestError, RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { bodyOf, gate, stubHttpClient, type StubReply } from "./helpers/stubHttpClient.js";

const KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==";
const ENDPOINT = "https://contoso.communication.azure.com";
const CONNECTION_STRING = `endpoint=${ENDPOINT}/;accesskey=${KEY}`;
const PREVIEW = "2025-03-02-preview";
const USER_ID = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001";
const ENCODED_ID = "8%3Aacs%3A00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001";
const CREATED: StubReply = { status: 201, body: { identity: { id: USER_ID } } };
const CREATED_WITH_TOKEN: StubReply = {
  status: 201,
  body: { identity: { id: USER_ID }, accessToken: { token: "t", expiresOn: "2024-01-01T01:00:00.0000000+00:00" } },
};

function clientWith(reply: Parameters<typeof stubHttpClient>[0], apiVersion = PREVIEW) {
  const { httpClient, requests } = stubHttpClient(reply);
  const client = new CommunicationIdentityClient(CONNECTION_STRING, { apiVersion, httpClient, retryOptions: { maxRetries: 0 } });
  return { client, requests };
}

/** Lets the pipeline's asynchronous steps run, so a request that is going to be sent has been. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("custom ids", () => {
  it("createUser sends the customId in the body", async () => {
    const { client, requests } = clientWith(() => CREATED);
    expect(await client.createUser({ customId: "alice@contoso" })).toEqual({ communicationUserId: USER_ID });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe("POST");
    expect(requests[0]?.url).toBe(`${ENDPOINT}/identities?api-version=${PREVIEW}`);
    expect(bodyOf(requests[0])).toBe('{"customId":"alice@contoso"}');
  });

  it("createUser without a customId sends no body on the preview version, as the service's recordings show", async () => {
    const { client, requests } = clientWith(() => CREATED);
    await client.createUser();
    expect(requests[0]?.body).toBeUndefined();
    expect(requests[0]?.headers.has("content-type")).toBe(false);
  });

  it("createUserAndToken sends scopes, lifetime and customId", async () => {
    const { client, requests } = clientWith(() => CREATED_WITH_TOKEN);
    expect(await client.createUserAndToken(["chat", "voip"], { customId: "alice", tokenExpiresInMinutes: 60 })).toEqual({
      user: { communicationUserId: USER_ID },
      token: "t",
      expiresOn: new Date("2024-01-01T01:00:00.000Z"),
    });
    expect(requests[0]?.url).toBe(`${ENDPOINT}/identities?api-version=${PREVIEW}`);
    expect(bodyOf(requests[0])).toBe('{"createTokenWithScopes":["chat","voip"],"expiresInMinutes":60,"customId":"alice"}');
  });

  it.each([
    ["", RangeError, "customId must be 1 to 256 characters long; it is 0."],
    ["x".repeat(257), RangeError, "customId must be 1 to 256 characters long; it is 257."],
    [42, TypeError, "customId must be a string of 1 to 256 characters"],
    [null, TypeError, "customId must be a string of 1 to 256 characters"],
  ])("refuses the customId %j before any request", async (customId, errorClass, message) => {
    const { client, requests } = clientWith(() => CREATED);
    await expect(client.createUser({ customId: customId as string })).rejects.toThrow(errorClass);
    await expect(client.createUser({ customId: customId as string })).rejects.toThrow(message);
    await expect(client.createUserAndToken(["chat"], { customId: customId as string })).rejects.toThrow(errorClass);
    expect(requests).toHaveLength(0);
  });

  it("accepts a customId of exactly 256 characters", async () => {
    const { client, requests } = clientWith(() => CREATED);
    await client.createUser({ customId: "x".repeat(256) });
    expect(bodyOf(requests[0])).toBe(`{"customId":"${"x".repeat(256)}"}`);
  });
});

describe("getUser", () => {
  it("GETs the identity and maps customId and lastTokenIssuedAt", async () => {
    const body = { id: USER_ID, customId: "alice", lastTokenIssuedAt: "2024-01-01T10:00:00.1234567+00:00" };
    const { client, requests } = clientWith(() => ({ status: 200, body }));
    expect(await client.getUser({ communicationUserId: USER_ID })).toEqual({
      user: { communicationUserId: USER_ID },
      customId: "alice",
      lastTokenIssuedAt: new Date("2024-01-01T10:00:00.123Z"),
    });
    expect(requests[0]?.method).toBe("GET");
    expect(requests[0]?.url).toBe(`${ENDPOINT}/identities/${ENCODED_ID}?api-version=${PREVIEW}`);
    expect(requests[0]?.body).toBeUndefined();
  });

  it("leaves out what the service does not report", async () => {
    const { client } = clientWith(() => ({ status: 200, body: { id: USER_ID } }));
    expect(await client.getUser(USER_ID)).toEqual({ user: { communicationUserId: USER_ID } });
  });

  it("fails loudly on a lastTokenIssuedAt that is not a timestamp", async () => {
    const { client } = clientWith(() => ({ status: 200, body: { id: USER_ID, lastTokenIssuedAt: "yesterday" } }));
    const error: unknown = await client.getUser(USER_ID).catch((caught: unknown) => caught);
    expect(isRestError(error) && error.code).toBe(RestError.PARSE_ERROR);
    expect((error as Error).message).toBe(
      "The service answered 200 with a lastTokenIssuedAt that is not a timestamp; this client cannot read it.",
    );
  });

  it("passes on a 404 as a RestError", async () => {
    const { client } = clientWith(() => ({ status: 404, body: { error: { code: "IdentityNotFound", message: "Identity not found." } } }));
    const error: unknown = await client.getUser(USER_ID).catch((caught: unknown) => caught);
    expect(isRestError(error) && [error.statusCode, error.code]).toEqual([404, "IdentityNotFound"]);
  });
});

describe("versions without custom ids", () => {
  const message = `needs api-version ${PREVIEW} (or 2025-06-30), but this client uses 2023-10-01: create the client with { apiVersion: "${PREVIEW}" }.`;

  it.each([
    ["createUser", (client: CommunicationIdentityClient) => client.createUser({ customId: "alice" }), `customId ${message}`],
    [
      "createUserAndToken",
      (client: CommunicationIdentityClient) => client.createUserAndToken(["chat"], { customId: "alice" }),
      `customId ${message}`,
    ],
    ["getUser", (client: CommunicationIdentityClient) => client.getUser(USER_ID), `getUser ${message}`],
  ])("%s throws a RangeError naming the version to choose, before any request", async (_, call, expected) => {
    const { client, requests } = clientWith(() => CREATED, "2023-10-01");
    await expect(call(client)).rejects.toThrow(new RangeError(expected));
    expect(requests).toHaveLength(0);
  });

  it("carries the service's 400 ValidationError", async () => {
    const { client } = clientWith(() => CREATED, "2023-10-01");
    await expect(client.getUser(USER_ID)).rejects.toMatchObject({ statusCode: 400, code: "ValidationError" });
  });

  it("sends on 2025-06-30 too, whose published REST specification documented custom ids and GET /identities/{id}", async () => {
    const { client, requests } = clientWith(() => CREATED, "2025-06-30");
    await client.createUser({ customId: "alice" });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe(`${ENDPOINT}/identities?api-version=2025-06-30`);
  });

  it("still creates users without a customId", async () => {
    const { client, requests } = clientWith(() => CREATED, "2023-10-01");
    await client.createUser({});
    expect(requests).toHaveLength(1);
  });
});

describe("coalescing creates with the same customId", () => {
  it("sends one request for concurrent identical creates, and both get the same user", async () => {
    const held = gate();
    const { client, requests } = clientWith(async () => {
      await held.promise;
      return CREATED;
    });
    const first = client.createUser({ customId: "alice" });
    const second = client.createUser({ customId: "alice" });
    await quiet();
    expect(requests).toHaveLength(1);
    held.open();
    expect(await first).toEqual({ communicationUserId: USER_ID });
    expect(await second).toEqual({ communicationUserId: USER_ID });
    expect(requests).toHaveLength(1);
  });

  it("forgets a create once it settled: the next create sends again", async () => {
    const { client, requests } = clientWith(() => CREATED);
    await Promise.all([client.createUser({ customId: "alice" }), client.createUser({ customId: "alice" })]);
    await client.createUser({ customId: "alice" });
    expect(requests).toHaveLength(2);
  });

  it("shares a failure with every caller, then lets a new create try again", async () => {
    let answer: StubReply = { status: 400, body: { error: { code: "ValidationError", message: "Bad customId." } } };
    const { client, requests } = clientWith(() => answer);
    const results = await Promise.allSettled([client.createUser({ customId: "alice" }), client.createUser({ customId: "alice" })]);
    expect(results.map((result) => result.status === "rejected" && (result.reason as RestError).code)).toEqual([
      "ValidationError",
      "ValidationError",
    ]);
    expect(requests).toHaveLength(1);
    answer = CREATED;
    expect(await client.createUser({ customId: "alice" })).toEqual({ communicationUserId: USER_ID });
  });

  it("sends creates with different customIds in parallel", async () => {
    const held = gate();
    const { client, requests } = clientWith(async () => {
      await held.promise;
      return CREATED;
    });
    const creates = [client.createUser({ customId: "alice" }), client.createUser({ customId: "bob" })];
    await quiet();
    expect(requests.map(bodyOf)).toEqual(['{"customId":"alice"}', '{"customId":"bob"}']);
    held.open();
    await Promise.all(creates);
  });

  it("does not coalesce creates without a customId", async () => {
    const { client, requests } = clientWith(() => CREATED);
    await Promise.all([client.createUser(), client.createUser()]);
    expect(requests).toHaveLength(2);
  });

  it("sends a different create for the same customId only after the first settled", async () => {
    const held = gate();
    const { client, requests } = clientWith(async (request) => {
      if (requests.length === 1) await held.promise;
      return bodyOf(request)?.includes("createTokenWithScopes") ? CREATED_WITH_TOKEN : CREATED;
    });
    const user = client.createUser({ customId: "alice" });
    const userAndToken = client.createUserAndToken(["chat"], { customId: "alice" });
    await quiet();
    expect(requests.map(bodyOf)).toEqual(['{"customId":"alice"}']);
    held.open();
    expect(await user).toEqual({ communicationUserId: USER_ID });
    expect((await userAndToken).user).toEqual({ communicationUserId: USER_ID });
    expect(requests.map(bodyOf)).toEqual(['{"customId":"alice"}', '{"createTokenWithScopes":["chat"],"customId":"alice"}']);
  });

  it("rejects only the caller that aborted; the shared request goes on", async () => {
    const held = gate();
    const { client, requests } = clientWith(async () => {
      await held.promise;
      return CREATED;
    });
    const controller = new AbortController();
    const aborted = client.createUser({ customId: "alice", abortSignal: controller.signal });
    const patient = client.createUser({ customId: "alice" });
    await quiet();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    expect(requests[0]?.abortSignal?.aborted ?? false).toBe(false);
    held.open();
    expect(await patient).toEqual({ communicationUserId: USER_ID });
    expect(requests).toHaveLength(1);
  });

  it("lets the shared request finish when every caller aborted, so a later create finds its identity", async () => {
    const held = gate();
    const { client, requests } = clientWith(async () => {
      if (requests.length === 1) await held.promise;
      return CREATED;
    });
    const controllers = [new AbortController(), new AbortController()];
    const calls = controllers.map((controller) => client.createUser({ customId: "alice", abortSignal: controller.signal }));
    await quiet();
    controllers.forEach((controller) => controller.abort());
    const results = await Promise.allSettled(calls);
    expect(results.map((result) => result.status === "rejected" && (result.reason as Error).name)).toEqual(["AbortError", "AbortError"]);
    expect(requests[0]?.abortSignal?.aborted ?? false).toBe(false);
    const later = client.createUser({ customId: "alice" });
    await quiet();
    expect(requests).toHaveLength(1);
    held.open();
    expect(await later).toEqual({ communicationUserId: USER_ID });
    expect(requests).toHaveLength(1);
  });

  it("sends nothing for a caller whose signal fired before the call", async () => {
    const { client, requests } = clientWith(() => CREATED);
    await expect(client.createUser({ customId: "alice", abortSignal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    expect(requests).toHaveLength(0);
  });
});
