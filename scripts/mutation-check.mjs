// `npm run mutate:check`: compares the mutation score of each file in the last Stryker report
// (reports/mutation/mutation.json, written by `npm run mutate`) with the score recorded in
// mutation-scores.json, and exits 1 when a file scores lower, or when a recorded file is missing
// from the report (a run with `--mutate` on some files only). `--update` records the report's
// scores instead, for after tests were added; commit mutation-scores.json with them.
// The score is Stryker's: (killed + timed out) / (killed + timed out + survived + no coverage),
// as a percentage, to two decimals (rounded down, so that the recorded score is always reached again).
import { readFileSync, writeFileSync } from "node:fs";

const REPORT = "reports/mutation/mutation.json";
const RECORDED = "mutation-scores.json";

/** Score per file of a mutation-testing-report-schema report. */
function scores(report) {
  const result = {};
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const count = (...statuses) => mutants.filter((mutant) => statuses.includes(mutant.status)).length;
    const detected = count("Killed", "Timeout");
    const valid = detected + count("Survived", "NoCoverage");
    result[file] = {
      score: valid === 0 ? 100 : Math.floor((detected / valid) * 10_000) / 100,
      killed: detected,
      survived: count("Survived"),
      noCoverage: count("NoCoverage"),
    };
  }
  return result;
}

let report;
try {
  report = JSON.parse(readFileSync(REPORT, "utf8"));
} catch {
  console.error(`No mutation report at ${REPORT}: run \`npm run mutate\` first.`);
  process.exit(1);
}
const current = scores(report);
const recorded = JSON.parse(readFileSync(RECORDED, "utf8"));

if (process.argv.includes("--update")) {
  const updated = Object.fromEntries(
    Object.entries(current)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([file, { score }]) => [file, score]),
  );
  writeFileSync(RECORDED, `${JSON.stringify(updated, null, 2)}\n`);
  console.log(`Recorded the scores of ${Object.keys(updated).length} files in ${RECORDED}.`);
  process.exit(0);
}

const failures = [];
const row = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(34) : String(cell).padStart(10))).join("");
console.log(row(["file", "score", "recorded", "killed", "survived", "no cover"]));
for (const file of [...new Set([...Object.keys(recorded), ...Object.keys(current)])].sort()) {
  const now = current[file];
  const floor = recorded[file];
  if (now === undefined) {
    failures.push(`${file}: not in the report (run \`npm run mutate\` on every file)`);
    console.log(row([file, "-", floor.toFixed(2), "-", "-", "-"]));
    continue;
  }
  console.log(row([file, now.score.toFixed(2), floor === undefined ? "-" : floor.toFixed(2), now.killed, now.survived, now.noCoverage]));
  if (floor === undefined) failures.push(`${file}: no recorded score (run \`npm run mutate:check -- --update\`)`);
  else if (now.score < floor) failures.push(`${file}: ${now.score.toFixed(2)}% is below the recorded ${floor.toFixed(2)}%`);
}
if (failures.length > 0) {
  console.error(`\nMutation scores below their record:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("\nEvery file scores at least its recorded mutation score.");
