/**
 * EntraCommunicationTokenCredential in real Chromium against the real emulator that globalSetup.ts
 * starts: the page asks for Entra tokens (minted by the emulator's admin API, through a command in
 * Node.js) and exchanges them cross-origin with fetch, CORS preflight included; the assignments
 * are set by the client in Node.js (commands.ts). Both scope families, and the refusal without an
 * assignment. And the assignment operations of the page's own client, paged through the emulator.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { describe, expect, inject, it } from "vitest";
import { commands } from "vitest/browser";
import {
  CommunicationIdentityClient,
  EntraCommunicationTokenCredential,
  inspectToken,
  isRestError,
  parseConnectionString,
} from "../../src/index.js";
import { APP, TENANT } from "../helpers/entraIds.js";

const resourceId = inject("resourceId");
const resourceEndpoint = parseConnectionString(inject("connectionString")).endpoint;
// A user per test: the emulator is shared with the other browser tests.
const ENTRA_USER = "cccccccc-0000-4000-8000-000000000001";
const TEAMS_USER = "cccccccc-0000-4000-8000-000000000002";
const UNASSIGNED_USER = "cccccccc-0000-4000-8000-000000000003";
const TEAMS_SCOPE = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";
const VOIP_SCOPE = "https://communication.azure.com/clients/VoIP";

/**
 * Entra tokens for `objectId`, minted by the emulator for the scopes asked the first time and then
 * handed out again, as MSAL caches them; `expiries` records each minted token's expiry.
 */
function entraCredential(objectId: string): { tokenCredential: TokenCredential; expiries: number[] } {
  const expiries: number[] = [];
  let cached: AccessToken | undefined;
  const tokenCredential: TokenCredential = {
    async getToken(scopes) {
      if (cached) return cached;
      const minted = await commands.mintEntraToken({ tenantId: TENANT, objectId, clientId: APP, scopes: ([] as string[]).concat(scopes) });
      expiries.push(Date.parse(minted.expiresOn));
      return (cached = { token: minted.token, expiresOnTimestamp: Date.parse(minted.expiresOn) });
    },
  };
  return { tokenCredential, expiries };
}

/** Checks a token from the emulator: for `communicationUserId`, voip only, expiring with the Entra token. */
function expectVoipToken(token: AccessToken, entraExpiry: number | undefined, communicationUserId: string): void {
  expect(token.expiresOnTimestamp).toBe(entraExpiry);
  expect(inspectToken(token.token)).toStrictEqual({
    decodable: true,
    expiresOn: new Date(entraExpiry!),
    scopes: ["voip"],
    communicationUserId,
    resourceId,
  });
}

describe("EntraCommunicationTokenCredential in Chromium against the emulator", () => {
  it("exchanges a Microsoft Entra ID user's token (clients/VoIP) for the user's voip token", async () => {
    await commands.setEntraAssignment(ENTRA_USER, { tenantId: TENANT, principalType: "user", clientIds: [APP] });
    try {
      const { tokenCredential, expiries } = entraCredential(ENTRA_USER);
      const credential = new EntraCommunicationTokenCredential({ resourceEndpoint, tokenCredential, scopes: [VOIP_SCOPE] });
      const token = await credential.getToken();
      expect(expiries).toHaveLength(1);
      expectVoipToken(token, expiries[0], `8:acs:${resourceId}_wf_${TENANT}_${ENTRA_USER}`);
      // The same Entra token: the same Communication Services token, without another exchange.
      expect(await credential.getToken()).toStrictEqual(token);
      expect(expiries).toHaveLength(1);
      credential.dispose();
    } finally {
      await commands.deleteEntraAssignment(ENTRA_USER);
    }
  });

  it("exchanges a Teams Phone extensibility token (TeamsExtension.ManageCalls)", async () => {
    await commands.setTeamsExtensionAssignment(TENANT, TEAMS_USER, { principalType: "user", clientIds: [APP] });
    try {
      const { tokenCredential, expiries } = entraCredential(TEAMS_USER);
      const credential = new EntraCommunicationTokenCredential({ resourceEndpoint, tokenCredential, scopes: [TEAMS_SCOPE] });
      const token = await credential.getToken();
      expectVoipToken(token, expiries[0], `8:acs:${resourceId}_${TENANT}_${TEAMS_USER}`);
      credential.dispose();
    } finally {
      await commands.deleteTeamsExtensionAssignment(TENANT, TEAMS_USER);
    }
  });

  it("rejects with the emulator's 403 UserNotAssigned as a RestError for a user without an assignment", async () => {
    const { tokenCredential } = entraCredential(UNASSIGNED_USER);
    const credential = new EntraCommunicationTokenCredential({ resourceEndpoint, tokenCredential });
    const error = await credential.getToken().catch((caught: unknown) => caught);
    expect(isRestError(error)).toBe(true);
    const { statusCode, code, message } = error as { statusCode: number; code: string; message: string };
    expect({ statusCode, code, message }).toStrictEqual({
      statusCode: 403,
      code: "UserNotAssigned",
      message:
        `The token exchange failed with status 403: No Microsoft Entra ID assignment covers user ${UNASSIGNED_USER} of tenant ${TENANT}:` +
        " none for the user, its 0 groups or the tenant. Check that an assignment on the resource admits the user" +
        " (directly, through a group or their tenant) and the client application.",
    });
  });
});

