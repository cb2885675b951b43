/**
 * The dashboard in Chromium, as a developer uses it: an app's mistakes against the emulator
 * (wrong key, a clock 20 minutes behind, a body changed after signing, the host signed not the
 * host called, a deleted user, throttled) each appear live with their exact reason; identities are
 * searched and show their tokens with a live expiry; the rate limits' windows show live and are
 * changed from the page; a fault is added and removed from the page; and
 * everything is usable by keyboard. Screenshots of the views go to $DASHBOARD_SCREENSHOTS (the
 * README's are made with DASHBOARD_SCREENSHOTS=docs), or to a temporary directory.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { openDashboard } from "./dashboardBrowser.js";
import { API, PREVIEW, send, signedHeaders } from "./helpers.js";

const SCREENSHOTS = process.env["DASHBOARD_SCREENSHOTS"] ?? mkdtempSync(join(tmpdir(), "acs-dashboard-"));
const WRONG_KEY = Buffer.alloc(64, 7).toString("base64");

let emulator: Emulator;
let browser: Browser;
let page: Page;
let client: CommunicationIdentityClient;

beforeAll(async () => {
  // Two revokes per 5 minutes: only the throttling test revokes.
  emulator = await startEmulator({ limits: "revoke=2/5m" });
  client = new CommunicationIdentityClient(emulator.connectionString);
  ({ browser, page } = await openDashboard(emulator));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});

/** The newest entry of the request log. */
async function newest(): Promise<{ seq: number; reason?: { text: string; stringToSign?: string } }> {
  const response = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/requests" });
  return response.json.requests[0];
}

/** The reason the page shows in the row of request `seq`, once the row is there. */
async function shownReason(seq: number): Promise<string> {
  const cell = page.locator(`#request-table tr[data-seq="${seq}"] td.why`);
  await cell.waitFor();
  return cell.evaluate((element) => element.firstChild?.textContent ?? "");
}

/** Sends `body` signed as `signedBody` to `signedUrl`, dated `date`: an app's own signing code gone wrong. */
async function appRequest(options: { signedBody?: string; body: string; signedHost?: string; date?: Date; key?: string }): Promise<number> {
  const path = `/identities?api-version=${API}`;
  const host = options.signedHost ?? new URL(emulator.endpoint).host;
  const headers = await signedHeaders({
    key: options.key ?? emulator.accessKey,
    method: "POST",
    url: `http://${host}${path}`,
    body: options.signedBody ?? options.body,
    date: (options.date ?? new Date()).toUTCString(),
  });
  return (await send(emulator.endpoint, { method: "POST", path, body: options.body, headers })).status;
}

