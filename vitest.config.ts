import { fileURLToPath } from "node:url";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { emulatorCommands } from "./test/browser/commands.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./test/helpers/chromium.js";

const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: { "#hmac": src("hmac.ts"), "#nodePolicies": src("nodePolicies.ts"), "#tracing": src("tracing.ts") } },
        test: {
          name: "node",
          environment: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/browser/**"],
          testTimeout: 20_000,
        },
      },
      {
        resolve: {
          alias: {
            "#hmac": src("hmac-browser.ts"),
            "#nodePolicies": src("nodePolicies-browser.ts"),
            "#tracing": src("tracing-browser.ts"),
          },
        },
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/browser/globalSetup.ts"],
          testTimeout: 20_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: "chromium" }],
            commands: emulatorCommands,
          },
        },
      },
    ],
  },
});
