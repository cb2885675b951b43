// `npm run size`: the browser bundle of `import { CommunicationIdentityClient } from ...` for this
// package and for the official @azure/communication-identity, side by side, minified and gzipped
// (esbuild: minify, ESM, platform browser, tree-shaking; gzip level 9). Exits 1 when ours is over
// the budget of 14,800 bytes gzip (issue 12: 13,500, for what onResponse, additionalPolicies and
// the other core-client options add, tracing staying out of browser bundles; issue 14: 14,800,
// measured 14,727 with the eight assignment methods, their checks, readers and paging, which as
// methods of the class are in every bundle of it). `--inputs` (or going over budget) also
// lists where our bytes go, from esbuild's metafile. Needs the built package (`npm run build`).
import { bundleSource, gzipSize } from "./browser-bundle.mjs";

const BUDGET_GZIP_BYTES = 14_800;
const PACKAGES = ["acs-identity", "@azure/communication-identity"];

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const row = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(32) : cell.padStart(22))).join("");

const results = [];
for (const name of PACKAGES) {
  const bundle = await bundleSource(`export { CommunicationIdentityClient } from "${name}";`);
  results.push({ name, bundle, minified: bundle.bytes.length, gzip: gzipSize(bundle.bytes) });
}
const [ours, official] = results;

console.log("Browser bundle of `import { CommunicationIdentityClient } from <package>`");
console.log("(esbuild: minify, format esm, platform browser, tree-shaking; gzip: node:zlib level 9)\n");
console.log(row(["package", "minified", "gzip"]));
for (const { name, minified, gzip } of results) console.log(row([name, `${kib(minified)} (${minified} B)`, `${kib(gzip)} (${gzip} B)`]));
console.log(row(["ours / official", `${(ours.minified / official.minified).toFixed(2)}`, `${(ours.gzip / official.gzip).toFixed(2)}`]));

const over = ours.gzip > BUDGET_GZIP_BYTES;
console.log(
  `\nBudget: ours at most ${BUDGET_GZIP_BYTES} bytes gzip: ${
    over ? `OVER by ${ours.gzip - BUDGET_GZIP_BYTES} bytes` : `OK, ${BUDGET_GZIP_BYTES - ours.gzip} bytes to spare`
  }.`,
);
if (over || process.argv.includes("--inputs")) printInputs(ours.bundle.metafile);
process.exitCode = over ? 1 : 0;

/** Minified bytes per package and per module of ours, largest first. */
function printInputs(metafile) {
  const [output] = Object.values(metafile.outputs);
  const inputs = Object.entries(output.inputs).filter(([, { bytesInOutput }]) => bytesInOutput > 0);
  const byPackage = new Map();
  for (const [path, { bytesInOutput }] of inputs) {
    const owner = path.startsWith("dist/") ? "acs-identity (dist/esm)" : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path);
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + bytesInOutput);
  }
  console.log("\nMinified bytes by package (before gzip):");
  for (const [owner, bytes] of [...byPackage].sort((a, b) => b[1] - a[1])) console.log(`  ${String(bytes).padStart(7)}  ${owner}`);
  console.log("\nLargest modules (minified bytes):");
  for (const [path, { bytesInOutput }] of inputs.sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, 25)) {
    console.log(`  ${String(bytesInOutput).padStart(7)}  ${path.replace(/^node_modules\//, "")}`);
  }
}
