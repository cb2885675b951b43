// Runs one sample: `npm run sample -- <name>`; `npm start` runs the quickstart. Without a known
// name it lists the samples and exits with 1. It first builds what is missing or older than its
// source, so a fresh clone works: the package (dist/, which the samples import as "acs-identity")
// and the samples' JavaScript (samples/dist/, compiled from samples/*.ts by tsconfig.samples.json).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

process.chdir(fileURLToPath(new URL("..", import.meta.url)));

/** True when a `.ts` file in `sourceDir` has no `.js` twin in `outDir`, or a newer one. */
function outOfDate(sourceDir, outDir, recursive) {
  return readdirSync(sourceDir, { recursive, encoding: "utf8" }).some((file) => {
    if (!file.endsWith(".ts") || file.endsWith(".d.ts")) return false;
    const out = join(outDir, file.replace(/\.ts$/, ".js"));
    return !existsSync(out) || statSync(out).mtimeMs < statSync(join(sourceDir, file)).mtimeMs;
  });
}

function run(args, why) {
  process.stderr.write(`${why}\n`);
  const { status } = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (status !== 0) process.exit(status ?? 1);
}

const samples = readdirSync("samples")
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.slice(0, -3))
  .sort();
const name = process.argv[2];

if (name === undefined || !samples.includes(name)) {
  if (name !== undefined) console.error(`No sample named "${name}".`);
  console.error("Usage: npm run sample -- <name>\n\nSamples:");
  const width = Math.max(...samples.map((sample) => sample.length)) + 2;
  for (const sample of samples) {
    // Each sample's first line is a comment saying what it shows.
    const summary = readFileSync(`samples/${sample}.ts`, "utf8")
      .split("\n", 1)[0]
      .replace(/^\/\/\s*/, "");
    console.error(`  ${sample.padEnd(width)}${summary}`);
  }
  process.exit(1);
}

if (outOfDate("src", "dist/esm", true)) run(["scripts/build.mjs"], "Building the package (dist/ is missing or older than src/)...");
if (outOfDate("samples", "samples/dist", false) || outOfDate("samples/shared", "samples/dist/shared", false)) {
  run(["node_modules/typescript/bin/tsc", "-p", "tsconfig.samples.json"], "Compiling the samples to samples/dist/...");
}
const { status } = spawnSync(process.execPath, [`samples/dist/${name}.js`], { stdio: "inherit" });
process.exit(status ?? 1);
