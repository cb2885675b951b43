// Builds the package twice from one source: ESM into dist/esm and CommonJS into dist/cjs.
// dist/cjs gets its own package.json so Node and TypeScript read its .js and .d.ts as CommonJS.
import { execFileSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const tsc = (project) => execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", project], { stdio: "inherit" });

rmSync("dist", { recursive: true, force: true });
tsc("tsconfig.json");
tsc("tsconfig.cjs.json");
// The CommonJS build never runs in a browser, so its "#hmac" always means node:crypto and its
// "#nodePolicies" the Node.js policies: point each reference straight at the Node.js file in
// dist/cjs. (An "imports" map in dist/cjs/package.json would work in Node.js, but bundlers and
// publint read only the root package.json's, which maps these names to ESM.)
const NODE_IMPORTS = { "#hmac": "dist/cjs/hmac.js", "#nodePolicies": "dist/cjs/nodePolicies.js" };
for (const file of readdirSync("dist/cjs", { recursive: true, encoding: "utf8" })) {
  if (!/\.(js|d\.ts)$/.test(file)) continue;
  const path = join("dist/cjs", file);
  const text = readFileSync(path, "utf8");
  let rewritten = text;
  for (const [name, target] of Object.entries(NODE_IMPORTS)) {
    const relativePath = relative(dirname(path), target).replaceAll("\\", "/");
    rewritten = rewritten.replaceAll(
      JSON.stringify(name),
      JSON.stringify(relativePath.startsWith(".") ? relativePath : `./${relativePath}`),
    );
  }
  if (rewritten !== text) writeFileSync(path, rewritten);
}
writeFileSync("dist/cjs/package.json", `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
try {
  chmodSync("dist/esm/cli/main.js", 0o755);
} catch {
  // The command line is optional while it is being written.
}
