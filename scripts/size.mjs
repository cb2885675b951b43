// `npm run size`: browser bundles, side by side, minified and gzipped (esbuild: minify, ESM,
// platform browser, tree-shaking; gzip level 9), of
// - `import { CommunicationIdentityClient } from ...` for this package and for the official
//   @azure/communication-identity. Budget 14,900 bytes gzip (issue 12: 13,500, for what onResponse,
//   additionalPolicies and the other core-client options add, tracing staying out of browser
//   bundles; issue 14: 14,800, measured 14,727 with the eight assignment methods, their checks,
//   readers and paging, which as methods of the class are in every bundle of it; 14,900 after the
//   review: 14,852 with the duplicate-key check of updateEntraAssignments).
// - `import { EntraCommunicationTokenCredential } from "acs-identity"` and
//   `import { AzureCommunicationTokenCredential } from "@azure/communication-common"` (which takes
//   the same Entra options). Budget 8,100 bytes gzip (issue 14: 7,839 as first measured; 8,063
//   once an exchange target is checked against the table and the final URL against the endpoint).
// Exits 1 when one of ours is over its budget. `--inputs` (or going over budget) also lists where
// our bytes go, from esbuild's metafile. Needs the built package (`npm run build`).
import { bundleSource, gzipSize } from "./browser-bundle.mjs";

const COMPARISONS = [
  {
    budget: 14_900,
    entries: [
      ["acs-identity", "CommunicationIdentityClient"],
      ["@azure/communication-identity", "CommunicationIdentityClient"],
    ],
  },
  {
    budget: 8_100,
    entries: [
      ["acs-identity", "EntraCommunicationTokenCredential"],
      ["@azure/communication-common", "AzureCommunicationTokenCredential"],
    ],
  },
];

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const row = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(66) : cell.padStart(22))).join("");

let anyOver = false;
for (const { budget, entries } of COMPARISONS) {
  const results = [];
  for (const [name, symbol] of entries) {
    const bundle = await bundleSource(`export { ${symbol} } from "${name}";`);
    results.push({ name, symbol, bundle, minified: bundle.bytes.length, gzip: gzipSize(bundle.bytes) });
  }
  const [ours, official] = results;

  console.log(`Browser bundle of \`import { ${ours.symbol} } from "acs-identity"\` and its official counterpart`);
  console.log("(esbuild: minify, format esm, platform browser, tree-shaking; gzip: node:zlib level 9)\n");
  console.log(row(["package (export)", "minified", "gzip"]));
  for (const { name, symbol, minified, gzip } of results) {
    console.log(row([`${name} (${symbol})`, `${kib(minified)} (${minified} B)`, `${kib(gzip)} (${gzip} B)`]));
  }
  console.log(row(["ours / official", `${(ours.minified / official.minified).toFixed(2)}`, `${(ours.gzip / official.gzip).toFixed(2)}`]));

  const over = ours.gzip > budget;
  console.log(
    `\nBudget: ours at most ${budget} bytes gzip: ${over ? `OVER by ${ours.gzip - budget} bytes` : `OK, ${budget - ours.gzip} bytes to spare`}.\n`,
  );
  if (over || process.argv.includes("--inputs")) printInputs(ours.bundle.metafile);
  anyOver ||= over;
}
process.exitCode = anyOver ? 1 : 0;

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
