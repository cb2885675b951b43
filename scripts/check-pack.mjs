// Fails unless the npm tarball holds only the built files and the package's documents, so that
// sources, tests, configs and secrets never ship. Prints every file that should not be there.
import { execFileSync } from "node:child_process";

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
for (const path of unexpected) console.error(`unexpected in the tarball: ${path}`);
for (const path of missing) console.error(`missing from the tarball: ${path}`);
if (unexpected.length > 0 || missing.length > 0) {
  console.error(
    "\nThe tarball may hold only dist/**, README.md, CHANGELOG.md, LICENSE and package.json; fix `files` in package.json (or build first).",
  );
  process.exit(1);
}
console.log(`check-pack: ${paths.length} files, all expected.`);
