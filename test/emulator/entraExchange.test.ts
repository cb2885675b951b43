/**
 * The two Entra token exchanges over real HTTP against a real emulator: Teams Phone extensibility
 * (`/access/teamsExtension/:exchangeAccessToken`) and Entra ID users (`/access/entra/:exchangeAccessToken`),
 * authorized by the user's Entra token alone; the assignments that allow them (user, group,
 * tenant; clientIds); every refusal; the identities they mint; and revocation by deleting the
 * assignment.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { mintEntraTestToken, type EntraTestTokenOptions } from "../../src/emulator/entra/entraTestTokens.js";
import { formatExpiresOn } from "../../src/emulator/tokens/tokens.js";
import {
  answerOf as answer,
  decodeJwt,
  errorAnswer as error,
  identityPath,
  PREVIEW,
  send,
  signedCaller,
  signedSend,
  SPEC_IDS,
  STABLE,
  teamsJwt,
  verifyWithJwks,
  type RawResponse,
} from "./helpers.js";

const { tenantId: TENANT, objectId: USER, otherObjectId: GROUP, clientId: APP } = SPEC_IDS;
const OTHER_APP = "aaaaaaaa-0000-4000-8000-000000000001";
const OTHER_TENANT = "aaaaaaaa-0000-4000-8000-000000000002";
const RESOURCE = "2dee53b4-368b-45b4-ab52-8493fb117652";
const START = Date.parse("2026-03-01T12:00:00.000Z");
const TEAMS_SCOPE = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";
const TEAMS = `/access/teamsExtension/:exchangeAccessToken?api-version=${STABLE}`;
const ENTRA = `/access/entra/:exchangeAccessToken?api-version=${PREVIEW}`;
const TEAMS_ID = `8:acs:${RESOURCE}_${TENANT}_${USER}`;
const ENTRA_ID = `8:acs:${RESOURCE}_wf_${TENANT}_${USER}`;

let clock = START;
let emulator: Emulator;
const call = signedCaller(() => ({ endpoint: emulator.endpoint, accessKey: emulator.accessKey, now: () => clock }));
const INVALID = error(401, "InvalidAccessToken", "Provided access token is not valid.");

/** An Entra token minted on the emulator's clock; Entra ID user scopes unless told. */
const entraToken = (options: Partial<EntraTestTokenOptions> = {}) =>
  mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP, now: clock, ...options });

/** An exchange as Microsoft's credential sends it: the Entra token as bearer, body `{}`, no HMAC. */
const exchange = (path: string, token: string) =>
  send(emulator.endpoint, {
    method: "POST",
    path,
    body: "{}",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
  });

const setTeams = (body: unknown, tenantId = TENANT) =>
  call("PUT", `/access/teamsExtension/tenants/${tenantId}/assignments/${USER}?api-version=${STABLE}`, body);
const setEntra = (objectId: string, principalType: string, clientIds = [APP], tenantId = TENANT) =>
  call("PUT", `/access/entra/assignments/${objectId}?api-version=${PREVIEW}`, { tenantId, principalType, clientIds });

beforeAll(async () => {
  emulator = await startEmulator({ resourceId: RESOURCE, now: () => clock });
});
afterAll(() => emulator.close());
afterEach(async () => {
  clock = START;
  expect((await send(emulator.endpoint, { method: "POST", path: "/_emulator/api/reset" })).status).toBe(204);
});

/** Checks a successful exchange's answer exactly, and its token's claims; returns the token. */
async function expectExchanged(response: RawResponse, id: string, expiresAt: number, acsScope: string): Promise<string> {
  expect(answer(response)).toStrictEqual({
    status: 200,
    json: { identity: { id }, accessToken: { token: expect.any(String), expiresOn: formatExpiresOn(expiresAt) } },
  });
  const token = response.json.accessToken.token as string;
  const { payload } = decodeJwt(token);
  expect([payload.skypeid, payload.acsScope, payload.exp, payload.iat]).toStrictEqual([
    id.slice(2),
    acsScope,
    expiresAt / 1000,
    clock / 1000,
  ]);
  expect(await verifyWithJwks(emulator.endpoint, token)).toBe(true);
  return token;
}

