// Runs API Extractor for each public entry point against the built declarations in dist/esm.
// `node scripts/api-extractor.mjs` fails when a report in review/ differs from the code (or on any
// warning); `--local` rewrites the reports instead. Build first.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const local = process.argv.includes("--local");
const entries = [
  { config: "api-extractor.json", source: "src/index.ts" },
  { config: "api-extractor.emulator.json", source: "src/emulator/index.ts" },
];

for (const { config, source } of entries) {
  // The emulator's entry point is still being written; guard it as soon as its source exists.
  if (!existsSync(source)) {
    console.warn(`api-extractor: skipping ${config}: ${source} does not exist yet.`);
    continue;
  }
  const args = ["node_modules/@microsoft/api-extractor/bin/api-extractor", "run", "--config", config, ...(local ? ["--local"] : [])];
  try {
    execFileSync(process.execPath, args, { stdio: "inherit" });
  } catch {
    console.error(`\napi-extractor: ${config} failed. If the API change is intended, run \`npm run api:update\` and commit review/.`);
    process.exit(1);
  }
}
