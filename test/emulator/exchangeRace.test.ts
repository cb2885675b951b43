/**
 * An assignment deleted while an exchange mints its token (the exchange checked the assignment
 * before, and records the exchange after): the token is revoked with the deletion and the exchange
 * answers 403, live and after a restart. The interleaving is made exact by a real minter whose
 * signing waits for the deletion; then the same over HTTP, many rounds, against a real emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintEntraTestToken } from "../../src/emulator/entra/entraTestTokens.js";
import { startEmulator } from "../../src/emulator/index.js";
import { EXCHANGE_OPERATIONS } from "../../src/emulator/routes/exchangeOperations.js";
import type { OperationContext } from "../../src/emulator/routes/operations.js";
import { ServiceError } from "../../src/emulator/routes/errors.js";
import { entraKey } from "../../src/emulator/store/assignments.js";
import { IdentityStore } from "../../src/emulator/store/store.js";
import { createTokenMinter, type TokenMinter } from "../../src/emulator/tokens/tokens.js";
import { tempDirEachTest } from "../helpers/tempDir.js";
import { send, signedSend, SPEC_IDS } from "./helpers.js";

const { tenantId: TENANT, objectId: USER, clientId: APP } = SPEC_IDS;
const RESOURCE = "2dee53b4-368b-45b4-ab52-8493fb117652";
const NOW = Date.parse("2026-03-01T12:00:00.000Z");
const TEAMS_SCOPE = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";
const TEAMS_ID = `8:acs:${RESOURCE}_${TENANT}_${USER}`;
const ENTRA_ID = `8:acs:${RESOURCE}_wf_${TENANT}_${USER}`;
const REVOKED_WHILE_MINTED = new ServiceError(
  403,
  "UserNotAssigned",
  "The assignment the exchange went through was deleted while the token was issued; the token is revoked.",
);

const temp = tempDirEachTest("acs-exchange-race-");
let minter: TokenMinter;
beforeAll(async () => {
  minter = await createTokenMinter({ resourceId: RESOURCE, resourceLocation: "unitedstates" });
});
afterAll(() => minter.close());

/** A context whose minter signs for real, but only after `during` ran (the deletion, landing mid-exchange). */
function contextDeleting(store: IdentityStore, during: () => Promise<void>, now = NOW): OperationContext {
  return {
    store,
    minter: { ...minter, mint: async (request) => (await during(), minter.mint(request)) },
    now: () => now,
    endpoint: () => "http://127.0.0.1:1",
  };
}

const request = (version: "2025-06-30" | "2025-03-02-preview", scopes?: string[]) => ({
  version,
  body: Buffer.from("{}"),
  query: new URLSearchParams(),
  headers: {
    authorization: `Bearer ${mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP, now: NOW, ...(scopes ? { scopes } : {}) }).token}`,
  },
});