describe("the assignment operations from the page against the emulator", () => {
  it("sets 101 Entra assignments in one merge patch and lists them over two pages through the emulator's nextLink", async () => {
    const client = new CommunicationIdentityClient(inject("connectionString"), { apiVersion: "2025-03-02-preview" });
    // A tenant of this test's own: the emulator is shared.
    const tenantId = "dddddddd-0000-4000-8000-000000000001";
    const objectIds = Array.from({ length: 101 }, (_, index) => `dddddddd-0000-4000-8000-${String(index + 1).padStart(12, "0")}`);
    const input = { tenantId, principalType: "user", clientIds: [APP] };
    const set = await client.updateEntraAssignments(Object.fromEntries(objectIds.map((objectId) => [objectId, input])));
    try {
      expect(set).toStrictEqual(objectIds.map((objectId) => ({ objectId, ...input })));
      const pages = [];
      for await (const page of client.listEntraAssignments().byPage()) pages.push(page);
      expect(pages.length).toBeGreaterThanOrEqual(2);
      expect(pages.slice(0, -1).every((page) => page.continuationToken?.startsWith(`${resourceEndpoint}/access/entra/assignments?`))).toBe(
        true,
      );
      expect(pages.at(-1)!.continuationToken).toBeUndefined();
      expect(pages.flat().filter((assignment) => assignment.tenantId === tenantId)).toStrictEqual(set);
    } finally {
      expect(await client.updateEntraAssignments(Object.fromEntries(objectIds.map((objectId) => [objectId, null])))).toStrictEqual([]);
    }
  });

  it("creates, replaces, gets and deletes a Teams Phone extensibility assignment, then answers 404 AssignmentNotFound", async () => {
    const client = new CommunicationIdentityClient(inject("connectionString"), { apiVersion: "2025-06-30" });
    const objectId = "dddddddd-0000-4000-8000-000000000200";
    const created = { objectId, tenantId: TENANT, principalType: "resourceAccount" };
    expect(await client.setTeamsExtensionAssignment(TENANT, objectId, { principalType: "resourceAccount" })).toStrictEqual(created);
    const replaced = { ...created, principalType: "user", clientIds: [APP] };
    expect(await client.setTeamsExtensionAssignment(TENANT, objectId, { principalType: "user", clientIds: [APP] })).toStrictEqual(replaced);
    expect(await client.getTeamsExtensionAssignment(TENANT, objectId)).toStrictEqual(replaced);
    await client.deleteTeamsExtensionAssignment(TENANT, objectId);
    const error = await client.getTeamsExtensionAssignment(TENANT, objectId).catch((caught: unknown) => caught);
    expect(isRestError(error)).toBe(true);
    const { statusCode, code, message } = error as { statusCode: number; code: string; message: string };
    expect({ statusCode, code, message }).toStrictEqual({
      statusCode: 404,
      code: "AssignmentNotFound",
      message: `No Teams Phone extensibility assignment for object ${objectId} in tenant ${TENANT}.`,
    });
  });
});
