import { defineConfig } from "vitest/config";
import { platformAliases } from "./scripts/platform-modules.mjs";

// The test set `npm run mutate` (Stryker) runs against each mutant: the node unit tests of the
// mutated files only. No browser project (Stryker's vitest runner drives one node process), and
// no test that runs the built package from dist/ (a mutant of src/ never reaches it).

export default defineConfig({
  resolve: { alias: platformAliases(false) },
  test: {
    environment: "node",
    include: [
      "test/accessKeyCredentialPolicy.test.ts",
      "test/accessKeyCredentialPolicyWebCrypto.test.ts",
      "test/argumentChecks.test.ts",
      "test/clockOffset.test.ts",
      "test/communicationIdentityClient.test.ts",
      "test/connectionString.test.ts",
      "test/connectionStringMessages.test.ts",
      "test/customId.test.ts",
      "test/entraAssignments.test.ts",
      "test/keyCredential.test.ts",
      "test/paging.test.ts",
      "test/pipeline.test.ts",
      "test/responseBodies.test.ts",
      "test/responses.test.ts",
      "test/retryDelays.test.ts",
      "test/retryPolicy.test.ts",
      "test/serviceError.test.ts",
      "test/signing.test.ts",
      "test/teamsExtensionAssignments.test.ts",
      "test/validation.test.ts",
      "test/emulator/assignmentEventChecks.test.ts",
      "test/emulator/assignments.test.ts",
      "test/emulator/assignmentsBookkeeping.test.ts",
      "test/emulator/assignmentsStore.test.ts",
      "test/emulator/auth.test.ts",
      "test/emulator/authenticator.test.ts",
      "test/emulator/entraExchange.test.ts",
      "test/emulator/exchangeRace.test.ts",
      "test/emulator/journal.test.ts",
      "test/emulator/journalEvents.test.ts",
      "test/emulator/journalFailures.test.ts",
      "test/emulator/reasons.test.ts",
      "test/emulator/store.test.ts",
      "test/emulator/storeCreates.test.ts",
    ],
    testTimeout: 20_000,
  },
});
