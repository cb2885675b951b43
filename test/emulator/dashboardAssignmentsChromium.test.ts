/**
 * The dashboard's Assignments view in Chromium, as an administrator uses it: assignments set and
 * deleted through the client appear and disappear live (within a second); the requests show
 * readable paths; and an identity minted by an Entra token exchange shows in the identities view,
 * revoked once its assignment is deleted. A screenshot of the view goes to $DASHBOARD_SCREENSHOTS,
 * or to a temporary directory.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient, exchangeEntraToken } from "../../src/index.js";
import { mintEntraTestToken, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { openDashboard } from "./dashboardBrowser.js";
import { PREVIEW, send, SPEC_IDS, STABLE } from "./helpers.js";

const { tenantId: TENANT, objectId: USER, otherObjectId: GROUP, clientId: APP } = SPEC_IDS;
const OTHER_APP = "aaaaaaaa-0000-4000-8000-000000000001";
const SCREENSHOTS = process.env["DASHBOARD_SCREENSHOTS"] ?? mkdtempSync(join(tmpdir(), "acs-dashboard-"));
/** How long a change may take to show: the page follows the request log live. */
const LIVE = { timeout: 1000 };

let emulator: Emulator;
let browser: Browser;
let page: Page;
let stable: CommunicationIdentityClient;
let preview: CommunicationIdentityClient;

beforeAll(async () => {
  emulator = await startEmulator();
  stable = new CommunicationIdentityClient(emulator.connectionString, { apiVersion: STABLE });
  preview = new CommunicationIdentityClient(emulator.connectionString, { apiVersion: PREVIEW });
  ({ browser, page } = await openDashboard(emulator));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});