describe("POST /access/teamsExtension/:exchangeAccessToken", () => {
  it.each([STABLE, PREVIEW])("exchanges a user's token for its assignment on %s, without an access key", async (version) => {
    expect((await setTeams({ principalType: "user" })).status).toBe(201);
    const entra = entraToken({ scopes: [TEAMS_SCOPE] });
    const response = await exchange(`/access/teamsExtension/:exchangeAccessToken?api-version=${version}`, entra.token);
    await expectExchanged(response, TEAMS_ID, entra.expiresOn.getTime(), "voip");
  });

  it("takes the US government audience, v1 tokens (appid) and the application's id as audience; clientIds allow the app", async () => {
    await setTeams({ principalType: "resourceAccount", clientIds: [APP.toUpperCase()] });
    const us = entraToken({ scopes: ["https://auth.msft.communication.azure.us/TeamsExtension.ManageCalls"], version: 1 });
    await expectExchanged(await exchange(TEAMS, us.token), TEAMS_ID, us.expiresOn.getTime(), "voip");
    const byAppId = teamsJwt({
      aud: "1fd5118e-2576-4263-8130-9503064c837a",
      tid: TENANT,
      oid: USER,
      azp: APP,
      scp: "TeamsExtension.ManageCalls",
      exp: clock / 1000 + 60,
    });
    await expectExchanged(await exchange(TEAMS, byAppId), TEAMS_ID, clock + 60_000, "voip");
  });

  it("refuses 403 without an assignment, in another tenant, or for an application not in clientIds", async () => {
    const entra = entraToken({ scopes: [TEAMS_SCOPE] });
    const none = error(403, "UserNotAssigned", `No Teams Phone extensibility assignment for user ${USER} in tenant ${TENANT}.`);
    expect(answer(await exchange(TEAMS, entra.token))).toStrictEqual(none);
    await setTeams({ principalType: "user" }, OTHER_TENANT);
    expect(answer(await exchange(TEAMS, entra.token))).toStrictEqual(none);
    await setTeams({ principalType: "user", clientIds: [OTHER_APP] });
    expect(answer(await exchange(TEAMS, entra.token))).toStrictEqual(
      error(
        403,
        "ClientNotAllowed",
        `The application ${APP} is not among the clientIds of the Teams Phone extensibility assignment for user ${USER} in tenant ${TENANT}.`,
      ),
    );
    await setTeams({ principalType: "user", clientIds: [] });
    expect((await exchange(TEAMS, entra.token)).status).toBe(403);
  });

  it("refuses an Entra ID users token (wrong audience) with 401", async () => {
    await setTeams({ principalType: "user" });
    expect(answer(await exchange(TEAMS, entraToken().token))).toStrictEqual(INVALID);
  });
});

