import { inspect } from "node:util";
import { isRestError, RestError } from "@azure/core-rest-pipeline";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exchangeEntraToken } from "../../src/credentials/exchangeEntraToken.js";
import { exchangeTargetFor, type EntraExchangeTarget } from "../../src/credentials/entraScopes.js";
import { ENTRA_USER_ID, exchanged, TEAMS_EXTENSION_USER_ID } from "../helpers/exchangeReplies.js";
import { startExchangeServer, type ExchangeServer } from "../helpers/exchangeServer.js";
import { UUID_V4 } from "../helpers/uuid.js";

const VOIP = "https://communication.azure.com/clients/VoIP";
const TEAMS = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";
const TEAMS_US = "https://auth.msft.communication.azure.us/TeamsExtension.ManageCalls";
const ENTRA_PATH = "/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview";
const TEAMS_PATH = "/access/teamsExtension/:exchangeAccessToken?api-version=2025-06-30";
const ENTRA_TOKEN = "entra-token-of-the-user";
/** ExchangeEntraIdToken.json's expiresOn, and the millisecond it names. */
const SPEC_EXPIRES_ON = "2025-04-10T21:39:39.3244584+00:00";
const SPEC_EXPIRES_MS = Date.UTC(2025, 3, 10, 21, 39, 39, 324);
const KNOWN =
  "give scopes starting with https://auth.msft.communication.azure.com/ or https://auth.msft.communication.azure.us/ (Teams Phone extensibility), or with https://communication.azure.com/clients/ (Microsoft Entra ID users).";
const HINT_401 =
  " Check that the Microsoft Entra token is current and was issued for the exchange's scopes, and that an assignment on the resource" +
  " admits the user (directly, through a group or their tenant) and the client application.";

let server: ExchangeServer;
beforeEach(async () => {
  server = await startExchangeServer();
});
afterEach(async () => {
  await server.close();
});

