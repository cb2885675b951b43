// ESLint flat config. TypeScript gets typescript-eslint's type-aware recommended rules, read from
// the program in tsconfig.test.json (src, tests, samples, bench, scripts); plain JavaScript (build
// scripts, .mjs samples) gets the syntax-only recommended rules. Formatting is Prettier's job.
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "dist/",
      "coverage/",
      "reports/",
      "review/",
      "temp/",
      "test-results/",
      "samples/browser/dist/",
      "samples/token-handoff/dist/",
      "samples/dist/",
      "node_modules/",
    ],
  },
  tseslint.configs.recommended,
  {
    files: ["**/*.{ts,mts,cts}"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // One program for the whole repository, rather than the project service: the project
      // service only finds tsconfig.json, which covers src/ alone.
      parserOptions: { project: "./tsconfig.test.json", tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // An argument or caught error may go unused when its name starts with `_`.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["**/*.{ts,mts,cts}"],
    rules: {
      // `async` without `await` is deliberate here: it turns a synchronous throw into a rejection,
      // and keeps handlers that share a signature (routes, stub transports) uniformly async.
      "@typescript-eslint/require-await": "off",
      // Passing on another promise's rejection reason unchanged (typed `unknown`) is allowed;
      // rejecting with a literal that is not an Error still is not.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // Tests stringify credentials and clients on purpose, to prove no key shows.
      "@typescript-eslint/no-base-to-string": "off",
      // Tests read loosely typed JSON bodies and captured requests, and assert with `!` what the
      // test itself set up (or cast fakes with `as never`); the assertions that follow check exact values.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
    },
  },
);
