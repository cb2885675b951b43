import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SDK_USER_AGENT } from "../src/transport/pipeline.js";
import { PACKAGE_VERSION } from "../src/version.js";

describe("PACKAGE_VERSION", () => {
  it("is package.json's version, and the User-Agent's", () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(PACKAGE_VERSION).toBe(version);
    expect(SDK_USER_AGENT).toBe(`acs-identity/${version}`);
  });
});
