// The one table of platform-specific modules: "#name" resolves to src/<path>.ts in Node.js and to
// src/<path>-browser.ts in browsers. scripts/build.mjs and the vitest configs read it; tsconfig.json's
// "paths" names the Node.js files (tsconfig cannot import this table, so keep the two in step).
import { fileURLToPath } from "node:url";

export const PLATFORM_MODULES = { hmac: "auth/hmac", nodePolicies: "transport/nodePolicies", tracing: "transport/tracing" };

/** The alias map for one platform: `{ "#hmac": "/abs/src/auth/hmac.ts", ... }`. */
export function platformAliases(browser) {
  return Object.fromEntries(
    Object.entries(PLATFORM_MODULES).map(([name, path]) => [
      `#${name}`,
      fileURLToPath(new URL(`../src/${path}${browser ? "-browser" : ""}.ts`, import.meta.url)),
    ]),
  );
}
