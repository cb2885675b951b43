// Builds the package twice from one source: ESM into dist/esm and CommonJS into dist/cjs.
// dist/cjs gets its own package.json so Node and TypeScript read its .js and .d.ts as CommonJS.
import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const tsc = (project) => execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", project], { stdio: "inherit" });

rmSync("dist", { recursive: true, force: true });
tsc("tsconfig.json");
tsc("tsconfig.cjs.json");
// The CommonJS build never runs in a browser, so its "#hmac" always means node:crypto: point each
// reference straight at dist/cjs/hmac.js. (An "imports" map in dist/cjs/package.json would work in
// Node.js, but bundlers and publint read only the root package.json's, which maps "#hmac" to ESM.)
for (const file of readdirSync("dist/cjs", { recursive: true, encoding: "utf8" })) {
  if (!/\.(js|d\.ts)$/.test(file)) continue;
  const path = join("dist/cjs", file);
  const hmac = relative(dirname(path), "dist/cjs/hmac.js").replaceAll("\\", "/");
  const text = readFileSync(path, "utf8");
  const rewritten = text.replaceAll('"#hmac"', JSON.stringify(hmac.startsWith(".") ? hmac : `./${hmac}`));
  if (rewritten !== text) writeFileSync(path, rewritten);
}
writeFileSync("dist/cjs/package.json", `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
try {
  chmodSync("dist/esm/cli/main.js", 0o755);
} catch {
  // The command line is optional while it is being written.
}
