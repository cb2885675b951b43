/**
 * The browser sample, built with esbuild from the built package and opened in Chromium against
 * the emulator: it shows the user id, 12 characters of the token and an ellipsis, and the expiry,
 * and never the whole token.
 */
import { execFileSync } from "node:child_process";
import { chromium, type Browser } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveSample } from "../../samples/browser/serve.mjs";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../helpers/chromium.js";

let emulator: Emulator;
let sample: Awaited<ReturnType<typeof serveSample>>;
let browser: Browser;

beforeAll(async () => {
  execFileSync(process.execPath, ["scripts/build-browser-sample.mjs"], { stdio: "pipe" });
  emulator = await startEmulator();
  sample = await serveSample({ connectionString: emulator.connectionString });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await sample?.close();
  await emulator?.close();
});

describe("samples/browser", () => {
  it("shows the new user, the first 12 characters of its chat token, and the expiry 60 minutes on", async () => {
    const page = await browser.newPage();
    const issued = page.waitForResponse((response) => response.url().includes("/:issueAccessToken"));
    await page.goto(sample.url);
    const { token } = (await (await issued).json()) as { token: string; expiresOn: string };
    await page.locator("#status", { hasText: "Done." }).waitFor({ timeout: 10_000 });
    const shown = async (id: string) => (await page.locator(`#${id}`).textContent()) ?? "";

    const userId = await shown("user-id");
    expect(userId).toMatch(new RegExp(`^8:acs:${emulator.resourceId}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
    expect(emulator.identity(userId)?.id).toBe(userId);
    expect(await shown("token")).toBe(`${token.slice(0, 12)}…`);
    expect(await shown("token")).toHaveLength(13);
    const expiresOn = await shown("expires-on");
    expect(expiresOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(expiresOn) - (Date.now() + 60 * 60_000))).toBeLessThan(5_000);
    expect(await page.content()).not.toContain(token);
    expect(await page.content()).not.toContain(token.slice(0, 13));
    await page.close();
  });
});
