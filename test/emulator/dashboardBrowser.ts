/** The dashboard opened in Chromium for the browser tests of its views. */
import { chromium, type Browser, type Page } from "playwright";
import type { Emulator } from "../../src/emulator/index.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../helpers/chromium.js";

/** Opens the emulator's dashboard in a new Chromium, at 1366x820, once its live stream is connected. */
export async function openDashboard(emulator: Emulator): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
  await page.goto(emulator.dashboardUrl!);
  await page.locator("#live", { hasText: "live" }).waitFor();
  return { browser, page };
}