describe("an assignment deleted while its exchange mints", () => {
  it("Teams: the exchange answers 403 UserNotAssigned and the identity is revoked at the exchange, also after a restart", async () => {
    const store = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    await store.assignments.setTeams({ objectId: USER, tenantId: TENANT, principalType: "user" }, NOW - 10);
    const context = contextDeleting(store, () => store.assignments.deleteTeams(TENANT, USER, NOW + 5));
    await expect(EXCHANGE_OPERATIONS.exchangeTeamsExtensionToken(context, request("2025-06-30", [TEAMS_SCOPE]))).rejects.toStrictEqual(
      REVOKED_WHILE_MINTED,
    );
    const revoked = { id: TEAMS_ID, createdAt: NOW, lastTokenIssuedAt: NOW, revokedAt: NOW };
    expect(store.assignments.exchanged(TEAMS_ID)).toStrictEqual(revoked);
    await store.close();
    const reopened = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    expect(reopened.damageReport).toBeUndefined();
    expect(reopened.assignments.exchanged(TEAMS_ID)).toStrictEqual(revoked);
    await reopened.close();
  });

  it("Entra: a revocation earlier than the exchange is moved to it; a later exchange through a new assignment stands", async () => {
    const store = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    const assignment = { objectId: USER, tenantId: TENANT, principalType: "user", clientIds: [APP] };
    await store.assignments.updateEntra([assignment], NOW - 30);
    await store.assignments.tokenExchanged(ENTRA_ID, entraKey(USER), store.assignments.generation(entraKey(USER))!, NOW - 20);
    const context = contextDeleting(store, () => store.assignments.updateEntra([USER], NOW - 10).then(() => undefined));
    await expect(EXCHANGE_OPERATIONS.exchangeEntraToken(context, request("2025-03-02-preview"))).rejects.toStrictEqual(
      REVOKED_WHILE_MINTED,
    );
    expect(store.assignments.exchanged(ENTRA_ID)).toStrictEqual({
      id: ENTRA_ID,
      createdAt: NOW - 20,
      lastTokenIssuedAt: NOW,
      revokedAt: NOW,
    });
    await store.assignments.updateEntra([assignment], NOW + 10);
    expect(await store.assignments.tokenExchanged(ENTRA_ID, entraKey(USER), store.assignments.generation(entraKey(USER))!, NOW + 20)).toBe(
      true,
    );
    const standing = { id: ENTRA_ID, createdAt: NOW - 20, lastTokenIssuedAt: NOW + 20, revokedAt: NOW };
    expect(store.assignments.exchanged(ENTRA_ID)).toStrictEqual(standing);
    await store.close();
    const reopened = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    expect(reopened.assignments.exchanged(ENTRA_ID)).toStrictEqual(standing);
    await reopened.close();
  });

  it("Entra: deleted and set again (with no clientIds) while minted, the exchange answers 403 and is revoked, also after a restart", async () => {
    const store = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    const assignment = { objectId: USER, tenantId: TENANT, principalType: "user", clientIds: [APP] };
    await store.assignments.updateEntra([assignment], NOW - 30);
    const context = contextDeleting(store, async () => {
      await store.assignments.updateEntra([USER], NOW - 20);
      await store.assignments.updateEntra([{ ...assignment, clientIds: [] }], NOW - 10);
    });
    await expect(EXCHANGE_OPERATIONS.exchangeEntraToken(context, request("2025-03-02-preview"))).rejects.toStrictEqual(
      REVOKED_WHILE_MINTED,
    );
    const revoked = { id: ENTRA_ID, createdAt: NOW, lastTokenIssuedAt: NOW, revokedAt: NOW };
    expect([store.assignments.exchanged(ENTRA_ID), store.assignments.entra(USER)?.clientIds]).toStrictEqual([revoked, []]);
    await store.close();
    const reopened = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    expect([reopened.damageReport, reopened.assignments.exchanged(ENTRA_ID)]).toStrictEqual([undefined, revoked]);
    await reopened.close();
  });

  it("Teams: deleted and set again while minted, the exchange answers 403 and is revoked; replaced only, its token stands", async () => {
    const store = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    const user = { objectId: USER, tenantId: TENANT, principalType: "user" };
    await store.assignments.setTeams(user, NOW - 30);
    const recreating = contextDeleting(store, async () => {
      await store.assignments.deleteTeams(TENANT, USER, NOW - 20);
      await store.assignments.setTeams({ ...user, clientIds: [APP] }, NOW - 10);
    });
    await expect(EXCHANGE_OPERATIONS.exchangeTeamsExtensionToken(recreating, request("2025-06-30", [TEAMS_SCOPE]))).rejects.toStrictEqual(
      REVOKED_WHILE_MINTED,
    );
    const revoked = { id: TEAMS_ID, createdAt: NOW, lastTokenIssuedAt: NOW, revokedAt: NOW };
    expect(store.assignments.exchanged(TEAMS_ID)).toStrictEqual(revoked);
    // A replacement (PUT 200) is the same assignment: it revokes no token, so neither the one being minted.
    const replacing = contextDeleting(
      store,
      () => store.assignments.setTeams({ ...user, principalType: "resourceAccount" }, NOW + 40).then(() => undefined),
      NOW + 50,
    );
    const reply = await EXCHANGE_OPERATIONS.exchangeTeamsExtensionToken(replacing, request("2025-06-30", [TEAMS_SCOPE]));
    expect(reply.status).toBe(200);
    const standing = { ...revoked, lastTokenIssuedAt: NOW + 50 };
    expect(store.assignments.exchanged(TEAMS_ID)).toStrictEqual(standing);
    await store.close();
    const reopened = await IdentityStore.open({ dataDir: temp.path, resourceId: RESOURCE });
    expect([reopened.damageReport, reopened.assignments.exchanged(TEAMS_ID)]).toStrictEqual([undefined, standing]);
    await reopened.close();
  });

  it("over HTTP, racing a DELETE: every 200 exchange answered after the DELETE's 204 has a revoked token, also after a restart", async () => {
    const emulator = await startEmulator({ dataDir: temp.path, resourceId: RESOURCE });
    const target = { endpoint: emulator.endpoint, accessKey: emulator.accessKey };
    const path = `/access/teamsExtension/tenants/${TENANT}/assignments/${USER}?api-version=2025-06-30`;
    const token = mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP, scopes: [TEAMS_SCOPE] }).token;
    try {
      for (let round = 0; round < 40; round++) {
        expect((await signedSend(target, { method: "PUT", path, body: { principalType: "user" } })).status).toBeLessThan(300);
        const order: string[] = [];
        const exchange = send(emulator.endpoint, {
          method: "POST",
          path: "/access/teamsExtension/:exchangeAccessToken?api-version=2025-06-30",
          body: "{}",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        }).then((response) => order.push(`exchange ${response.status}`));
        const deletion = new Promise((resolve) => setTimeout(resolve, round % 4))
          .then(() => signedSend(target, { method: "DELETE", path }))
          .then((response) => order.push(`delete ${response.status}`));
        await Promise.all([exchange, deletion]);
        expect(order.sort()).toContain("delete 204");
        // The invariant: once the DELETE has answered, no token of the identity stands.
        const identity = await adminIdentity(emulator.endpoint);
        if (identity) expect(identity.revokedAt ?? -1).toBeGreaterThanOrEqual(identity.lastTokenIssuedAt);
      }
    } finally {
      await emulator.close();
    }
    const again = await startEmulator({ dataDir: temp.path, resourceId: RESOURCE });
    try {
      const identity = await adminIdentity(again.endpoint);
      expect(identity?.revokedAt).toBeGreaterThanOrEqual(identity!.lastTokenIssuedAt);
    } finally {
      await again.close();
    }
  });
});

/** The exchanged identity as the admin API lists it, times in milliseconds. */
async function adminIdentity(endpoint: string): Promise<{ lastTokenIssuedAt: number; revokedAt?: number } | undefined> {
  const listed = (await send(endpoint, { method: "GET", path: `/_emulator/api/identities?search=${USER}` })).json;
  const [identity] = listed.identities as { lastTokenIssuedAt: string; revokedAt?: string }[];
  if (identity === undefined) return undefined;
  return {
    lastTokenIssuedAt: Date.parse(identity.lastTokenIssuedAt),
    ...(identity.revokedAt ? { revokedAt: Date.parse(identity.revokedAt) } : {}),
  };
}
