// `npm run check:package`: the published package as its users' tools see it. Build first.
//  1. publint --strict: package.json fields point at files that exist, in the right format.
//  2. Are the Types Wrong (attw) on the packed tarball: every entry point, the emulator's included,
//     resolves to types that match its JavaScript under node10, node16 (CJS and ESM) and bundler.
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
// Every entry point, the emulator included, under every resolution mode (attw's full profile).
// node10 ignores "exports": "typesVersions" maps "acs-identity/emulator" to its declarations for
// projects still on moduleResolution node10 ("module": "commonjs"), as many Azure Functions are.
// The emulator's "browser": null is deliberate and attw does not check the browser condition.
run("attw", "--pack", ".");
run(process.execPath, "scripts/check-pack.mjs");
if (failed) process.exit(1);
