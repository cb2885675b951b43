// Fails unless the npm tarball holds only the built files and the package's documents, so that
// sources, tests, configs and secrets never ship. Prints every file that should not be there.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const ALLOWED = [/^dist\//, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE$/, /^package\.json$/];
const REQUIRED = [
  "package.json",
  "README.md",
  "CHANGELOG.md",
  "LICENSE",
  "dist/esm/index.js",
  "dist/cjs/index.js",
  "dist/esm/surge/index.js",
  "dist/cjs/surge/index.js",
];

// npm on Windows is npm.cmd, which execFile cannot start without a shell.
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const output = execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], {
  encoding: "utf8",
  shell: process.platform === "win32",
});
const [{ files }] = JSON.parse(output);
const paths = files.map((file) => file.path);

const unexpected = paths.filter((path) => !ALLOWED.some((pattern) => pattern.test(path)));
const missing = REQUIRED.filter((path) => !paths.includes(path));
// "#hmac", "#nodePolicies" and "#tracing" resolve only inside this project (tsconfig paths, the
// build): a declaration file naming one is a broken type for every user.
const unresolvable = paths.filter((path) => path.endsWith(".d.ts") && /from "#/.test(readFileSync(path, "utf8")));
for (const path of unexpected) console.error(`unexpected in the tarball: ${path}`);
for (const path of missing) console.error(`missing from the tarball: ${path}`);
for (const path of unresolvable) console.error(`imports a "#" module only this project resolves: ${path}`);
if (unresolvable.length > 0) {
  console.error('\nImport types from the Node.js module itself (e.g. "../transport/tracing.js"), not through "#name".');
  process.exit(1);
}
if (unexpected.length > 0 || missing.length > 0) {
  console.error(
    "\nThe tarball may hold only dist/**, README.md, CHANGELOG.md, LICENSE and package.json; fix `files` in package.json (or build first).",
  );
  process.exit(1);
}
console.log(`check-pack: ${paths.length} files, all expected.`);
