import { describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { checkTeamsTokenClaims, TEAMS_TOKEN_CLOCK_LEEWAY_MS } from "../src/client/teamsTokenCheck.js";
import { jwt, seconds } from "./helpers/jwt.js";
import { bodyOf, stubHttpClient } from "./helpers/stubHttpClient.js";

const NOW = new Date("2024-01-01T12:00:00.000Z").getTime();
const OID = "aaaaaaaa-0000-0000-0000-000000000001";
const APP = "bbbbbbbb-0000-0000-0000-000000000002";
const TENANT = "cccccccc-0000-0000-0000-000000000003";
const v1 = (claims: Record<string, unknown> = {}) =>
  jwt({ aud: "https://auth.msft.communication.azure.com", oid: OID, appid: APP, tid: TENANT, exp: seconds(NOW + 3600_000), ...claims });

function check(teamsUserAadToken: string, userObjectId = OID, clientId = APP): void {
  checkTeamsTokenClaims({ teamsUserAadToken, userObjectId, clientId }, NOW);
}

/** The error `check` throws, after asserting it never repeats the token. */
function failureOf(token: string, userObjectId?: string, clientId?: string): Error {
  try {
    check(token, userObjectId, clientId);
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    for (const part of token.split(".")) expect((error as Error).message).not.toContain(part);
    return error as Error;
  }
  throw new Error("expected a RangeError");
}

describe("checkTeamsTokenClaims", () => {
  it("passes a matching, unexpired v1 token", () => {
    expect(() => check(v1())).not.toThrow();
  });

  it("passes a v2 token whose azp matches clientId", () => {
    expect(() => check(jwt({ ver: "2.0", oid: OID, azp: APP, exp: seconds(NOW + 60_000) }))).not.toThrow();
  });

  it("compares ids without regard to case or surrounding spaces", () => {
    expect(() => check(v1(), ` ${OID.toUpperCase()} `, APP.toUpperCase())).not.toThrow();
  });

  it.each([
    ["an opaque token", "opaque-entra-token"],
    ["an encrypted token", "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"],
    ["a token without the claims", jwt({ sub: "x" })],
  ])("lets %s through unchecked", (_, token) => {
    expect(() => check(token, "anything", "anything")).not.toThrow();
  });

  it("names the expiry of an expired token", () => {
    expect(failureOf(v1({ exp: seconds(NOW - TEAMS_TOKEN_CLOCK_LEEWAY_MS - 1000) })).message).toBe(
      "teamsUserAadToken expired at 2024-01-01T11:54:59.000Z: acquire a fresh token for the Teams user (for example with MSAL's acquireTokenSilent) and try again.",
    );
  });

  it("allows 5 minutes of clock difference at expiry", () => {
    expect(() => check(v1({ exp: seconds(NOW - TEAMS_TOKEN_CLOCK_LEEWAY_MS) }))).not.toThrow();
  });

  it("names an oid mismatch", () => {
    expect(failureOf(v1(), "dddddddd-0000-0000-0000-000000000004").message).toBe(
      "userObjectId does not match the oid claim of teamsUserAadToken: pass the Teams user's Entra object id (the token's oid claim).",
    );
  });

  it("recognises the tenant id passed as userObjectId", () => {
    expect(failureOf(v1(), TENANT).message).toBe(
      "userObjectId does not match the oid claim of teamsUserAadToken: it is the tenant id (tid); pass the user's object id (oid) instead.",
    );
  });

  it("recognises clientId and userObjectId swapped", () => {
    expect(failureOf(v1(), APP, OID).message).toBe(
      "userObjectId does not match the oid claim of teamsUserAadToken: it is the application id; were clientId and userObjectId swapped?",
    );
  });

  it("names an appid mismatch", () => {
    expect(failureOf(v1(), OID, "eeeeeeee-0000-0000-0000-000000000005").message).toBe(
      "clientId does not match the appid claim of teamsUserAadToken: pass the id of the Entra application the Teams user signed in to.",
    );
  });

  it("names an azp mismatch in a v2 token", () => {
    expect(failureOf(jwt({ ver: "2.0", oid: OID, azp: APP, tid: TENANT }), OID, TENANT).message).toBe(
      "clientId does not match the azp claim of teamsUserAadToken: it is the tenant id (tid); pass the application (client) id instead.",
    );
  });

  it("carries the service's answer: 401 InvalidAccessToken when expired, 400 ValidationError for a mismatch", () => {
    const answerOf = (error: Error) => {
      const { statusCode, code } = error as Error & { statusCode: number; code: string };
      return { statusCode, code };
    };
    expect(answerOf(failureOf(v1({ exp: seconds(NOW - 3600_000) })))).toStrictEqual({ statusCode: 401, code: "InvalidAccessToken" });
    expect(answerOf(failureOf(v1(), TENANT))).toStrictEqual({ statusCode: 400, code: "ValidationError" });
    expect(answerOf(failureOf(v1(), OID, TENANT))).toStrictEqual({ statusCode: 400, code: "ValidationError" });
  });

  it("reports expiry before mismatches", () => {
    expect(failureOf(v1({ exp: seconds(NOW - 3600_000) }), TENANT).message).toMatch(/^teamsUserAadToken expired at/);
  });
});

describe("getTokenForTeamsUser", () => {
  function clientWith() {
    const { httpClient, requests } = stubHttpClient(() => ({
      status: 200,
      body: { token: "acs", expiresOn: "2024-01-01T13:00:00.0000000+00:00" },
    }));
    const client = new CommunicationIdentityClient("endpoint=https://contoso.communication.azure.com/;accesskey=cHc=", {
      httpClient,
      retryOptions: { maxRetries: 0 },
    });
    return { client, requests };
  }

  it("rejects a mismatched token before any request", async () => {
    const { client, requests } = clientWith();
    const teamsUserAadToken = jwt({ oid: OID, appid: APP, tid: TENANT, exp: seconds(Date.now() + 3600_000) });
    await expect(client.getTokenForTeamsUser({ teamsUserAadToken, userObjectId: TENANT, clientId: APP })).rejects.toThrow(
      /^userObjectId does not match the oid claim of teamsUserAadToken: it is the tenant id/,
    );
    expect(requests).toHaveLength(0);
  });

  it("rejects an expired token before any request", async () => {
    const { client, requests } = clientWith();
    const teamsUserAadToken = jwt({ oid: OID, appid: APP, exp: seconds(Date.now() - 3600_000) });
    await expect(client.getTokenForTeamsUser({ teamsUserAadToken, userObjectId: OID, clientId: APP })).rejects.toThrow(RangeError);
    await expect(client.getTokenForTeamsUser({ teamsUserAadToken, userObjectId: OID, clientId: APP })).rejects.toMatchObject({
      statusCode: 401,
      code: "InvalidAccessToken",
    });
    expect(requests).toHaveLength(0);
  });

  it("sends an opaque token unchanged", async () => {
    const { client, requests } = clientWith();
    const result = await client.getTokenForTeamsUser({ teamsUserAadToken: "opaque-entra-token", userObjectId: OID, clientId: APP });
    expect(result).toEqual({ token: "acs", expiresOn: new Date("2024-01-01T13:00:00.000Z") });
    expect(bodyOf(requests[0])).toBe(`{"token":"opaque-entra-token","appId":"${APP}","userId":"${OID}"}`);
  });
});
