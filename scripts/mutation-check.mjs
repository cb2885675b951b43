// `npm run mutate:check`: compares the mutation score of each file in the last Stryker report
// (reports/mutation/mutation.json, written by `npm run mutate`) with the score recorded in
// mutation-scores.json, and exits 1 when a file scores lower, or when a recorded file is missing
// from the report (a run with `--mutate` on some files only). `--update` records the report's
// scores instead, for after tests were added; commit mutation-scores.json with them.
//
// The score is Stryker's, (killed + timed out) / (killed + timed out + survived + no coverage), with
// the equivalent mutants listed in mutation-equivalents.json left out: a surviving mutant is
// equivalent when its file, mutator, replacement and source line match an entry. A listed mutant
// that no longer survives (killed, or its line changed) is reported, to be taken off the list.
// Scores are percentages to two decimals, rounded down, so that a recorded score is reached again.
import { readFileSync, writeFileSync } from "node:fs";

const REPORT = "reports/mutation/mutation.json";
const RECORDED = "mutation-scores.json";
const EQUIVALENTS = "mutation-equivalents.json";

const keyOf = ({ file, mutator, replacement, line }) => JSON.stringify([file, mutator, replacement, line]);
const percent = (part, whole) => (whole === 0 ? 100 : Math.floor((part / whole) * 10_000) / 100);

/** Per file: Stryker's score, the number of listed equivalents among the survivors, and the score without them. */
function scores(report, equivalents) {
  const listed = new Set(equivalents.map(keyOf));
  const matched = new Set();
  const result = {};
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const lines = source.split("\n");
    const count = (...statuses) => mutants.filter((mutant) => statuses.includes(mutant.status)).length;
    const detected = count("Killed", "Timeout");
    const valid = detected + count("Survived", "NoCoverage");
    let equivalent = 0;
    for (const mutant of mutants.filter(({ status }) => status === "Survived" || status === "NoCoverage")) {
      const key = keyOf({
        file,
        mutator: mutant.mutatorName,
        replacement: mutant.replacement,
        line: lines[mutant.location.start.line - 1].trim(),
      });
      if (listed.has(key)) {
        equivalent++;
        matched.add(key);
      }
    }
    result[file] = {
      stryker: percent(detected, valid),
      equivalent,
      score: percent(detected, valid - equivalent),
      undetected: valid - detected - equivalent,
    };
  }
  const stale = equivalents.filter((entry) => report.files[entry.file] !== undefined && !matched.has(keyOf(entry)));
  return { result, stale };
}

let report;
try {
  report = JSON.parse(readFileSync(REPORT, "utf8"));
} catch {
  console.error(`No mutation report at ${REPORT}: run \`npm run mutate\` first.`);
  process.exit(1);
}
const { result: current, stale } = scores(report, JSON.parse(readFileSync(EQUIVALENTS, "utf8")));
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
const row = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(34) : String(cell).padStart(12))).join("");
console.log(row(["file", "stryker %", "equivalent", "score %", "recorded %", "undetected"]));
for (const file of [...new Set([...Object.keys(recorded), ...Object.keys(current)])].sort()) {
  const now = current[file];
  const floor = recorded[file];
  if (now === undefined) {
    failures.push(`${file}: not in the report (run \`npm run mutate\` on every file)`);
    console.log(row([file, "-", "-", "-", floor.toFixed(2), "-"]));
    continue;
  }
  console.log(
    row([file, now.stryker.toFixed(2), now.equivalent, now.score.toFixed(2), floor === undefined ? "-" : floor.toFixed(2), now.undetected]),
  );
  if (floor === undefined) failures.push(`${file}: no recorded score (run \`npm run mutate:check -- --update\`)`);
  else if (now.score < floor) failures.push(`${file}: ${now.score.toFixed(2)}% is below the recorded ${floor.toFixed(2)}%`);
}
for (const entry of stale) {
  console.warn(`\nListed as equivalent but not surviving (killed, or its line changed): take it off ${EQUIVALENTS}:\n  ${keyOf(entry)}`);
}
if (failures.length > 0) {
  console.error(`\nMutation scores below their record:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("\nEvery file scores at least its recorded mutation score.");
