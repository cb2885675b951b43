/**
 * The token-handoff sample in Chromium against the emulator: the app's own sign-in guards the
 * token route, the page's AutoRefreshingTokenCredential reads the route's JSON as it comes, and
 * the page never shows the whole token.
 */
import { execFileSync } from "node:child_process";
import { chromium, type Browser, type Page } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveTokenHandoff } from "../../samples/token-handoff/server.mjs";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../helpers/chromium.js";

const PASSWORD = "correct horse battery staple";

let emulator: Emulator;
let app: Awaited<ReturnType<typeof serveTokenHandoff>>;
let browser: Browser;

beforeAll(async () => {
  execFileSync(process.execPath, ["scripts/build-browser-sample.mjs"], { stdio: "pipe" });
  emulator = await startEmulator();
  app = await serveTokenHandoff({ connectionString: emulator.connectionString, users: { alice: PASSWORD } });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await emulator?.close();
});

async function signIn(page: Page, password: string): Promise<void> {
  await page.fill("#username", "alice");
  await page.fill("#password", password);
  await page.click("button[type=submit]");
}

const shown = async (page: Page, id: string) => (await page.locator(`#${id}`).textContent()) ?? "";

describe("samples/token-handoff", () => {
  it("refuses the token route without a session, before any identity is created", async () => {
    const response = await fetch(new URL("/api/token", app.url), { method: "POST" });
    expect(response.status).toBe(401);
    expect(await response.json()).toStrictEqual({ error: "Sign in first." });
    const forged = await fetch(new URL("/api/token", app.url), { method: "POST", headers: { cookie: "sid=made-up" } });
    expect(forged.status).toBe(401);
    expect(emulator.identities()).toStrictEqual([]);
  });

  it("refuses a wrong password and sends no token request", async () => {
    const page = await browser.newPage();
    const tokenRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/api/token")) tokenRequests.push(request.url());
    });
    await page.goto(app.url);
    await signIn(page, "wrong");
    await page.locator("#status", { hasText: "Sign-in failed" }).waitFor({ timeout: 10_000 });
    expect(await shown(page, "status")).toBe("Sign-in failed: Wrong user name or password.");
    expect(tokenRequests).toStrictEqual([]);
    await page.close();
  });

  it("signs in, and the credential takes the token route's JSON (expiresOn a string) as it comes", async () => {
    const page = await browser.newPage();
    await page.goto(app.url);
    const route = page.waitForResponse((response) => response.url().endsWith("/api/token"));
    await signIn(page, PASSWORD);
    const body = (await (await route).json()) as { user: { communicationUserId: string }; token: string; expiresOn: string };
    await page.locator("#status", { hasText: "Done." }).waitFor({ timeout: 10_000 });

    expect(Object.keys(body).sort()).toStrictEqual(["expiresOn", "token", "user"]);
    expect(typeof body.expiresOn).toBe("string");
    const userId = await shown(page, "user-id");
    expect(userId).toBe(body.user.communicationUserId);
    expect(emulator.identity(userId)?.id).toBe(userId);
    expect(await shown(page, "token")).toBe(`${body.token.slice(0, 12)}…`);
    expect(await shown(page, "expires-on")).toBe(new Date(body.expiresOn).toISOString());
    expect(Math.abs(Date.parse(body.expiresOn) - (Date.now() + 24 * 60 * 60_000))).toBeLessThan(10_000);
    expect(await page.content()).not.toContain(body.token);

    // Signing in again keeps the same Communication Services user for the same app user.
    const again = page.waitForResponse((response) => response.url().endsWith("/api/token"));
    await signIn(page, PASSWORD);
    const second = (await (await again).json()) as { user: { communicationUserId: string } };
    expect(second.user.communicationUserId).toBe(userId);
    expect(emulator.identities()).toHaveLength(1);
    await page.close();
  });
});