describe("POST /access/entra/:exchangeAccessToken", () => {
  it("exchanges for a user assignment, with the scopes the token's permissions map to", async () => {
    await setEntra(USER, "user");
    const all = entraToken();
    await expectExchanged(
      await exchange(ENTRA, all.token),
      ENTRA_ID,
      all.expiresOn.getTime(),
      "chat,chat.join,chat.join.limited,voip,voip.join",
    );
    const voip = entraToken({ scopes: ["https://communication.azure.com/clients/VoIP"], version: 1 });
    await expectExchanged(await exchange(ENTRA, voip.token), ENTRA_ID, voip.expiresOn.getTime(), "voip");
  });

  it("exchanges through a group the token names, or through the whole tenant", async () => {
    await setEntra(GROUP, "group");
    const grouped = entraToken({ groups: [GROUP.toUpperCase()], scopes: ["https://communication.azure.com/clients/Chat"] });
    await expectExchanged(await exchange(ENTRA, grouped.token), ENTRA_ID, grouped.expiresOn.getTime(), "chat");
    expect((await exchange(ENTRA, entraToken().token)).status).toBe(403);
    await setEntra(TENANT, "tenant");
    const any = entraToken({ scopes: ["https://communication.azure.com/clients/Chat.Join"] });
    await expectExchanged(await exchange(ENTRA, any.token), ENTRA_ID, any.expiresOn.getTime(), "chat.join");
  });

  it("refuses 403 when no assignment covers the user, and when none of those that do allows the application", async () => {
    await setEntra(USER, "group");
    await setEntra(GROUP, "group", [APP], OTHER_TENANT);
    const token = entraToken({ groups: [GROUP] }).token;
    expect(answer(await exchange(ENTRA, token))).toStrictEqual(
      error(
        403,
        "UserNotAssigned",
        `No Microsoft Entra ID assignment covers user ${USER} of tenant ${TENANT}: none for the user, its 1 group or the tenant.`,
      ),
    );
    await setEntra(USER, "user", [OTHER_APP]);
    await setEntra(TENANT, "tenant", []);
    expect(answer(await exchange(ENTRA, token))).toStrictEqual(
      error(
        403,
        "ClientNotAllowed",
        `The application ${APP} is not among the clientIds of the Microsoft Entra ID assignments that cover user ${USER} of tenant ${TENANT}.`,
      ),
    );
  });

  it.each([
    [
      "expired",
      () => teamsJwt({ aud: "https://communication.azure.com/clients", tid: TENANT, oid: USER, azp: APP, scp: "VoIP", exp: clock / 1000 }),
    ],
    ["without exp", () => teamsJwt({ aud: "https://communication.azure.com/clients", tid: TENANT, oid: USER, azp: APP, scp: "VoIP" })],
    ["for Teams Phone extensibility (wrong audience)", () => entraToken({ scopes: [TEAMS_SCOPE] }).token],
    [
      "for Microsoft Graph",
      () => teamsJwt({ aud: "https://graph.microsoft.com", tid: TENANT, oid: USER, azp: APP, scp: "VoIP", exp: clock / 1000 + 60 }),
    ],
    [
      "without a Communication Services permission",
      () =>
        teamsJwt({
          aud: "https://communication.azure.com/clients",
          tid: TENANT,
          oid: USER,
          azp: APP,
          scp: "User.Read",
          exp: clock / 1000 + 60,
        }),
    ],
    [
      "without an application",
      () => teamsJwt({ aud: "https://communication.azure.com/clients", tid: TENANT, oid: USER, scp: "VoIP", exp: clock / 1000 + 60 }),
    ],
    [
      "with an oid that is not a GUID",
      () =>
        teamsJwt({ aud: "https://communication.azure.com/clients", tid: TENANT, oid: "me", azp: APP, scp: "VoIP", exp: clock / 1000 + 60 }),
    ],
    ["not a JWT", () => "opaque-token"],
  ])("refuses a token %s with 401 InvalidAccessToken, without api-supported-versions", async (_what, token) => {
    await setEntra(TENANT, "tenant");
    const response = await exchange(ENTRA, token());
    expect(answer(response)).toStrictEqual(INVALID);
    expect(response.headers["api-supported-versions"]).toBeUndefined();
  });

  it("refuses a request without a bearer token (also an HMAC-signed one) with 401, and 2025-06-30 with 400", async () => {
    await setEntra(TENANT, "tenant");
    expect(answer(await send(emulator.endpoint, { method: "POST", path: ENTRA, body: "{}" }))).toStrictEqual(INVALID);
    expect(answer(await call("POST", ENTRA, {}))).toStrictEqual(INVALID);
    expect(answer(await exchange(ENTRA.replace(PREVIEW, STABLE), entraToken().token))).toStrictEqual({
      status: 400,
      json: {
        error: {
          code: "UnsupportedApiVersion",
          message: "POST /access/entra/:exchangeAccessToken requires api-version 2025-03-02-preview.",
        },
      },
    });
    const get = await send(emulator.endpoint, { method: "GET", path: ENTRA });
    expect([get.status, get.headers.allow]).toStrictEqual([405, "POST"]);
  });

  it("lets an ACS token live as long as the Entra token, at most 24 hours", async () => {
    await setEntra(TENANT, "tenant");
    const long = teamsJwt({
      aud: "https://communication.azure.com/clients",
      tid: TENANT,
      oid: USER,
      azp: APP,
      scp: "VoIP",
      exp: clock / 1000 + 2 * 86_400,
    });
    await expectExchanged(await exchange(ENTRA, long), ENTRA_ID, clock + 86_400_000, "voip");
  });
});

