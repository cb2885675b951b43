// Runs API Extractor for each public entry point against the built declarations in dist/esm.
// `node scripts/api-extractor.mjs` fails when a report in review/ differs from the code (or on any
// warning); `--local` rewrites the reports instead. Build first.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";

const local = process.argv.includes("--local");
// API Extractor writes a new report only into a folder that exists.
if (local) mkdirSync("review", { recursive: true });
const entries = [
  { config: "api-extractor.json", source: "src/index.ts" },
  { config: "api-extractor.emulator.json", source: "src/emulator/index.ts" },
  { config: "api-extractor.surge.json", source: "src/surge/index.ts" },
  { config: "api-extractor.redis.json", source: "src/redis/index.ts" },
];

let failed = false;
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
    failed = true;
    console.error(
      `\napi-extractor: ${config} failed. Fix the errors and warnings above (TSDoc, forgotten exports); if the report` +
        " changed on purpose, run `npm run api:update` and commit review/.",
    );
  }
}
if (failed) process.exit(1);
