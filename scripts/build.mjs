// Builds the package twice from one source: ESM into dist/esm and CommonJS into dist/cjs.
// dist/cjs gets its own package.json so Node and TypeScript read its .js and .d.ts as CommonJS.
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync, writeFileSync } from "node:fs";

const tsc = (project) => execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", project], { stdio: "inherit" });

rmSync("dist", { recursive: true, force: true });
tsc("tsconfig.json");
tsc("tsconfig.cjs.json");
// The CommonJS build never runs in a browser, so its "#hmac" always means node:crypto.
const cjsManifest = { type: "commonjs", imports: { "#hmac": "./hmac.js" } };
writeFileSync("dist/cjs/package.json", `${JSON.stringify(cjsManifest, null, 2)}\n`);
try {
  chmodSync("dist/esm/cli/main.js", 0o755);
} catch {
  // The command line is optional while it is being written.
}