/** The cells of a table's rows, as shown. */
function rows(table: string): Promise<string[][]> {
  return page.locator(`#${table} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? "")));
}

/** Waits until a table shows `count` rows. */
async function rowCount(table: string, count: number): Promise<void> {
  await page.waitForFunction(([id, n]) => document.querySelectorAll(`#${id} tbody tr`).length === n, [table, count] as const, LIVE);
}

describe("the dashboard's assignments in Chromium", () => {
  it("says how to create an assignment while there are none", async () => {
    await page.locator("#tab-assignments").click();
    expect(await page.locator("#teams-assignment-empty").textContent()).toBe(
      "No Teams Phone extensibility assignments: create one with the client's setTeamsExtensionAssignment (api-version 2025-06-30 or 2025-03-02-preview) or acs-identity set-teams-assignment.",
    );
    expect(await page.locator("#entra-assignment-empty").textContent()).toBe(
      "No Microsoft Entra ID assignments: create one with the client's setEntraAssignment or updateEntraAssignments (api-version 2025-03-02-preview) or acs-identity set-entra-assignment.",
    );
    expect(await page.locator("#teams-assignment-table").isVisible()).toBe(false);
    expect(await page.locator("#entra-assignment-table").isVisible()).toBe(false);
    expect(await page.locator("#assignment-count").textContent()).toBe("");
  });

  it("shows assignments set through the client within a second, each group in its order", async () => {
    await stable.setTeamsExtensionAssignment(TENANT, USER, { principalType: "user", clientIds: [APP, OTHER_APP] });
    await page.locator("#teams-assignment-empty").waitFor({ state: "hidden", ...LIVE });
    expect(await rows("teams-assignment-table")).toStrictEqual([[TENANT, USER, "user", `${APP}, ${OTHER_APP}`]]);
    await stable.setTeamsExtensionAssignment(TENANT, GROUP, { principalType: "resourceAccount" });
    await rowCount("teams-assignment-table", 2);
    await preview.updateEntraAssignments({
      [USER]: { tenantId: TENANT, principalType: "user", clientIds: [APP] },
      [TENANT]: { tenantId: TENANT, principalType: "tenant", clientIds: [] },
    });
    await rowCount("entra-assignment-table", 2);
    expect(await rows("teams-assignment-table")).toStrictEqual([
      [TENANT, USER, "user", `${APP}, ${OTHER_APP}`],
      [TENANT, GROUP, "resourceAccount", "any"],
    ]);
    expect(await rows("entra-assignment-table")).toStrictEqual([
      [USER, TENANT, "user", APP],
      [TENANT, TENANT, "tenant", "none"],
    ]);
    expect(await page.locator("#entra-assignment-empty").isVisible()).toBe(false);
    expect(await page.locator("#assignment-count").textContent()).toBe("4");
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-assignments.png") });
  });

  it("shows the assignment requests with their ids shortened and the operation in the title", async () => {
    await page.locator("#tab-requests").click();
    const put = page.locator('#request-table tr[data-operation="setTeamsExtensionAssignment"] td.request').last();
    expect(await put.textContent()).toBe(`PUT/access/teamsExtension/tenants/${TENANT.slice(0, 8)}…/assignments/${USER.slice(0, 8)}…`);
    expect(await put.getAttribute("title")).toBe(
      `PUT /access/teamsExtension/tenants/${TENANT}/assignments/${USER} (setTeamsExtensionAssignment)`,
    );
    // The whole shortened path fits its cell.
    expect(await put.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
    const patch = page.locator('#request-table tr[data-operation="updateEntraAssignments"] td.request');
    expect(await patch.textContent()).toBe("PATCH/access/entra/assignments");
  });

  it("shows an identity minted by exchange, revoked once its assignment is deleted; the assignment disappears", async () => {
    const entra = mintEntraTestToken({ tenantId: TENANT, objectId: USER, clientId: APP });
    const exchanged = await exchangeEntraToken(emulator.endpoint, entra.token, ["https://communication.azure.com/clients/.default"]);
    expect(exchanged.communicationUserId).toBe(`8:acs:${emulator.resourceId}_wf_${TENANT}_${USER}`);
    await page.locator("#tab-identities").click();
    const row = page.locator("#identity-table tbody tr", { hasText: exchanged.communicationUserId });
    await row.waitFor(LIVE);
    await row.locator("button").click();
    const detail = page.locator("#identity-detail");
    await detail.locator("[data-expires]").waitFor();
    expect((await row.locator("td").allTextContents())[4]).toBe("");

    await preview.deleteEntraAssignment(USER);
    const revoked = row.locator("td.time").nth(2);
    await page.waitForFunction(
      (id) =>
        [...document.querySelectorAll("#identity-table tbody tr")].find((tr) => tr.textContent?.includes(id))?.children[4]?.textContent !==
        "",
      exchanged.communicationUserId,
      LIVE,
    );
    const { identity } = (
      await send(emulator.endpoint, {
        method: "GET",
        path: `/_emulator/api/identities/${encodeURIComponent(exchanged.communicationUserId)}`,
      })
    ).json;
    expect(await revoked.getAttribute("title")).toBe(identity.revokedAt);
    await detail.locator(".token .expired", { hasText: "revoked" }).waitFor(LIVE);
    expect(await detail.locator("dd").allTextContents()).toContain(identity.revokedAt);
    const content = await page.content();
    expect(content).not.toContain(entra.token);
    expect(content).not.toContain(exchanged.token);

    await page.locator("#tab-assignments").click();
    expect(await rows("entra-assignment-table")).toStrictEqual([[TENANT, TENANT, "tenant", "none"]]);
    await stable.deleteTeamsExtensionAssignment(TENANT, GROUP);
    await rowCount("teams-assignment-table", 1);
    expect(await rows("teams-assignment-table")).toStrictEqual([[TENANT, USER, "user", `${APP}, ${OTHER_APP}`]]);
    expect(await page.locator("#assignment-count").textContent()).toBe("2");
  });

  it("forgets the assignments on a reset", async () => {
    expect((await send(emulator.endpoint, { method: "POST", path: "/_emulator/api/reset" })).status).toBe(204);
    await page.locator("#teams-assignment-empty").waitFor({ state: "visible", ...LIVE });
    await page.locator("#entra-assignment-empty").waitFor({ state: "visible", ...LIVE });
    expect(await page.locator("#assignment-count").textContent()).toBe("");
  });
});
