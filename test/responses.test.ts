import { describe, expect, it } from "vitest";
import { parseTimestamp } from "../src/client/responses.js";

describe("parseTimestamp", () => {
  it.each([
    ["2023-10-10T21:39:39.3244584+00:00", "2023-10-10T21:39:39.324Z"],
    ["2023-10-10T21:39:39.9999999+00:00", "2023-10-10T21:39:39.999Z"],
    ["2023-10-10T21:39:39+00:00", "2023-10-10T21:39:39.000Z"],
    ["2023-10-10T21:39:39.5Z", "2023-10-10T21:39:39.500Z"],
    ["2023-10-10T23:39:39.1234567+02:00", "2023-10-10T21:39:39.123Z"],
    ["2023-10-10T21:39:39.12-01:30", "2023-10-10T23:09:39.120Z"],
  ])("%s is %s", (value, iso) => {
    expect(parseTimestamp(value)?.toISOString()).toBe(iso);
  });

  it.each([undefined, 42, "", "yesterday", "2023-10-10", "2023-10-10T21:39:39", "2023-13-10T21:39:39Z"])("refuses %s", (value) => {
    expect(parseTimestamp(value)).toBeUndefined();
  });
});
