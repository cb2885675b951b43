// StrykerJS (`npm run mutate`): mutation testing of the client's core and the emulator's auth,
// store and journal. Not part of `npm test` (it takes minutes); `npm run mutate:check` compares
// the last report with the scores recorded in mutation-scores.json. Mutants that cannot be killed
// because they change no behaviour (equivalent mutants) are listed, with the reason, in
// mutation-equivalents.json, which mutate:check leaves out of its score.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts", related: true },
  coverageAnalysis: "perTest",
  mutate: [
    "src/auth/accessKeyCredentialPolicy.ts",
    "src/auth/connectionString.ts",
    "src/client/responses.ts",
    "src/transport/retryPolicy.ts",
    "src/client/serviceError.ts",
    "src/auth/signing.ts",
    "src/client/validation.ts",
    "src/emulator/auth/auth.ts",
    "src/emulator/store/assignmentEventChecks.ts",
    "src/emulator/store/assignments.ts",
    "src/emulator/store/journal.ts",
    "src/emulator/store/store.ts",
  ],
  // Two cores: more test processes only queue behind each other.
  concurrency: 2,
  // Reuse the previous run's results for code and tests that did not change. The file is a
  // local cache (git-ignored with the rest of reports/): it changes on every run and would
  // conflict on every merge; the recorded scores live in mutation-scores.json instead.
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: true, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: "reports/.stryker-tmp",
  cleanTempDir: true,
  ignorePatterns: ["dist", "coverage", "samples/**/dist", "bench/results.json", "test-results", ".vitest-attachments"],
};