describe("the dashboard in Chromium", () => {
  it("shows a wrong key's request with the string to sign the emulator computed", async () => {
    const wrong = new CommunicationIdentityClient(`endpoint=${emulator.endpoint}/;accesskey=${WRONG_KEY}`);
    await expect(wrong.createUser()).rejects.toMatchObject({ statusCode: 401 });
    const entry = await newest();
    expect(await shownReason(entry.seq)).toBe(
      "The signature does not match: a different access key, or a string to sign other than the one the emulator computed.",
    );
    const row = page.locator(`#request-table tr[data-seq="${entry.seq}"]`);
    await row.locator("summary").click();
    expect(await row.locator("pre").textContent()).toBe(entry.reason!.stringToSign);
    expect(entry.reason!.stringToSign).toMatch(
      new RegExp(
        `^POST\\n/identities\\?api-version=${API}\\n[A-Z][a-z]{2}, \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d GMT;127\\.0\\.0\\.1:\\d+;[A-Za-z0-9+/]{43}=$`,
      ),
    );
    expect(await row.locator(".status").textContent()).toBe("401");
    expect(await page.content()).not.toContain(emulator.accessKey);
  });

  it("shows a clock 20 minutes behind, a body changed after signing, and the host signed", async () => {
    const date = new Date(Date.now() - 20 * 60_000);
    expect(await appRequest({ body: "{}", date })).toBe(401);
    expect(await shownReason((await newest()).seq)).toBe(
      `x-ms-date is 20 minutes behind the emulator's clock (at most 15 allowed): ${date.toUTCString()}.`,
    );
    expect(await appRequest({ signedBody: "{}", body: '{"customId":"x"}' })).toBe(401);
    expect(await shownReason((await newest()).seq)).toBe(
      "The content hash differs from the body: x-ms-content-sha256 is RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=, the body received hashes to 5zpqHJkbqx7QKWytL6dgSeMnvFkg4fpvtcFzp9WzAxs=.",
    );
    const port = new URL(emulator.endpoint).port;
    expect(await appRequest({ body: "{}", signedHost: `localhost:${port}` })).toBe(401);
    expect(await shownReason((await newest()).seq)).toBe(
      `The host signed (localhost:${port}) differs from the host received (127.0.0.1:${port}).`,
    );
  });

  it("shows a deleted user's token request, and the user with a revoked token", async () => {
    const { user } = await client.createUserAndToken(["chat"]);
    await client.deleteUser(user);
    await expect(client.getToken(user, ["voip"])).rejects.toMatchObject({ statusCode: 401 });
    const entry = await newest();
    expect(emulator.identity(user.communicationUserId)).toBeUndefined();
    const { deletedAt } = await identityView(user.communicationUserId);
    expect(await shownReason(entry.seq)).toBe(`Identity ${user.communicationUserId} was deleted at ${deletedAt}.`);
    expect(await page.locator("#refused-count").textContent()).toBe("5");
    await page.locator("#refused-only").check();
    expect(await page.locator("#request-table tbody tr:visible").count()).toBe(5);
    await page.locator("#refused-only").uncheck();
    // The deleted user is still listed (as deleted), and counted on its tab.
    await page.locator("#identity-count", { hasText: "1" }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-requests.png") });
  });

  it("searches identities and shows a token's claims with a live expiry", async () => {
    const custom = new CommunicationIdentityClient(emulator.connectionString, { apiVersion: PREVIEW });
    const alice = await custom.createUser({ customId: "alice@contoso.test" });
    const { token } = await client.getToken(alice, ["chat", "voip"]);
    await page.locator("#tab-identities").click();
    await page.locator("#search").fill("alice@");
    await page.locator("#identity-total", { hasText: "1 matching" }).waitFor();
    await page.locator("#identity-table button", { hasText: alice.communicationUserId }).click();
    const detail = page.locator("#identity-detail");
    await detail.locator("[data-expires]").waitFor();
    expect(await detail.locator(".token code").first().textContent()).toBe(`${token.slice(0, 12)}…`);
    // 24 hours, the client's default lifetime, counting down every second.
    const expiry = detail.locator("[data-expires]").first();
    const first = await expiry.textContent();
    expect(first).toMatch(/^expires in (23 h 59 min [0-5]\d|24 h 0 min 00) s$/);
    await page.waitForFunction((shown) => document.querySelector("#identity-detail [data-expires]")?.textContent !== shown, first);
    expect(await expiry.textContent()).toMatch(/^expires in 23 h 59 min [0-5]\d s$/);
    const claims = JSON.parse((await detail.locator(".token pre").first().textContent())!);
    expect(claims).toMatchObject({ skypeid: alice.communicationUserId.slice(2), acsScope: "chat,voip", scp: 1792 });
    expect(await page.content()).not.toContain(token);
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-identities.png") });
  });

  it("shows a throttled request's reason, and its window on the Faults and limits view", async () => {
    const user = await client.createUser();
    await client.revokeTokens(user);
    await client.revokeTokens(user);
    // Retry-After 300 s is longer than the client waits: the app sees the 429.
    await expect(client.revokeTokens(user)).rejects.toMatchObject({ statusCode: 429 });
    const entry = await newest();
    await page.locator("#tab-requests").click();
    expect(entry.reason).toStrictEqual({
      kind: "throttled",
      limit: 2,
      windowMs: 300_000,
      retryAfterSeconds: 300,
      text: "Throttled: more than 2 requests in 300 s; retry after 300 s.",
    });
    expect(await shownReason(entry.seq)).toBe("Throttled: more than 2 requests in 300 s; retry after 300 s.");
    expect(await page.locator(`#request-table tr[data-seq="${entry.seq}"] .status`).textContent()).toBe("429");

    await page.locator("#tab-faults").click();
    expect(await page.locator("#tab-faults").textContent()).toBe("Faults and limits ");
    const revoke = page.locator('#limit-table tr[data-operation="revoke"]');
    await revoke.waitFor();
    const { json } = await send(emulator.endpoint, { method: "GET", path: "/_emulator/api/limits" });
    expect(json).toStrictEqual({
      limits: "revoke=2/5m",
      windows: [
        {
          operation: "revoke",
          requests: 2,
          windowMs: 300_000,
          inWindow: 2,
          nextAdmittedAt: expect.any(String),
          waitMs: expect.any(Number),
        },
      ],
    });
    const cells = await revoke.locator("td").allTextContents();
    expect(cells.slice(0, 3)).toStrictEqual(["revoke", "2 per 5 min", "2 of 2"]);
    expect(cells[3]).toMatch(/^in (5 min 00|4 min [45]\d) s$/);
    expect(await revoke.locator("td.next").getAttribute("title")).toBe(json.windows[0].nextAdmittedAt);
    expect(await revoke.getAttribute("class")).toBe("full");
    // The countdown is live: refreshed every second.
    await page.waitForFunction(
      (shown) => document.querySelector('#limit-table tr[data-operation="revoke"] td.next')?.textContent !== shown,
      cells[3],
    );
    expect(await page.locator("#limits-input").inputValue()).toBe("revoke=2/5m");
  });

  it("changes the rate limits from the page, saying why a limit is not understood", async () => {
    const input = page.locator("#limits-input");
    await input.fill("revoke=2/5m,issue=100/10h");
    await page.locator('#limits-form button[type="submit"]').click();
    await page
      .locator("#limits-error", {
        hasText: 'Rate limits: "issue=100/10h" is not understood. Expected "service", or operation=requests/window pairs',
      })
      .waitFor();
    await input.fill("revoke=2/5m, issue=100/10s");
    await page.locator('#limits-form button[type="submit"]').click();
    const issue = page.locator('#limit-table tr[data-operation="issue"]');
    await issue.waitFor();
    expect(await issue.locator("td").allTextContents()).toStrictEqual(["issue", "100 per 10 s", "0 of 100", "now"]);
    // The revoke limit did not change: its window still holds the two revokes.
    expect((await page.locator('#limit-table tr[data-operation="revoke"] td').allTextContents())[2]).toBe("2 of 2");
    expect(await page.locator("#limits-error").textContent()).toBe("");
    expect(await input.inputValue()).toBe("issue=100/10s,revoke=2/5m");
  });

  it("adds a fault from the page, says why one cannot be added, and removes it", async () => {
    await page.locator("#tab-faults").click();
    const form = page.locator("#fault-form");
    // The browser's own checks refuse a status that is not an error; past them, the emulator's message shows.
    await form.locator('input[name="status"]').fill("200");
    await form.locator('button[type="submit"]').click();
    expect(await form.locator('input[name="status"]').evaluate((input: HTMLInputElement) => input.validity.valid)).toBe(false);
    expect(emulator.faults.remaining()).toBe(0);
    await form.evaluate((element: HTMLFormElement) => (element.noValidate = true));
    await form.locator('button[type="submit"]').click();
    await page.locator("#fault-error", { hasText: "A fault's status must be an HTTP error status (400-599)." }).waitFor();
    await form.locator('select[name="operation"]').selectOption("createUser");
    await form.locator('input[name="status"]').fill("503");
    await form.locator('input[name="retryAfterSeconds"]').fill("2");
    await form.locator('input[name="count"]').fill("3");
    await form.locator('button[type="submit"]').click();
    const row = page.locator("#fault-table tbody tr");
    await row.first().waitFor();
    expect(await row.first().locator("td").allTextContents()).toStrictEqual([
      expect.stringMatching(/^\d+$/),
      "createUser",
      "HTTP 503, Retry-After 2 s",
      "3",
      "Remove",
    ]);
    expect(await page.locator("#fault-error").textContent()).toBe("");
    expect(emulator.faults.remaining()).toBe(3);
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-faults.png") });
    await row
      .first()
      .getByRole("button", { name: /^Remove fault \d+$/ })
      .click();
    await page.locator("#faults-empty").waitFor({ state: "visible" });
    expect(emulator.faults.remaining()).toBe(0);
  });

  it("shows limits a test sets through the API within a second, also after they were off", async () => {
    await page.locator("#tab-faults").click();
    const put = (limits: string | null) =>
      send(emulator.endpoint, {
        method: "PUT",
        path: "/_emulator/api/limits",
        body: JSON.stringify({ limits }),
        headers: { "content-type": "application/json" },
      });
    expect((await put(null)).status).toBe(200);
    await page.locator("#limits-empty").waitFor({ state: "visible" });
    expect(await page.locator("#limit-table").isVisible()).toBe(false);
    expect((await put("delete=1/1s")).status).toBe(200);
    const row = page.locator('#limit-table tr[data-operation="delete"]');
    await row.waitFor();
    expect(await row.locator("td").allTextContents()).toStrictEqual(["delete", "1 per 1 s", "0 of 1", "now"]);
    expect(await page.locator("#limits-empty").isVisible()).toBe(false);
  });

  it("resets the emulator's state from the page, after asking", async () => {
    await page.locator("#tab-requests").click();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.locator("#reset").click();
    await page.locator("#requests-empty").waitFor({ state: "visible" });
    expect(await page.locator("#request-table tbody tr").count()).toBe(0);
    expect(await page.locator("#refused-count").textContent()).toBe("");
    expect(emulator.identities()).toStrictEqual([]);
    await page.locator("#tab-identities").click();
    await page.locator("#search").fill("");
    await page.locator("#identity-total", { hasText: "0 identities" }).waitFor();
  });

  it("is usable by keyboard: arrow keys move between tabs, / jumps to the search", async () => {
    await page.locator("#tab-requests").click();
    await page.locator("#tab-requests").press("ArrowRight");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("tab-identities");
    expect(await page.locator("#identities").isVisible()).toBe(true);
    expect(await page.locator("#requests").isVisible()).toBe(false);
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("tab-assignments");
    expect(await page.locator("#assignments").isVisible()).toBe(true);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("tab-requests");
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("search");
  });
});

async function identityView(id: string): Promise<{ deletedAt: string }> {
  const response = await send(emulator.endpoint, { method: "GET", path: `/_emulator/api/identities/${encodeURIComponent(id)}` });
  return response.json.identity;
}