describe("identities minted by exchange", () => {
  it("get tokens only through exchange: issue, get, revoke and delete answer 401 IdentityNotOwned as for an unknown identity", async () => {
    await setEntra(USER, "user");
    await setTeams({ principalType: "user" });
    expect((await exchange(ENTRA, entraToken().token)).status).toBe(200);
    expect((await exchange(TEAMS, entraToken({ scopes: [TEAMS_SCOPE] }).token)).status).toBe(200);
    const notOwned = error(401, "IdentityNotOwned", "Provided identity doesn't belong to the resource.");
    for (const id of [ENTRA_ID, TEAMS_ID]) {
      expect(answer(await call("POST", identityPath(id, ":issueAccessToken"), { scopes: ["voip"] }))).toStrictEqual(notOwned);
      expect(answer(await call("GET", identityPath(id, "", PREVIEW)))).toStrictEqual(notOwned);
      expect(answer(await call("POST", identityPath(id, ":revokeAccessTokens")))).toStrictEqual(notOwned);
      expect(answer(await call("DELETE", identityPath(id)))).toStrictEqual(notOwned);
    }
    // The request log says why, where the service's answer cannot.
    const log = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/requests" });
    expect(log.json.requests[0].reason).toStrictEqual({
      kind: "identityExchanged",
      id: TEAMS_ID,
      text: `Identity ${TEAMS_ID} was minted by an Entra token exchange: it gets tokens only by exchange, and cannot be issued a token, read, revoked or deleted.`,
    });
  });

  it("deleting the assignment revokes the tokens exchanged through it; a later exchange's token is not revoked", async () => {
    const admin = async (id: string) =>
      (await send(emulator.endpoint, { method: "GET", path: `/_emulator/api/identities/${encodeURIComponent(id)}` })).json;
    await setEntra(USER, "user");
    const first = await exchange(ENTRA, entraToken().token);
    const iso = (time: number) => new Date(time).toISOString();
    const kept = await admin(ENTRA_ID);
    expect(kept.identity).toStrictEqual({ id: ENTRA_ID, createdAt: iso(START), lastTokenIssuedAt: iso(START) });
    expect(kept.tokens.map((token: { expiresOn: string }) => token.expiresOn)).toStrictEqual([first.json.accessToken.expiresOn]);
    clock += 60_000;
    expect(
      (
        await call(
          "PATCH",
          `/access/entra/assignments?api-version=${PREVIEW}`,
          { [USER]: null },
          { "content-type": "application/merge-patch+json" },
        )
      ).status,
    ).toBe(200);
    expect((await admin(ENTRA_ID)).identity).toStrictEqual({
      id: ENTRA_ID,
      createdAt: iso(START),
      lastTokenIssuedAt: iso(START),
      revokedAt: iso(START + 60_000),
    });
    expect((await exchange(ENTRA, entraToken().token)).status).toBe(403);
    clock += 60_000;
    await setEntra(USER, "user");
    expect((await exchange(ENTRA, entraToken().token)).status).toBe(200);
    expect((await admin(ENTRA_ID)).identity).toStrictEqual({
      id: ENTRA_ID,
      createdAt: iso(START),
      lastTokenIssuedAt: iso(START + 120_000),
      revokedAt: iso(START + 60_000),
    });
    await setTeams({ principalType: "user" });
    expect((await exchange(TEAMS, entraToken({ scopes: [TEAMS_SCOPE] }).token)).status).toBe(200);
    clock += 60_000;
    expect((await call("DELETE", `/access/teamsExtension/tenants/${TENANT}/assignments/${USER}?api-version=${STABLE}`)).status).toBe(204);
    expect((await admin(TEAMS_ID)).identity.revokedAt).toBe(iso(START + 180_000));
    // The handle a test holds sees them too, beside the resource's own identities.
    const own = (await call("POST", `/identities?api-version=${PREVIEW}`, {})).json.identity.id as string;
    expect(emulator.identity(ENTRA_ID)).toStrictEqual({
      id: ENTRA_ID,
      createdAt: START,
      lastTokenIssuedAt: START + 120_000,
      revokedAt: START + 60_000,
    });
    expect(emulator.identities().map((identity) => identity.id)).toStrictEqual([ENTRA_ID, TEAMS_ID, own]);
    expect((await send(emulator.endpoint, { method: "POST", path: "/_emulator/api/reset" })).status).toBe(204);
    expect(emulator.identity(ENTRA_ID)).toBeUndefined();
    expect(emulator.identities()).toStrictEqual([]);
    expect(await admin(ENTRA_ID)).toStrictEqual({ error: { code: "NotFound", message: `No identity ${ENTRA_ID}.` } });
  });
});