describe("exchangeEntraToken", () => {
  it("POSTs {} with the Entra token as bearer to the Entra ID users exchange and reads the token, expiry and identity", async () => {
    server.script(exchanged("token", SPEC_EXPIRES_ON));
    const result = await exchangeEntraToken(server.origin, ENTRA_TOKEN, [VOIP]);
    expect(result).toStrictEqual({ token: "token", expiresOnTimestamp: SPEC_EXPIRES_MS, communicationUserId: ENTRA_USER_ID });
    expect(server.received).toHaveLength(1);
    const [{ method, url, headers, body }] = server.received as [(typeof server.received)[0]];
    expect({ method, url, body }).toStrictEqual({ method: "POST", url: ENTRA_PATH, body: "{}" });
    expect(headers.authorization).toBe(`Bearer ${ENTRA_TOKEN}`);
    expect(headers["content-type"]).toBe("application/json");
    expect(headers.accept).toBe("application/json");
    expect(headers["x-ms-client-request-id"]).toMatch(UUID_V4);
    expect(headers["user-agent"]).toMatch(/^acs-identity\/\d+\.\d+\.\d+ /);
  });

  it.each([
    ["the public cloud", TEAMS],
    ["US government", TEAMS_US],
  ])("sends Teams Phone extensibility scopes of %s to the Teams extension exchange at 2025-06-30", async (_cloud, scope) => {
    // TeamsExtensionToken_Exchange.json (2026-07-22): an expiry with an offset other than UTC.
    server.script(exchanged("token", "2025-07-10T14:39:39.3244584-07:00", TEAMS_EXTENSION_USER_ID));
    expect(await exchangeEntraToken(server.origin, ENTRA_TOKEN, [scope])).toStrictEqual({
      token: "token",
      expiresOnTimestamp: Date.UTC(2025, 6, 10, 21, 39, 39, 324),
      communicationUserId: TEAMS_EXTENSION_USER_ID,
    });
    expect(server.received.map((request) => request.url)).toStrictEqual([TEAMS_PATH]);
  });

  it("takes an exchange target instead of scopes, and an endpoint with a trailing slash without doubling it", async () => {
    server.script(exchanged("token", SPEC_EXPIRES_ON, TEAMS_EXTENSION_USER_ID));
    await exchangeEntraToken(`${server.origin}/`, ENTRA_TOKEN, exchangeTargetFor([TEAMS]));
    expect(server.received.map((request) => request.url)).toStrictEqual([TEAMS_PATH]);
  });

  it("refuses a target that is not the table's before any request, so its path cannot send the token to another host", async () => {
    const port = new URL(server.origin).port;
    const refused = (target: object) =>
      new RangeError(
        `Not an exchange target: ${JSON.stringify(target)}. Give the one exchangeTargetFor(scopes) returns, or the scopes themselves.`,
      );
    const cases: [string, { family: string; path: string; apiVersion: string }][] = [
      // Joined as text, these named another host (the listening server itself, or the attacker's) as the URL's host or port.
      ["http://127.0.0.1:1", { family: "entra", path: `@127.0.0.1:${port}/steal`, apiVersion: "2025-03-02-preview" }],
      ["http://127.0.0.1", { family: "entra", path: `:${port}/steal`, apiVersion: "2025-03-02-preview" }],
      ["http://127.0.0.1:1", { family: "entra", path: "@attacker.example/steal", apiVersion: "x" }],
      ["https://my-resource.communication.azure.com", { family: "entra", path: ".evil.example/", apiVersion: "x" }],
      [server.origin, { family: "teamsExtension", path: "/access/entra/:exchangeAccessToken", apiVersion: "2025-06-30" }],
      [server.origin, { family: "entra", path: "/access/entra/:exchangeAccessToken", apiVersion: "2025-06-30" }],
      [server.origin, { family: "toString", path: "/access/entra/:exchangeAccessToken", apiVersion: "2025-03-02-preview" }],
    ];
    for (const [endpoint, target] of cases) {
      server.script(exchanged("token", SPEC_EXPIRES_ON));
      await expect(exchangeEntraToken(endpoint, ENTRA_TOKEN, target as EntraExchangeTarget)).rejects.toStrictEqual(refused(target));
    }
    expect(server.received).toStrictEqual([]);
  });

  it.each([
    [[], new RangeError(`scopes is empty: ${KNOWN}`)],
    [[VOIP, TEAMS], new RangeError(`scopes mixes the two families; one token is for one of them: ${KNOWN}`)],
    [
      ["https://contoso.com/clients/unknown"],
      new RangeError(`Not a Communication Services scope: ["https://contoso.com/clients/unknown"]. G${KNOWN.slice(1)}`),
    ],
    ["https://communication.azure.com/clients/VoIP", new TypeError("scopes must be an array of Microsoft Entra scope strings.")],
  ])("refuses scopes %j before any request", async (scopes, error) => {
    await expect(exchangeEntraToken(server.origin, ENTRA_TOKEN, scopes as string[])).rejects.toStrictEqual(error);
    expect(server.received).toStrictEqual([]);
  });

  it("refuses plain http beyond loopback, a malformed endpoint and an empty token before any request", async () => {
    await expect(exchangeEntraToken("http://my-resource.communication.azure.com", ENTRA_TOKEN, [VOIP])).rejects.toStrictEqual(
      new TypeError(
        "Refused to send a Microsoft Entra token over plain http to http://my-resource.communication.azure.com, where anyone on the network could read it; " +
          "allowInsecureConnection does not change that. Tokens go over https, or plain http to a loopback host (the emulator): " +
          "use https://<resource>.communication.azure.com.",
      ),
    );
    await expect(exchangeEntraToken(`${server.origin}/access`, ENTRA_TOKEN, [VOIP])).rejects.toStrictEqual(
      new TypeError("The resourceEndpoint must have no path, query or fragment. Expected https://<resource>.communication.azure.com."),
    );
    await expect(exchangeEntraToken(server.origin, "", [VOIP])).rejects.toStrictEqual(
      new TypeError("The Microsoft Entra token must be a non-empty string: the user's access token, issued for the exchange's scopes."),
    );
    expect(server.received).toStrictEqual([]);
  });

  it("rejects a 401 with a RestError carrying the status, the service's code and message, and no token anywhere", async () => {
    server.script({ status: 401, body: { error: { code: "InvalidAccessToken", message: "Provided access token is not valid." } } });
    const error = (await exchangeEntraToken(server.origin, ENTRA_TOKEN, [VOIP]).catch((caught: unknown) => caught)) as RestError;
    expect(isRestError(error)).toBe(true);
    expect(error).toBeInstanceOf(RestError);
    expect(error.message).toBe(`The token exchange failed with status 401: Provided access token is not valid.${HINT_401}`);
    expect({ statusCode: error.statusCode, code: error.code }).toStrictEqual({ statusCode: 401, code: "InvalidAccessToken" });
    for (const shown of [error.message, error.stack, inspect(error, { depth: 10 }), JSON.stringify(error)]) {
      expect(shown).not.toContain(ENTRA_TOKEN);
    }
    expect(server.received).toHaveLength(1);
  });

  it("reads a bare error string (as Microsoft's test mocks send it) and answers without a body", async () => {
    server.script({ status: 401, body: { error: "Unauthorized" } }, { status: 400 });
    await expect(exchangeEntraToken(server.origin, ENTRA_TOKEN, [VOIP])).rejects.toMatchObject({
      message: `The token exchange failed with status 401: Unauthorized.${HINT_401}`,
      statusCode: 401,
      code: undefined,
    });
    await expect(exchangeEntraToken(server.origin, ENTRA_TOKEN, [VOIP])).rejects.toMatchObject({
      message: "The token exchange failed with status 400 without error details.",
      statusCode: 400,
    });
  });

  it.each([
    ["accessToken.token", { identity: { id: ENTRA_USER_ID }, accessToken: { expiresOn: SPEC_EXPIRES_ON } }],
    ["an ISO 8601 accessToken.expiresOn", { identity: { id: ENTRA_USER_ID }, accessToken: { token: "t", expiresOn: "tomorrow" } }],
    ["an ISO 8601 accessToken.expiresOn", { identity: { id: ENTRA_USER_ID }, accessToken: { token: "t", expiresOn: 1744321179 } }],
    ["identity.id", { accessToken: { token: "t", expiresOn: SPEC_EXPIRES_ON } }],
    ["accessToken.token", { error: { code: "BadRequest", message: "Invalid request." } }],
  ])("rejects a 200 without %s", async (missing, body) => {
    server.script({ status: 200, body });
    await expect(exchangeEntraToken(server.origin, ENTRA_TOKEN, [VOIP])).rejects.toMatchObject({
      name: "RestError",
      message: `The token exchange answered 200 without ${missing}; this is not the Communication Services token exchange.`,
      statusCode: 200,
      code: "PARSE_ERROR",
    });
  });

  it("rejects a 201: the exchange answers 200", async () => {
    server.script({ ...exchanged("token", SPEC_EXPIRES_ON), status: 201 });
    await expect(exchangeEntraToken(server.origin, ENTRA_TOKEN, [VOIP])).rejects.toMatchObject({ statusCode: 201 });
  });

  it("retries a 503 with Retry-After, and a dropped connection, with the same request id, then succeeds", async () => {
    server.script({ status: 503, body: { error: "Service Unavailable" }, headers: { "Retry-After": "0" } }, { status: 0, drop: true });
    server.script(exchanged("token", SPEC_EXPIRES_ON));
    expect((await exchangeEntraToken(server.origin, ENTRA_TOKEN, [VOIP])).token).toBe("token");
    expect(server.received).toHaveLength(3);
    const ids = new Set(server.received.map((request) => request.headers["x-ms-client-request-id"]));
    expect(ids.size).toBe(1);
  });

  it("gives up after 3 retries with the last answer", async () => {
    const busy = { status: 503, body: { error: "Service Unavailable" }, headers: { "Retry-After": "0" } };
    server.script(busy, busy, busy, busy, exchanged("token", SPEC_EXPIRES_ON));
    await expect(exchangeEntraToken(server.origin, ENTRA_TOKEN, [VOIP])).rejects.toMatchObject({
      message: "The token exchange failed with status 503: Service Unavailable.",
      statusCode: 503,
    });
    expect(server.received).toHaveLength(4);
  });

  it("stops at once when aborted: before sending, and while waiting to retry", async () => {
    await expect(exchangeEntraToken(server.origin, ENTRA_TOKEN, [VOIP], { abortSignal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(server.received).toStrictEqual([]);
    server.script({ status: 503, headers: { "Retry-After": "5" } });
    const controller = new AbortController();
    const exchange = exchangeEntraToken(server.origin, ENTRA_TOKEN, [VOIP], { abortSignal: controller.signal });
    await expect.poll(() => server.received.length).toBe(1);
    const started = Date.now();
    controller.abort();
    await expect(exchange).rejects.toMatchObject({ name: "AbortError", message: "The operation was aborted." });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.received).toHaveLength(1);
  });
});
