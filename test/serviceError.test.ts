// serviceError: the exact message of each failure, and each hint where it applies and nowhere else.
import { createHttpHeaders, createPipelineRequest, RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { markNotRepeatable } from "../src/transport/retryPolicy.js";
import { serviceError, serviceErrorCode } from "../src/client/serviceError.js";

const NOW = Date.parse("Mon, 01 Jan 2024 12:00:00 GMT");
const IDENTITIES = "https://contoso.communication.azure.com/identities?api-version=2023-10-01";
const TEAMS = "https://contoso.communication.azure.com/teamsUser/:exchangeAccessToken?api-version=2023-10-01";

interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  url?: string;
  authorization?: string;
  notRepeatable?: boolean;
}

function response({ status, body, headers = {}, url = IDENTITIES, authorization, notRepeatable }: Answer): PipelineResponse {
  const request = createPipelineRequest({ url, method: "POST" });
  if (authorization !== undefined) request.headers.set("authorization", authorization);
  if (notRepeatable) markNotRepeatable(request);
  return { request, status, headers: createHttpHeaders(headers), bodyAsText: body };
}

const serviceBody = (code: string, message: string) => JSON.stringify({ error: { code, message } });
const messageOf = (answer: Answer) => serviceError(response(answer), NOW).message;

const HINTS = {
  teams: " Check that teamsUserAadToken is a current Microsoft Entra access token of the Teams user, issued for Communication Services.",
  notOwned: " Check the user id: the user was deleted, or belongs to another resource than this endpoint's.",
  entra:
    " Check that the TokenCredential signs in to the tenant of this endpoint's resource, and that its identity has a role on the resource (such as Contributor).",
  key: " Check that the access key belongs to this endpoint's resource, and that the machine's clock is right.",
  created:
    " The identity may or may not have been created; it was not retried, because this api-version may not honour Repeatability-Request-ID and a retry could create a second identity.",
  endpoint: " Check the endpoint: it should be https://<resource>.communication.azure.com.",
};

describe("serviceError: the error's fields", () => {
  it("carries the service's code and message, the status, the request and response, and the details", () => {
    const answer = response({
      status: 400,
      body: JSON.stringify({ error: { code: "ValidationError", message: "Bad scope.", target: "scopes", details: [] } }),
      headers: { "ms-cv": "abc.1" },
    });
    const error = serviceError(answer, NOW);
    expect(error).toBeInstanceOf(RestError);
    expect(error.message).toBe("Bad scope.");
    expect(error.code).toBe("ValidationError");
    expect(error.statusCode).toBe(400);
    expect(error.request).toBe(answer.request);
    expect(error.response).toBe(answer);
    expect(error.details).toStrictEqual({
      error: { code: "ValidationError", message: "Bad scope.", target: "scopes", details: [] },
      correlationVector: "abc.1",
      clientRequestId: answer.request.requestId,
    });
  });

  it("without a body: no code, no error object, no correlation vector", () => {
    const answer = response({ status: 500 });
    const error = serviceError(answer, NOW);
    expect(error.code).toBeUndefined();
    expect(error.details).toStrictEqual({ error: undefined, correlationVector: undefined, clientRequestId: answer.request.requestId });
  });

  it.each([
    ["null", "null"],
    ["a string error", JSON.stringify({ error: "broken" })],
    ["a null error", JSON.stringify({ error: null })],
    ["not JSON", "<html>oops</html>"],
    ["an array", "[1]"],
  ])("a body with %s has no error object", (_what, body) => {
    const error = serviceError(response({ status: 400, body, headers: { "content-type": "text/plain" } }), NOW);
    expect((error.details as { error: unknown }).error).toBeUndefined();
    expect(error.message).toBe("The service answered 400 (text/plain) without error details: a proxy or gateway may have answered.");
  });

  it("an error object with an empty message falls back to the status", () => {
    expect(messageOf({ status: 400, body: serviceBody("Oops", "") })).toBe(
      "The service answered 400 (untyped) without error details: a proxy or gateway may have answered.",
    );
  });

  it("serviceErrorCode reads error.code, or undefined", () => {
    expect(serviceErrorCode(response({ status: 409, body: serviceBody("Conflict", "x") }))).toBe("Conflict");
    expect(serviceErrorCode(response({ status: 409, body: "{}" }))).toBeUndefined();
    expect(serviceErrorCode(response({ status: 409 }))).toBeUndefined();
  });
});

