import { inspect } from "node:util";
import { AzureKeyCredential, type TokenCredential } from "@azure/core-auth";
import { isRestError, type RestError } from "@azure/core-rest-pipeline";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";

const KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==";
const ENDPOINT = "https://contoso.communication.azure.com";
const CONNECTION_STRING = `endpoint=${ENDPOINT}/;accesskey=${KEY}`;
const USER_ID = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001";
const ENCODED_ID = "8%3Aacs%3A00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001";
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJza3lwZWlkIjoiYWNzIn0.c2lnbmF0dXJl";
const EXPIRES_ON = "2023-10-10T21:39:39.3244584+00:00";

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function client(options = {}) {
  return new CommunicationIdentityClient(CONNECTION_STRING, { retryOptions: { maxRetries: 0 }, ...options });
}

/** Answers the next request with `status` and `body`, recording what was sent. */
function expectRequest(method: string, status: number, body?: unknown, headers: Record<string, string> = {}): Seen[] {
  const seen: Seen[] = [];
  nock(ENDPOINT)
    .intercept(() => true, method)
    .reply(function (path, requestBody) {
      seen.push({
        method: this.req.method,
        path,
        headers: this.req.headers,
        body: typeof requestBody === "string" ? requestBody : JSON.stringify(requestBody),
      });
      return [
        status,
        body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body),
        { "content-type": "application/json; charset=utf-8", ...headers },
      ];
    });
  return seen;
}

