import { describe, expect, it } from "vitest";
import { formatRateLimits, limitedOperationOf, parseRateLimits } from "../src/limits/rateLimits.js";
import { SlidingWindow } from "../src/limits/slidingWindow.js";

describe("parseRateLimits", () => {
  it("reads figures in ms, s and m, and lets later items win over 'service'", () => {
    expect(parseRateLimits("issue=100/10s, create=5/500ms,exchange=2/1.5m")).toStrictEqual({
      issue: { requests: 100, windowMs: 10_000 },
      create: { requests: 5, windowMs: 500 },
      exchange: { requests: 2, windowMs: 90_000 },
    });
    expect(parseRateLimits("service,delete=1/1s").delete).toStrictEqual({ requests: 1, windowMs: 1000 });
    expect(parseRateLimits("service").delete).toStrictEqual({ requests: 500, windowMs: 30_000 });
  });
});

describe("formatRateLimits", () => {
  it("writes limits as parseRateLimits reads them, in the documented order, each window in its largest whole unit", () => {
    const written = formatRateLimits(parseRateLimits("exchange=2/1.5m,issue=100/10s, create=5/500ms,delete=1/0.5ms,revoke=3/120s"));
    expect(written).toBe("create=5/500ms,issue=100/10s,delete=1/0.5ms,revoke=3/2m,exchange=2/90s");
    expect(formatRateLimits(parseRateLimits(written))).toBe(written);
    expect(formatRateLimits({})).toBe("");
  });
});

describe("limitedOperationOf", () => {
  it("names the limit each request counts against", () => {
    expect(
      [
        ["POST", "/identities", "{}"],
        ["POST", "/identities", '{"createTokenWithScopes":["chat"]}'],
        ["POST", "/identities/8%3Aacs%3Ax/:issueAccessToken", '{"scopes":["chat"]}'],
        ["POST", "/identities/8%3Aacs%3Ax/:revokeAccessTokens", undefined],
        ["DELETE", "/identities/8%3Aacs%3Ax", undefined],
        ["POST", "/teamsUser/:exchangeAccessToken", "{}"],
        ["GET", "/identities/8%3Aacs%3Ax", undefined],
        ["POST", "/identities", "not json"],
      ].map(([method, path, body]) => limitedOperationOf(method!, path!, body)),
    ).toStrictEqual(["create", "createWithToken", "issue", "revoke", "delete", "exchange", undefined, "create"]);
  });

  it("counts the Teams Phone extensibility and Entra ID user exchanges under exchange, and no assignment operation", () => {
    const tenantAssignment =
      "/access/teamsExtension/tenants/c70d068c-2f32-484d-9455-73070cd5aadd/assignments/b27b64b9-39d2-44a3-869d-67700b74e805";
    expect(
      [
        ["POST", "/access/teamsExtension/:exchangeAccessToken"],
        ["POST", "/access/entra/:exchangeAccessToken"],
        ["GET", "/access/entra/:exchangeAccessToken"],
        ["PUT", tenantAssignment],
        ["DELETE", tenantAssignment],
        ["PATCH", "/access/entra/assignments"],
        ["GET", "/access/entra/assignments"],
      ].map(([method, path]) => limitedOperationOf(method!, path!, "{}")),
    ).toStrictEqual(["exchange", "exchange", undefined, undefined, undefined, undefined, undefined]);
  });
});

describe("SlidingWindow", () => {
  it("counts the kept events still in the window", () => {
    const window = new SlidingWindow(3, 1000);
    expect(window.count(0)).toBe(0);
    for (const at of [0, 400, 900, 950]) window.record(at);
    // Only the last 3 are kept: 400, 900 and 950.
    expect([window.count(950), window.count(1399), window.count(1400), window.count(1950)]).toStrictEqual([3, 3, 2, 0]);
  });

  it("gives the earliest time one more event keeps the limit, and keeps times in order", () => {
    const window = new SlidingWindow(2, 1000);
    expect(window.nextSlot(0)).toBe(0);
    window.record(0);
    window.record(100);
    expect(window.nextSlot(200)).toBe(1000);
    window.record(1000); // a reservation ahead of now
    expect(window.nextSlot(200)).toBe(1100);
    window.record(50); // a clock that stepped back counts as the last time (1000)
    expect(window.nextSlot(200)).toBe(2000);
  });
});
