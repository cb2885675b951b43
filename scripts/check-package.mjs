// `npm run check:package`: the published package as its users' tools see it. Build first.
//  1. publint --strict: package.json fields point at files that exist, in the right format.
//  2. Are the Types Wrong (attw) on the packed tarball: every entry point resolves to types that
//     match its JavaScript under node10, node16 (CJS and ESM) and bundler resolution.
//  3. scripts/check-pack.mjs: the tarball holds only dist/**, the documents and package.json.
import { execFileSync } from "node:child_process";

// Run through `npm run`, which puts node_modules/.bin on PATH; Windows needs a shell for its .cmd shims.
// Every check runs even when one fails, so a single run shows every problem.
let failed = false;
const run = (command, ...args) => {
  try {
    execFileSync(command, args, { stdio: "inherit", shell: process.platform === "win32" });
  } catch {
    failed = true; // The tool has already printed why.
  }
};

run("publint", "--strict");
// Every entry point but the Node.js-only subpaths, under every resolution mode, node10 included.
run("attw", "--pack", ".", "--exclude-entrypoints", "./emulator", "./surge", "./redis");
// "acs-identity/emulator", "acs-identity/surge" and "acs-identity/redis" are subpath exports for Node.js 20+ only: node10
// resolution (which ignores "exports") cannot reach any subpath, and no Node.js that reads
// "exports" lacks it, so the node16 profile (everything but node10) is the right bar. Their
// "browser": null is deliberate and attw does not check the browser condition.
run("attw", "--pack", ".", "--entrypoints", "./emulator", "./surge", "./redis", "--profile", "node16");
run(process.execPath, "scripts/check-pack.mjs");
if (failed) process.exit(1);
