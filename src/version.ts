/**
 * The package's version, for the `User-Agent` and `acs-identity --version`. Kept equal to
 * package.json's by test/version.test.ts (a JSON import would not survive every bundler).
 *
 * @internal
 */
export const PACKAGE_VERSION = "0.1.0";