describe("exchange rate limits", () => {
  it("both exchanges count under the one exchange limit", async () => {
    const limited = await startEmulator({ resourceId: RESOURCE, now: () => clock, limits: "exchange=1/30s" });
    try {
      await signedSend(
        { endpoint: limited.endpoint, accessKey: limited.accessKey, now: () => clock },
        {
          method: "PUT",
          path: `/access/entra/assignments/${TENANT}?api-version=${PREVIEW}`,
          body: { tenantId: TENANT, principalType: "tenant", clientIds: [APP] },
        },
      );
      const post = (path: string) =>
        send(limited.endpoint, { method: "POST", path, body: "{}", headers: { authorization: `Bearer ${entraToken().token}` } });
      expect((await post(ENTRA)).status).toBe(200);
      const throttled = await post(TEAMS);
      expect([throttled.status, throttled.json.error.code, throttled.headers["retry-after"]]).toStrictEqual([429, "TooManyRequests", "30"]);
    } finally {
      await limited.close();
    }
  });
});

describe("an endpoint with a trailing slash (ASSUMPTIONS.md 36)", () => {
  it("takes //access/{family}/:exchangeAccessToken as the exchange, and no other // path", async () => {
    // Absolute: a path starting with // alone would be read as a host.
    const slashed = (path: string) => `${emulator.endpoint}/${path}`;
    await setEntra(USER, "user");
    await setTeams({ principalType: "user" });
    const entra = entraToken();
    await expectExchanged(
      await exchange(slashed(ENTRA), entra.token),
      ENTRA_ID,
      entra.expiresOn.getTime(),
      "chat,chat.join,chat.join.limited,voip,voip.join",
    );
    const teams = entraToken({ scopes: [TEAMS_SCOPE] });
    await expectExchanged(await exchange(slashed(TEAMS), teams.token), TEAMS_ID, teams.expiresOn.getTime(), "voip");
    const notFound = error(404, "NotFound", "The requested resource does not exist.");
    expect(answer(await exchange(slashed(`/${ENTRA}`), entra.token))).toStrictEqual(notFound);
    expect(answer(await call("GET", slashed(`/access/entra/assignments/${USER}?api-version=${PREVIEW}`)))).toStrictEqual(notFound);
    expect(answer(await call("POST", slashed(`/identities?api-version=${STABLE}`), {}))).toStrictEqual(notFound);
    expect(answer(await call("POST", slashed(`/entra/:exchangeAccessToken?api-version=${PREVIEW}`), {}))).toStrictEqual(notFound);
  });
});