describe("serviceError: the status message of a failure without the service's error", () => {
  it.each([
    [500, "The service answered 500 Internal Server Error without error details."],
    [502, "The service answered 502 Bad Gateway without error details."],
    [503, "The service answered 503 Service Unavailable without error details."],
    [504, "The service answered 504 Gateway Timeout without error details."],
    [418, "The service answered 418 without error details."],
    [501, "The service answered 501 without error details."],
  ])("%i with an empty body: %s", (status, message) => {
    expect(messageOf({ status, body: "" })).toBe(message);
  });

  it("names the body's media type without its parameters, and blames a proxy", () => {
    expect(messageOf({ status: 502, body: "<html></html>", headers: { "content-type": "text/html; charset=utf-8" } })).toBe(
      "The service answered 502 Bad Gateway (text/html) without error details: a proxy or gateway may have answered.",
    );
  });

  it("a body without a content type is untyped", () => {
    expect(messageOf({ status: 504, body: "timeout" })).toBe(
      "The service answered 504 Gateway Timeout (untyped) without error details: a proxy or gateway may have answered.",
    );
    expect(messageOf({ status: 504, body: "timeout", headers: { "content-type": "" } })).toBe(
      "The service answered 504 Gateway Timeout (untyped) without error details: a proxy or gateway may have answered.",
    );
  });
});

