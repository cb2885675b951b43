import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { platformAliases } from "./scripts/platform-modules.mjs";
import { emulatorCommands } from "./test/browser/commands.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./test/helpers/chromium.js";

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: platformAliases(false) },
        test: {
          name: "node",
          environment: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/browser/**"],
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias: platformAliases(true) },
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
