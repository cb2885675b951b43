/**
 * Our token exchange end to end: EntraCommunicationTokenCredential and exchangeEntraToken with the
 * emulator's EntraTestCredential against a real emulator over plain http on loopback, for both
 * scope families: the identity ids, the tokens' scopes and expiry, refreshing when the Entra token
 * changes, the refusal without an assignment, and revocation when the assignment is deleted.
 */
import { AzureCommunicationTokenCredential, type CommunicationTokenCredential } from "@azure/communication-common";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import { EntraCommunicationTokenCredential } from "../../src/credentials/entraCommunicationTokenCredential.js";
import { exchangeEntraToken } from "../../src/credentials/exchangeEntraToken.js";
import { inspectToken } from "../../src/credentials/inspectToken.js";
import { EntraTestCredential, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { formatExpiresOn } from "../../src/emulator/tokens/tokens.js";
import { decodeJwt, send, verifyWithJwks } from "../emulator/helpers.js";
import { APP, GROUP, TENANT, USER } from "../helpers/entraIds.js";

const RESOURCE = "2dee53b4-368b-45b4-ab52-8493fb117652";
const PREVIEW = "2025-03-02-preview";
const TEAMS_SCOPE = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";
const VOIP_SCOPE = "https://communication.azure.com/clients/VoIP";
const ENTRA_ID = `8:acs:${RESOURCE}_wf_${TENANT}_${USER}`;
const TEAMS_ID = `8:acs:${RESOURCE}_${TENANT}_${USER}`;

let emulator: Emulator;
let admin: CommunicationIdentityClient;
beforeAll(async () => {
  emulator = await startEmulator({ resourceId: RESOURCE });
  admin = new CommunicationIdentityClient(emulator.connectionString, { apiVersion: PREVIEW });
});
afterAll(() => emulator.close());
afterEach(async () => {
  expect((await send(emulator.endpoint, { method: "POST", path: "/_emulator/api/reset" })).status).toBe(204);
});

/** The emulator's test Entra credential, and every token it handed out. */
function entraCredential(options: { groups?: string[]; expiresInMinutes?: number } = {}) {
  const inner = new EntraTestCredential({ tenantId: TENANT, objectId: USER, clientId: APP, ...options });
  const issued: Array<{ scopes: string[]; token: AccessToken }> = [];
  const credential: TokenCredential = {
    async getToken(scopes, getOptions) {
      const token = (await inner.getToken(scopes, getOptions))!;
      issued.push({ scopes: typeof scopes === "string" ? [scopes] : scopes, token });
      return token;
    },
  };
  return { credential, issued };
}

/** The exchanges the emulator answered, oldest first: the path and the status (`null` when the connection was dropped). */
async function exchanges(): Promise<Array<[string, number | null]>> {
  const { json } = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/requests" });
  return (json.requests as Array<{ path: string; status: number | null }>)
    .filter(({ path }) => path.endsWith(":exchangeAccessToken"))
    .map(({ path, status }): [string, number | null] => [path, status])
    .reverse();
}

/** The admin API's view of an identity minted by exchange. */
async function identityView(id: string) {
  return (await send(emulator.endpoint, { method: "GET", path: `/_emulator/api/identities/${encodeURIComponent(id)}` })).json;
}

describe.each([
  {
    family: "Microsoft Entra ID users",
    scopes: undefined,
    id: ENTRA_ID,
    path: "/access/entra/:exchangeAccessToken",
    acsScopes: ["chat", "chat.join", "chat.join.limited", "voip", "voip.join"],
    assign: () => admin.setEntraAssignment(USER, { tenantId: TENANT, principalType: "user", clientIds: [APP] }),
    unassign: () => admin.deleteEntraAssignment(USER),
    notAssigned: `No Microsoft Entra ID assignment covers user ${USER} of tenant ${TENANT}: none for the user, its 0 groups or the tenant.`,
  },
  {
    family: "Teams Phone extensibility",
    scopes: [TEAMS_SCOPE],
    id: TEAMS_ID,
    path: "/access/teamsExtension/:exchangeAccessToken",
    acsScopes: ["voip"],
    assign: () => admin.setTeamsExtensionAssignment(TENANT, USER, { principalType: "user", clientIds: [APP] }),
    unassign: () => admin.deleteTeamsExtensionAssignment(TENANT, USER),
    notAssigned: `No Teams Phone extensibility assignment for user ${USER} in tenant ${TENANT}.`,
  },
])("$family", ({ scopes, id, path, acsScopes, assign, unassign, notAssigned }) => {
  const askedScopes = scopes ?? ["https://communication.azure.com/clients/.default"];

  it("the credential hands out the emulator's token for the user: its id, scopes and the Entra token's expiry", async () => {
    await assign();
    const { credential: tokenCredential, issued } = entraCredential({ expiresInMinutes: 30 });
    const credential = new EntraCommunicationTokenCredential({
      resourceEndpoint: emulator.endpoint,
      tokenCredential,
      ...(scopes === undefined ? {} : { scopes }),
    });
    const token = await credential.getToken();
    expect(issued.map((entry) => entry.scopes)).toStrictEqual([askedScopes]);
    const entraExpiry = issued[0]!.token.expiresOnTimestamp;
    expect(token).toStrictEqual({ token: expect.any(String), expiresOnTimestamp: entraExpiry });
    expect(inspectToken(token.token)).toStrictEqual({
      decodable: true,
      expiresOn: new Date(entraExpiry),
      scopes: acsScopes,
      communicationUserId: id,
      resourceId: RESOURCE,
    });
    expect(await verifyWithJwks(emulator.endpoint, token.token)).toBe(true);
    expect(await exchanges()).toStrictEqual([[path, 200]]);
    credential.dispose();
  });

  it("the credential and its token work where Microsoft's are taken (the Chat and Calling SDKs' CommunicationTokenCredential)", async () => {
    await assign();
    const { credential: tokenCredential } = entraCredential();
    // Compiles only if ours is a CommunicationTokenCredential of @azure/communication-common.
    const sdkCredential: CommunicationTokenCredential = new EntraCommunicationTokenCredential({
      resourceEndpoint: `${emulator.endpoint}/`,
      tokenCredential,
      scopes: askedScopes,
    });
    const token = await sdkCredential.getToken();
    // Microsoft's credential reads the expiry from the token itself, as the SDKs do.
    const microsofts = new AzureCommunicationTokenCredential(token.token);
    expect(await microsofts.getToken()).toStrictEqual(token);
    microsofts.dispose();
    sdkCredential.dispose();
    expect(await exchanges()).toStrictEqual([[path, 200]]);
  });

  it("exchangeEntraToken answers the identity's exact id with the token", async () => {
    await assign();
    const entra = (await new EntraTestCredential({ tenantId: TENANT, objectId: USER, clientId: APP }).getToken(askedScopes))!;
    const result = await exchangeEntraToken(emulator.endpoint, entra.token, askedScopes);
    expect(result).toStrictEqual({ token: expect.any(String), expiresOnTimestamp: entra.expiresOnTimestamp, communicationUserId: id });
    expect(inspectToken(result.token).communicationUserId).toBe(id);
  });

  it("the credential exchanges again only when the Entra token changes", async () => {
    await assign();
    let entra = (await new EntraTestCredential({ tenantId: TENANT, objectId: USER, clientId: APP }).getToken(askedScopes))!;
    const cached: TokenCredential = { getToken: async () => entra };
    const credential = new EntraCommunicationTokenCredential({
      resourceEndpoint: emulator.endpoint,
      tokenCredential: cached,
      scopes: askedScopes,
    });
    const first = await credential.getToken();
    expect(await credential.getToken()).toStrictEqual(first);
    expect(await exchanges()).toStrictEqual([[path, 200]]);
    entra = (await new EntraTestCredential({ tenantId: TENANT, objectId: USER, clientId: APP, expiresInMinutes: 90 }).getToken(
      askedScopes,
    ))!;
    const second = await credential.getToken();
    expect(second.token).not.toBe(first.token);
    expect(second.expiresOnTimestamp).toBe(entra.expiresOnTimestamp);
    expect(await exchanges()).toStrictEqual([
      [path, 200],
      [path, 200],
    ]);
    credential.dispose();
  });

  it("rejects with 403 UserNotAssigned as a RestError without an assignment", async () => {
    const { credential: tokenCredential } = entraCredential();
    const credential = new EntraCommunicationTokenCredential({ resourceEndpoint: emulator.endpoint, tokenCredential, scopes: askedScopes });
    const error = (await credential.getToken().catch((caught: unknown) => caught)) as Error & { statusCode?: number; code?: string };
    expect({ name: error.name, message: error.message, statusCode: error.statusCode, code: error.code }).toStrictEqual({
      name: "RestError",
      message:
        `The token exchange failed with status 403: ${notAssigned} Check that an assignment on the resource admits the user` +
        " (directly, through a group or their tenant) and the client application.",
      statusCode: 403,
      code: "UserNotAssigned",
    });
    expect(await exchanges()).toStrictEqual([[path, 403]]);
  });

  it("deleting the assignment revokes the exchanged token (admin API) and the next exchange is refused", async () => {
    await assign();
    const { credential: tokenCredential } = entraCredential();
    const credential = new EntraCommunicationTokenCredential({ resourceEndpoint: emulator.endpoint, tokenCredential, scopes: askedScopes });
    const token = await credential.getToken();
    const before = await identityView(id);
    expect(before.identity.revokedAt).toBeUndefined();
    expect(before.tokens.map((kept: { expiresOn: string }) => kept.expiresOn)).toStrictEqual([formatExpiresOn(token.expiresOnTimestamp)]);
    const deletedAt = Date.now();
    await unassign();
    const after = await identityView(id);
    expect(Date.parse(after.identity.revokedAt)).toBeGreaterThanOrEqual(deletedAt - 1);
    expect(Date.parse(after.identity.revokedAt)).toBeLessThanOrEqual(Date.now());
    // Revoked: every token issued before revokedAt, this one included, is no longer valid.
    expect(Date.parse(after.identity.revokedAt)).toBeGreaterThanOrEqual(Date.parse(after.identity.lastTokenIssuedAt));
    expect(after.identity.lastTokenIssuedAt).toBe(before.identity.lastTokenIssuedAt);
    expect(Math.floor(Date.parse(after.identity.lastTokenIssuedAt) / 1000)).toBe(after.tokens[0].claims.iat);
    await expect(credential.getToken()).rejects.toMatchObject({ statusCode: 403, code: "UserNotAssigned" });
  });

  it("the exchanged identity gets no token from the emulator's issueToken: 401 IdentityNotOwned", async () => {
    await assign();
    const { credential: tokenCredential } = entraCredential();
    const credential = new EntraCommunicationTokenCredential({ resourceEndpoint: emulator.endpoint, tokenCredential, scopes: askedScopes });
    const { token } = await credential.getToken();
    const communicationUserId = inspectToken(token).communicationUserId!;
    expect(communicationUserId).toBe(id);
    const error = (await admin.getToken({ communicationUserId }, ["voip"]).catch((caught: unknown) => caught)) as Error & {
      statusCode?: number;
      code?: string;
    };
    expect({ statusCode: error.statusCode, code: error.code }).toStrictEqual({ statusCode: 401, code: "IdentityNotOwned" });
  });
});

describe("Microsoft Entra ID users through a group", () => {
  it("exchanges with clients/VoIP for a user in an assigned group, the token allowing voip only", async () => {
    await admin.setEntraAssignment(GROUP, { tenantId: TENANT, principalType: "group", clientIds: [APP] });
    const { credential: tokenCredential, issued } = entraCredential({ groups: [GROUP] });
    const credential = new EntraCommunicationTokenCredential({
      resourceEndpoint: emulator.endpoint,
      tokenCredential,
      scopes: [VOIP_SCOPE],
    });
    const { token } = await credential.getToken();
    expect(inspectToken(token)).toStrictEqual({
      decodable: true,
      expiresOn: new Date(issued[0]!.token.expiresOnTimestamp),
      scopes: ["voip"],
      communicationUserId: ENTRA_ID,
      resourceId: RESOURCE,
    });
  });
});

describe("refusals of the exchange, as the credential reports them", () => {
  it("rejects an expired Entra token with 401 InvalidAccessToken", async () => {
    await admin.setEntraAssignment(USER, { tenantId: TENANT, principalType: "user", clientIds: [APP] });
    const hourAgo = Date.now() - 3_600_000;
    const expired = new EntraTestCredential({ tenantId: TENANT, objectId: USER, clientId: APP, expiresInMinutes: 30, now: () => hourAgo });
    const credential = new EntraCommunicationTokenCredential({ resourceEndpoint: emulator.endpoint, tokenCredential: expired });
    const error = (await credential.getToken().catch((caught: unknown) => caught)) as Error & { statusCode?: number; code?: string };
    expect({ name: error.name, message: error.message, statusCode: error.statusCode, code: error.code }).toStrictEqual({
      name: "RestError",
      message:
        "The token exchange failed with status 401: Provided access token is not valid. Check that the Microsoft Entra token is current" +
        " and was issued for the exchange's scopes, and that an assignment on the resource admits the user (directly, through a group or" +
        " their tenant) and the client application.",
      statusCode: 401,
      code: "InvalidAccessToken",
    });
  });

  it("rejects with 403 ClientNotAllowed when the assignment lists other applications", async () => {
    await admin.setTeamsExtensionAssignment(TENANT, USER, { principalType: "user", clientIds: [GROUP] });
    const { credential: tokenCredential } = entraCredential();
    const error = await exchangeEntraToken(emulator.endpoint, (await tokenCredential.getToken(TEAMS_SCOPE))!.token, [TEAMS_SCOPE]).catch(
      (caught: unknown) => caught,
    );
    const { name, message, statusCode, code } = error as Error & { statusCode?: number; code?: string };
    expect({ name, message, statusCode, code }).toStrictEqual({
      name: "RestError",
      statusCode: 403,
      code: "ClientNotAllowed",
      message:
        `The token exchange failed with status 403: The application ${APP} is not among the clientIds of the Teams Phone extensibility` +
        ` assignment for user ${USER} in tenant ${TENANT}. Check that an assignment on the resource admits the user (directly, through a` +
        " group or their tenant) and the client application.",
    });
  });

  it("exchanges a US government Teams Phone extensibility token (auth.msft.communication.azure.us)", async () => {
    await admin.setTeamsExtensionAssignment(TENANT, USER, { principalType: "user" });
    const { credential: tokenCredential, issued } = entraCredential();
    const credential = new EntraCommunicationTokenCredential({
      resourceEndpoint: emulator.endpoint,
      tokenCredential,
      scopes: ["https://auth.msft.communication.azure.us/TeamsExtension.ManageCalls"],
    });
    const token = await credential.getToken();
    expect(token.expiresOnTimestamp).toBe(issued[0]!.token.expiresOnTimestamp);
    expect(inspectToken(token.token).communicationUserId).toBe(TEAMS_ID);
    expect(await exchanges()).toStrictEqual([["/access/teamsExtension/:exchangeAccessToken", 200]]);
  });
});

describe("the emulator's faults on the exchange", () => {
  afterEach(() => emulator.faults.clear());

  it("retries a 503 with Retry-After: 0 and a 429 with retry-after-ms, then hands out the token", async () => {
    await admin.setEntraAssignment(USER, { tenantId: TENANT, principalType: "user", clientIds: [APP] });
    emulator.faults.add({ operation: "exchangeEntraToken", status: 503, retryAfterSeconds: 0 });
    emulator.faults.add({ operation: "exchangeEntraToken", status: 429, retryAfterMs: 10 });
    const { credential: tokenCredential } = entraCredential();
    const credential = new EntraCommunicationTokenCredential({ resourceEndpoint: emulator.endpoint, tokenCredential });
    expect(inspectToken((await credential.getToken()).token).communicationUserId).toBe(ENTRA_ID);
    const path = "/access/entra/:exchangeAccessToken";
    expect(await exchanges()).toStrictEqual([
      [path, 503],
      [path, 429],
      [path, 200],
    ]);
  });

  it("retries a connection dropped after the exchange was done, and the retry's token is the one handed out", async () => {
    await admin.setTeamsExtensionAssignment(TENANT, USER, { principalType: "user" });
    emulator.faults.add({ operation: "exchangeTeamsExtensionToken", drop: "after" });
    const { credential: tokenCredential } = entraCredential();
    const credential = new EntraCommunicationTokenCredential({
      resourceEndpoint: emulator.endpoint,
      tokenCredential,
      scopes: [TEAMS_SCOPE],
    });
    const token = await credential.getToken();
    expect(inspectToken(token.token).communicationUserId).toBe(TEAMS_ID);
    // The dropped answer's token was issued but never seen; the admin API keeps the answered one.
    const view = await identityView(TEAMS_ID);
    expect(view.tokens.map((kept: { claims: { jti: string } }) => kept.claims.jti)).toStrictEqual([decodeJwt(token.token).payload.jti]);
    expect(await exchanges()).toStrictEqual([
      ["/access/teamsExtension/:exchangeAccessToken", null],
      ["/access/teamsExtension/:exchangeAccessToken", 200],
    ]);
  });

  it("a caller's abort stops its wait at once while the exchange is slow; dispose stops the exchange itself", async () => {
    await admin.setEntraAssignment(USER, { tenantId: TENANT, principalType: "user", clientIds: [APP] });
    emulator.faults.add({ operation: "exchangeEntraToken", latencyMs: 1_000, count: 2 });
    const { credential: tokenCredential } = entraCredential();
    const credential = new EntraCommunicationTokenCredential({ resourceEndpoint: emulator.endpoint, tokenCredential });
    const started = Date.now();
    const shared = credential.getToken();
    const caller = new AbortController();
    const aborted = credential.getToken({ abortSignal: caller.signal }).catch((caught: Error) => caught);
    setTimeout(() => caller.abort(), 50);
    expect(await aborted).toMatchObject({ name: "AbortError", message: "The operation was aborted." });
    expect(Date.now() - started).toBeLessThan(800);
    // The other caller still gets the token of the one exchange.
    expect(inspectToken((await shared).token).communicationUserId).toBe(ENTRA_ID);
    const pending = credential.getToken();
    setTimeout(() => credential.dispose(), 50);
    await expect(pending).rejects.toThrow("This EntraCommunicationTokenCredential was disposed; create a new one to get tokens.");
    await expect(credential.getToken()).rejects.toThrow(
      "This EntraCommunicationTokenCredential was disposed; create a new one to get tokens.",
    );
  });
});