describe("serviceError: hints, each where it applies", () => {
  it("a signed 401 with the service's Date 20 minutes ahead blames the clock", () => {
    const ahead = new Date(NOW + 20 * 60_000).toUTCString();
    expect(messageOf({ status: 401, body: serviceBody("Denied", "Denied."), headers: { date: ahead } })).toBe(
      "Denied. This machine's clock (Mon, 01 Jan 2024 12:00:00 GMT) is 20 minutes from the service's (Mon, 01 Jan 2024 12:20:00 GMT)," +
        " and signed requests are refused when they differ by more than 15 minutes: synchronise the clock (NTP).",
    );
  });

  it("a signed 401 with the service's Date 7.6 minutes behind rounds to 8 minutes", () => {
    const behind = new Date(NOW - 456_000).toUTCString();
    expect(messageOf({ status: 401, body: serviceBody("Denied", "Denied."), headers: { date: behind } })).toBe(
      "Denied. This machine's clock (Mon, 01 Jan 2024 12:00:00 GMT) is 8 minutes from the service's (Mon, 01 Jan 2024 11:52:24 GMT)," +
        " and signed requests are refused when they differ by more than 15 minutes: synchronise the clock (NTP).",
    );
  });

  it("a signed 401 with the service's Date 4 minutes off blames the key", () => {
    const close = new Date(NOW + 4 * 60_000).toUTCString();
    expect(messageOf({ status: 401, body: serviceBody("Denied", "Denied."), headers: { date: close } })).toBe(`Denied.${HINTS.key}`);
  });

  it("a bearer 401 never blames the clock: the credential's tenant and role", () => {
    const ahead = new Date(NOW + 20 * 60_000).toUTCString();
    expect(messageOf({ status: 401, body: serviceBody("Denied", "Denied."), headers: { date: ahead }, authorization: "Bearer abc" })).toBe(
      `Denied.${HINTS.entra}`,
    );
  });

  it("an HMAC authorization header is not a bearer one", () => {
    expect(
      messageOf({ status: 401, body: serviceBody("Denied", "Denied."), authorization: "HMAC-SHA256 SignedHeaders=x&Signature=y" }),
    ).toBe(`Denied.${HINTS.key}`);
  });

  it("401 on the Teams exchange: the Entra token", () => {
    expect(messageOf({ status: 401, body: serviceBody("InvalidAccessToken", "Token invalid."), url: TEAMS })).toBe(
      `Token invalid.${HINTS.teams}`,
    );
    expect(
      messageOf({ status: 401, body: serviceBody("InvalidAccessToken", "Token invalid."), url: TEAMS, authorization: "Bearer abc" }),
    ).toBe(`Token invalid.${HINTS.teams}`);
  });

  it.each([400, 403, 500])("%i on the Teams exchange has no hint", (status) => {
    expect(messageOf({ status, body: serviceBody("Whatever", "Refused."), url: TEAMS })).toBe("Refused.");
  });

  it("401 IdentityNotOwned: the user id, signed or with a bearer token", () => {
    const body = serviceBody("IdentityNotOwned", "Provided identity doesn't belong to the resource.");
    expect(messageOf({ status: 401, body })).toBe(`Provided identity doesn't belong to the resource.${HINTS.notOwned}`);
    expect(messageOf({ status: 401, body, authorization: "Bearer abc" })).toBe(
      `Provided identity doesn't belong to the resource.${HINTS.notOwned}`,
    );
  });

  it.each([403, 404])("IdentityNotOwned with %i has no hint", (status) => {
    expect(messageOf({ status, body: serviceBody("IdentityNotOwned", "Not yours.") })).toBe("Not yours.");
  });

  it("401 with another code, signed: the key and clock", () => {
    expect(messageOf({ status: 401, body: serviceBody("Denied", "Denied.") })).toBe(`Denied.${HINTS.key}`);
  });

  it.each([408, 500, 502, 503, 504, 599])("%i to a create that was not repeated: it may or may not exist", (status) => {
    expect(messageOf({ status, body: serviceBody("Oops", "Failed."), notRepeatable: true })).toBe(`Failed.${HINTS.created}`);
  });

  it.each([400, 404, 407, 409, 429, 499])("%i to a create that was not repeated has no such hint", (status) => {
    expect(messageOf({ status, body: serviceBody("Oops", "Failed."), notRepeatable: true })).toBe("Failed.");
  });

  it.each([408, 500, 503])("%i to a request that may be repeated has no hint", (status) => {
    expect(messageOf({ status, body: serviceBody("Oops", "Failed.") })).toBe("Failed.");
  });

  it("404 without the service's error: the endpoint", () => {
    expect(messageOf({ status: 404, body: "" })).toBe(`The service answered 404 without error details.${HINTS.endpoint}`);
    expect(messageOf({ status: 404, body: "Not Found", headers: { "content-type": "text/plain" } })).toBe(
      `The service answered 404 (text/plain) without error details: a proxy or gateway may have answered.${HINTS.endpoint}`,
    );
  });

  it("404 with the service's error has no hint", () => {
    expect(messageOf({ status: 404, body: serviceBody("IdentityNotFound", "No such identity.") })).toBe("No such identity.");
  });

  it.each([400, 403, 405, 409, 410])("%i without the service's error has no hint", (status) => {
    expect(messageOf({ status, body: "" })).toBe(`The service answered ${status} without error details.`);
  });
});

describe("serviceError: a 401 without the service's error", () => {
  it("signed: the status, then the key hint", () => {
    expect(messageOf({ status: 401, body: "" })).toBe(`The service answered 401 without error details.${HINTS.key}`);
  });

  it("with a bearer token: the status, then the Entra hint", () => {
    expect(messageOf({ status: 401, body: "", authorization: "Bearer abc" })).toBe(
      `The service answered 401 without error details.${HINTS.entra}`,
    );
  });
});

describe("serviceError: bearer requests that were not refused with 401", () => {
  it.each([400, 403, 404, 500])("%i with a bearer token has no Entra hint", (status) => {
    expect(messageOf({ status, body: serviceBody("Oops", "Failed."), authorization: "Bearer abc" })).toBe("Failed.");
  });
});
