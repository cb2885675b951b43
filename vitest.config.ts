import { fileURLToPath } from "node:url";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { emulatorCommands } from "./test/browser/commands.js";

const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

/**
 * How Chromium runs here: Debian's build (Playwright cannot download its own), headless, as root
 * (no sandbox), and with no background traffic to Google's hosts, which a closed network refuses.
 * Playwright gives every launch a fresh, empty profile directory of its own.
 */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: { "#hmac": src("hmac.ts"), "#nodePolicies": src("nodePolicies.ts") } },
        test: {
          name: "node",
          environment: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/browser/**"],
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias: { "#hmac": src("hmac-browser.ts"), "#nodePolicies": src("nodePolicies-browser.ts") } },
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/browser/globalSetup.ts"],
          testTimeout: 20_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium", args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: "chromium" }],
            commands: emulatorCommands,
          },
        },
      },
    ],
  },
});
