// The success bodies the client reads: exact results (toStrictEqual: no field appears as undefined)
// and the exact error for each malformed body.
import { createHttpHeaders, createPipelineRequest, RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { parseTimestamp, toAccessToken, toUser, toUserDetails, toUserToken } from "../src/client/responses.js";

const ID = "8:acs:00000000-0000-0000-0000-000000000001_00000000-0000-0000-0000-000000000002";
const TOKEN = { token: "t.o.k", expiresOn: "2024-01-02T03:04:05.678+00:00" };
const EXPIRES = new Date("2024-01-02T03:04:05.678Z");

function answer(status: number, body: unknown): PipelineResponse {
  return {
    request: createPipelineRequest({ url: "https://contoso.communication.azure.com/identities" }),
    status,
    headers: createHttpHeaders(),
    bodyAsText: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** The error a reader throws, as its exact fields. */
function failure(read: (response: PipelineResponse) => unknown, response: PipelineResponse) {
  try {
    read(response);
  } catch (error) {
    expect(error).toBeInstanceOf(RestError);
    const { message, code, statusCode, request } = error as RestError;
    expect(request).toBe(response.request);
    expect((error as RestError).response).toBe(response);
    return { message, code, statusCode };
  }
  throw new Error("expected the reader to throw");
}

const cannotRead = (status: number, what: string) => ({
  message: `The service answered ${status} with ${what}; this client cannot read it.`,
  code: "PARSE_ERROR",
  statusCode: status,
});

describe("well-formed bodies", () => {
  it("toUser", () => {
    expect(toUser(answer(201, { identity: { id: ID } }))).toStrictEqual({ communicationUserId: ID });
  });

  it("toAccessToken", () => {
    expect(toAccessToken(answer(200, TOKEN))).toStrictEqual({ token: "t.o.k", expiresOn: EXPIRES });
  });

  it("toUserToken", () => {
    expect(toUserToken(answer(201, { identity: { id: ID }, accessToken: TOKEN }))).toStrictEqual({
      user: { communicationUserId: ID },
      token: "t.o.k",
      expiresOn: EXPIRES,
    });
  });

  it("toUserDetails without customId or lastTokenIssuedAt has neither field", () => {
    expect(toUserDetails(answer(200, { id: ID }))).toStrictEqual({ user: { communicationUserId: ID } });
    expect(toUserDetails(answer(200, { id: ID, customId: null, lastTokenIssuedAt: null }))).toStrictEqual({
      user: { communicationUserId: ID },
    });
  });

  it("toUserDetails with both", () => {
    expect(toUserDetails(answer(200, { id: ID, customId: "alice", lastTokenIssuedAt: "2024-01-01T00:00:00Z" }))).toStrictEqual({
      user: { communicationUserId: ID },
      customId: "alice",
      lastTokenIssuedAt: new Date("2024-01-01T00:00:00.000Z"),
    });
  });

  it("toUserDetails keeps an empty customId and ignores a customId that is not text", () => {
    expect(toUserDetails(answer(200, { id: ID, customId: "" }))).toStrictEqual({ user: { communicationUserId: ID }, customId: "" });
    expect(toUserDetails(answer(200, { id: ID, customId: 7 }))).toStrictEqual({ user: { communicationUserId: ID } });
  });
});

describe("malformed bodies", () => {
  it.each([
    ["empty", ""],
    ["not JSON", "<html></html>"],
    ["JSON null", "null"],
    ["a JSON string", '"id"'],
    ["a JSON number", "42"],
  ])("%s is not a JSON object", (_what, body) => {
    for (const read of [toUser, toAccessToken, toUserToken, toUserDetails]) {
      expect(failure(read, answer(201, body))).toStrictEqual(cannotRead(201, "a body that is not a JSON object"));
    }
  });

  it("a body that is missing (undefined) is not a JSON object", () => {
    const response = { ...answer(200, ""), bodyAsText: undefined };
    expect(failure(toUser, response)).toStrictEqual(cannotRead(200, "a body that is not a JSON object"));
  });

  it.each([
    ["no identity", {}],
    ["a null identity", { identity: null }],
    ["an identity without id", { identity: {} }],
    ["an empty id", { identity: { id: "" } }],
    ["a numeric id", { identity: { id: 5 } }],
  ])("toUser with %s: an identity without an id", (_what, body) => {
    expect(failure(toUser, answer(201, body))).toStrictEqual(cannotRead(201, "an identity without an id"));
  });

  it("toUserDetails without id", () => {
    expect(failure(toUserDetails, answer(200, { customId: "alice" }))).toStrictEqual(cannotRead(200, "an identity without an id"));
  });

  it.each([
    ["no token", { expiresOn: TOKEN.expiresOn }],
    ["a numeric token", { token: 1, expiresOn: TOKEN.expiresOn }],
    ["no expiresOn", { token: "t" }],
    ["an expiresOn that is not a timestamp", { token: "t", expiresOn: "tomorrow" }],
  ])("toAccessToken with %s", (_what, body) => {
    expect(failure(toAccessToken, answer(200, body))).toStrictEqual(cannotRead(200, "an access token without a token or expiresOn"));
  });

  it.each([
    ["no accessToken", { identity: { id: ID } }],
    ["a null accessToken", { identity: { id: ID }, accessToken: null }],
    ["a string accessToken", { identity: { id: ID }, accessToken: "t" }],
  ])("toUserToken with %s", (_what, body) => {
    expect(failure(toUserToken, answer(201, body))).toStrictEqual(cannotRead(201, "an access token without a token or expiresOn"));
  });

  it("toUserToken without identity fails on the identity first", () => {
    expect(failure(toUserToken, answer(201, { accessToken: TOKEN }))).toStrictEqual(cannotRead(201, "an identity without an id"));
  });

  it.each([["yesterday"], [0], [true]])("toUserDetails with lastTokenIssuedAt %j", (value) => {
    expect(failure(toUserDetails, answer(200, { id: ID, lastTokenIssuedAt: value }))).toStrictEqual(
      cannotRead(200, "a lastTokenIssuedAt that is not a timestamp"),
    );
  });
});

describe("parseTimestamp edges", () => {
  it.each([
    ["2023-10-10t21:39:39z", "2023-10-10T21:39:39.000Z"],
    ["2023-10-10T21:39:39.1Z", "2023-10-10T21:39:39.100Z"],
    ["2023-10-10T21:39:39.12Z", "2023-10-10T21:39:39.120Z"],
    ["2023-10-10T21:39:39.123Z", "2023-10-10T21:39:39.123Z"],
    ["2023-10-10T21:39:39.1239Z", "2023-10-10T21:39:39.123Z"],
    ["2023-10-10T21:39:39-00:30", "2023-10-10T22:09:39.000Z"],
  ])("%s is %s", (value, iso) => {
    expect(parseTimestamp(value)?.toISOString()).toBe(iso);
  });

  it.each([
    " 2023-10-10T21:39:39Z",
    "2023-10-10T21:39:39Z ",
    "12023-10-10T21:39:39Z",
    "2023-10-10T21:39:39.Z",
    "2023-10-10T21:39:39.5",
    "2023-10-10T21:39:39+0000",
    "2023-10-10T21:39:39*00:00",
    "2023-10-10 21:39:39Z",
    "2023-1-10T21:39:39Z",
    "2023-10-1T21:39:39Z",
    "2023-10-10T1:39:39Z",
    "2023-10-10T21:9:39Z",
    "2023-10-10T21:39:9Z",
    "2023-10-10T21:39:39+0:00",
    "2023-10-10T21:39:39+00:0",
    "2023-10-10T21:39:39.aZ",
    "2023-10-10T25:39:39Z",
  ])("refuses %s", (value) => {
    expect(parseTimestamp(value)).toBeUndefined();
  });
});

describe("timestamps that are not text", () => {
  it("an array holding a timestamp is not one", () => {
    expect(parseTimestamp(["2023-10-10T21:39:39Z"])).toBeUndefined();
    expect(failure(toUserDetails, answer(200, { id: ID, lastTokenIssuedAt: ["2023-10-10T21:39:39Z"] }))).toStrictEqual(
      cannotRead(200, "a lastTokenIssuedAt that is not a timestamp"),
    );
    expect(failure(toAccessToken, answer(200, { token: "t", expiresOn: [TOKEN.expiresOn] }))).toStrictEqual(
      cannotRead(200, "an access token without a token or expiresOn"),
    );
  });
});