async function rejection(promise: Promise<unknown>): Promise<RestError> {
  try {
    await promise;
  } catch (error) {
    if (isRestError(error)) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

describe("operations send exactly what the service expects", () => {
  it("createUser posts no body (as the official client and the service's recordings) with signing and repeatability headers and maps the identity", async () => {
    const seen = expectRequest("POST", 201, { identity: { id: USER_ID } });
    expect(await client().createUser()).toEqual({ communicationUserId: USER_ID });
    const [request] = seen;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/identities?api-version=2023-10-01");
    expect(request!.body).toBe("");
    expect(request!.headers["content-length"]).toBe("0");
    expect(request!.headers["content-type"]).toBeUndefined();
    expect(request!.headers["accept"]).toBe("application/json");
    expect(request!.headers["host"]).toBe("contoso.communication.azure.com");
    expect(request!.headers["x-ms-content-sha256"]).toBe("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    expect(request!.headers["authorization"]).toMatch(
      /^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=[A-Za-z0-9+/]{43}=$/,
    );
    expect(Date.parse(String(request!.headers["x-ms-date"]))).toBeGreaterThan(Date.now() - 60_000);
    expect(request!.headers["repeatability-request-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(request!.headers["repeatability-first-sent"]).toBe(request!.headers["x-ms-date"]);
    expect(request!.headers["user-agent"]).toMatch(/^acs-identity\/0\.1\.0 /);
    expect(request!.headers["x-ms-client-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("issueToken posts scopes and lifetime to the encoded id and parses the 7-digit expiry", async () => {
    const seen = expectRequest("POST", 200, { token: TOKEN, expiresOn: EXPIRES_ON });
    const result = await client().issueToken({ communicationUserId: USER_ID }, ["chat", "voip"], { tokenExpiresInMinutes: 60 });
    expect(result).toEqual({ user: { communicationUserId: USER_ID }, token: TOKEN, expiresOn: new Date("2023-10-10T21:39:39.324Z") });
    expect(seen[0]!.path).toBe(`/identities/${ENCODED_ID}/:issueAccessToken?api-version=2023-10-01`);
    expect(seen[0]!.body).toBe('{"scopes":["chat","voip"],"expiresInMinutes":60}');
  });

  it("issueToken takes the id as a string and leaves the lifetime to the service by default", async () => {
    const seen = expectRequest("POST", 200, { token: TOKEN, expiresOn: "2024-01-02T00:00:00Z" });
    const result = await client().issueToken(USER_ID, ["chat"]);
    expect(result.expiresOn.toISOString()).toBe("2024-01-02T00:00:00.000Z");
    expect(seen[0]!.body).toBe('{"scopes":["chat"]}');
  });

  it("getToken is issueToken under the official client's name", async () => {
    const seen = expectRequest("POST", 200, { token: TOKEN, expiresOn: EXPIRES_ON });
    expect((await client().getToken(USER_ID, ["voip"], { tokenExpiresInMinutes: 1440 })).token).toBe(TOKEN);
    expect(seen[0]!.body).toBe('{"scopes":["voip"],"expiresInMinutes":1440}');
  });

  it("createUserAndToken posts createTokenWithScopes and maps both", async () => {
    const seen = expectRequest("POST", 201, { identity: { id: USER_ID }, accessToken: { token: TOKEN, expiresOn: EXPIRES_ON } });
    const result = await client().createUserAndToken(["chat.join", "voip.join"], { tokenExpiresInMinutes: 120 });
    expect(result).toEqual({ user: { communicationUserId: USER_ID }, token: TOKEN, expiresOn: new Date("2023-10-10T21:39:39.324Z") });
    expect(seen[0]!.path).toBe("/identities?api-version=2023-10-01");
    expect(seen[0]!.body).toBe('{"createTokenWithScopes":["chat.join","voip.join"],"expiresInMinutes":120}');
    expect(seen[0]!.headers["repeatability-request-id"]).toBeTypeOf("string");
  });

  it("revokeTokens posts to :revokeAccessTokens with no body", async () => {
    const seen = expectRequest("POST", 204);
    await expect(client().revokeTokens({ communicationUserId: USER_ID })).resolves.toBeUndefined();
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.path).toBe(`/identities/${ENCODED_ID}/:revokeAccessTokens?api-version=2023-10-01`);
    expect(seen[0]!.body).toBe("");
    expect(seen[0]!.headers["x-ms-content-sha256"]).toBe("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    expect(seen[0]!.headers["content-type"]).toBeUndefined();
  });

  it("deleteUser sends DELETE to the encoded id", async () => {
    const seen = expectRequest("DELETE", 204);
    await expect(client().deleteUser(USER_ID)).resolves.toBeUndefined();
    expect(seen[0]!.method).toBe("DELETE");
    expect(seen[0]!.path).toBe(`/identities/${ENCODED_ID}?api-version=2023-10-01`);
  });

  it("getTokenForTeamsUser posts token, appId and userId", async () => {
    const seen = expectRequest("POST", 200, { token: TOKEN, expiresOn: EXPIRES_ON });
    const result = await client().getTokenForTeamsUser({
      teamsUserAadToken: "opaque-entra-token",
      clientId: "app-1",
      userObjectId: "oid-1",
    });
    expect(result).toEqual({ token: TOKEN, expiresOn: new Date("2023-10-10T21:39:39.324Z") });
    expect(seen[0]!.path).toBe("/teamsUser/:exchangeAccessToken?api-version=2023-10-01");
    expect(seen[0]!.body).toBe('{"token":"opaque-entra-token","appId":"app-1","userId":"oid-1"}');
  });

  it("sends the chosen api-version and custom headers", async () => {
    const seen = expectRequest("POST", 201, { identity: { id: USER_ID } });
    await client({ apiVersion: "2025-06-30" }).createUser({ requestOptions: { customHeaders: { "x-test": "1" } } });
    expect(seen[0]!.path).toBe("/identities?api-version=2025-06-30");
    expect(seen[0]!.headers["x-test"]).toBe("1");
  });

  it("authenticates with a TokenCredential for the Communication scope", async () => {
    const scopes: Array<string | string[]> = [];
    const credential: TokenCredential = {
      async getToken(scope) {
        scopes.push(scope);
        return { token: "entra-token", expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const seen = expectRequest("POST", 201, { identity: { id: USER_ID } });
    await new CommunicationIdentityClient(ENDPOINT, credential).createUser();
    expect(seen[0]!.headers["authorization"]).toBe("Bearer entra-token");
    expect(seen[0]!.headers["x-ms-date"]).toBeUndefined();
    expect(scopes).toEqual(["https://communication.azure.com//.default"]);
  });

  it("authenticates with an endpoint and AzureKeyCredential", async () => {
    const seen = expectRequest("DELETE", 204);
    await new CommunicationIdentityClient(ENDPOINT, new AzureKeyCredential(KEY), { retryOptions: { maxRetries: 0 } }).deleteUser(USER_ID);
    expect(seen[0]!.headers["authorization"]).toMatch(/^HMAC-SHA256 /);
  });
});

describe("service failures reject with RestError", () => {
  it.each([
    [400, "InvalidScopes", "Invalid scopes - Scopes field is required."],
    [401, "Denied", "Denied by the resource provider."],
    [403, "Forbidden", "Forbidden."],
    [404, "NotFound", "Not found."],
    [429, "TooManyRequests", "Too many requests."],
    [500, "InternalError", "Something failed."],
  ])("%i carries the service's code and message", async (status, code, message) => {
    expectRequest("POST", status, { error: { code, message } }, { "ms-cv": "cv-123" });
    const error = await rejection(client().issueToken(USER_ID, ["chat"]));
    expect(error.statusCode).toBe(status);
    expect(error.code).toBe(code);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.details).toMatchObject({ error: { code, message }, correlationVector: "cv-123" });
    expect((error.details as { clientRequestId: string }).clientRequestId).toBe(error.request?.requestId);
  });

  it("explains a 401 Denied: key, clock", async () => {
    expectRequest("POST", 401, { error: { code: "Denied", message: "Denied by the resource provider." } });
    const error = await rejection(client().revokeTokens(USER_ID));
    expect(error.message).toBe(
      "Denied by the resource provider. Check that the access key belongs to this endpoint's resource, and that the machine's clock is right.",
    );
  });

  it("explains the service's 401 IdentityNotOwned: the user id, not the key", async () => {
    expectRequest("POST", 401, { error: { code: "IdentityNotOwned", message: "Provided identity doesn't belong to the resource." } });
    const error = await rejection(client().revokeTokens(USER_ID));
    expect(error.code).toBe("IdentityNotOwned");
    expect(error.message).toBe(
      "Provided identity doesn't belong to the resource. Check the user id: the user was deleted, or belongs to another resource than this endpoint's.",
    );
  });

  it("names both clocks when the 401 comes from skew, after retrying once with the service's clock", async () => {
    const serverDate = new Date(Date.now() + 20 * 60_000).toUTCString();
    expectRequest("POST", 401, { error: { code: "Denied", message: "Denied by the resource provider." } }, { date: serverDate });
    expectRequest("POST", 401, { error: { code: "Denied", message: "Denied by the resource provider." } }, { date: serverDate });
    const error = await rejection(client().createUser());
    expect(error.message).toContain(`is 20 minutes from the service's (${serverDate})`);
    expect(error.message).toContain("synchronise the clock");
  });

  it("gives the status, its reason and the body's type when the error body is not the service's JSON", async () => {
    expectRequest("POST", 502, "<html>Bad gateway</html>", { "content-type": "text/html; charset=utf-8" });
    const error = await rejection(client().createUser());
    expect(error.message).toBe(
      "The service answered 502 Bad Gateway (text/html) without error details: a proxy or gateway may have answered." +
        " The identity may or may not have been created; it was not retried, " +
        "because this api-version may not honour Repeatability-Request-ID and a retry could create a second identity.",
    );
    expect(error.statusCode).toBe(502);
    expect(error.code).toBeUndefined();
  });

  it("gives the status when the error body is empty", async () => {
    expectRequest("DELETE", 503);
    expect((await rejection(client().deleteUser(USER_ID))).message).toBe(
      "The service answered 503 Service Unavailable without error details.",
    );
  });

  it("refuses a success body it cannot read", async () => {
    expectRequest("POST", 200, { token: TOKEN });
    const error = await rejection(client().issueToken(USER_ID, ["chat"]));
    expect(error.code).toBe("PARSE_ERROR");
    expect(error.message).toBe("The service answered 200 with an access token without a token or expiresOn; this client cannot read it.");
  });
});

describe("the constructor", () => {
  it.each([
    ["plain http to a remote host", `endpoint=http://contoso.communication.azure.com/;accesskey=${KEY}`, {}, "allowInsecureConnection"],
    ["an endpoint without credential", ENDPOINT, {}, "An endpoint needs a credential"],
  ])("refuses %s", (_name, value, options, fragment) => {
    expect(() => new CommunicationIdentityClient(value, options)).toThrow(TypeError);
    expect(() => new CommunicationIdentityClient(value, options)).toThrow(fragment);
  });

  it.each(["http://localhost:8089", "http://127.0.0.1", "http://127.1.2.3:1", "http://[::1]:8089"])(
    "allows plain http to loopback %s",
    (endpoint) => {
      expect(() => new CommunicationIdentityClient(endpoint, new AzureKeyCredential(KEY))).not.toThrow();
    },
  );

  it("allows plain http elsewhere when asked", () => {
    expect(
      () => new CommunicationIdentityClient("http://10.0.0.5", new AzureKeyCredential(KEY), { allowInsecureConnection: true }),
    ).not.toThrow();
  });

  it("keeps the key out of JSON.stringify, util.inspect and String()", () => {
    const built = new CommunicationIdentityClient(CONNECTION_STRING);
    const keyed = new CommunicationIdentityClient(ENDPOINT, new AzureKeyCredential(KEY));
    for (const c of [built, keyed]) {
      for (const shown of [JSON.stringify(c), inspect(c, { showHidden: true, depth: 10 }), String(c)]) {
        expect(shown).not.toContain(KEY.slice(0, 12));
      }
    }
  });
});
