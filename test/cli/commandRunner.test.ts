import { describe, expect, it } from "vitest";
import { withFlagNames } from "../../src/cli/commandRunner.js";

describe("withFlagNames", () => {
  const flags = { tenantId: "--tenant", "assignment.clientIds": "--client-id" };
  it.each([
    ["tenantId must be a GUID string.", "--tenant must be a GUID string."],
    ["assignment.clientIds[2] must be a GUID string.", "--client-id must be a GUID string."],
    ["objectId must be a GUID string.", "objectId must be a GUID string."],
    ['changes["x"].clientIds[0] must be a GUID string.', 'changes["x"].clientIds[0] must be a GUID string.'],
    ["The tenantId is wrong.", "The tenantId is wrong."],
  ])("%j -> %j", (message, expected) => {
    expect(withFlagNames(message, flags)).toBe(expected);
  });
});
