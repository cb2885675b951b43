// The journal's readers called directly: checkEvent's verdict on each kind of line and resourceOf's
// choice of resource.
import { describe, expect, it } from "vitest";
import { checkEvent, resourceOf, type JournalLine } from "../../src/emulator/store/journal.js";

const RESOURCE = "11111111-2222-3333-4444-555555555555";
const OTHER = "99999999-8888-7777-6666-555555555555";
const GUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const A = `8:acs:${RESOURCE}_${GUID}`;

describe("checkEvent", () => {
  it.each([
    ["a resource event of this resource", { op: "resource", resourceId: RESOURCE }],
    ["a create", { op: "create", id: A, at: 1 }],
    ["a create with text custom id and request id", { op: "create", id: A, at: 1, customId: "c", requestId: "r" }],
    ["an issue with a numeric custom id (only creates carry one)", { op: "issue", id: A, at: 0, customId: 5 }],
    ["a revoke", { op: "revoke", id: A, at: -1 }],
    ["a delete", { op: "delete", id: A, at: 1.5 }],
  ])("accepts %s, as it is", (_what, value) => {
    expect(checkEvent(value, RESOURCE)).toBe(value);
  });

  it.each([
    ["another resource's resource event", { op: "resource", resourceId: OTHER }, "resource event of another resource"],
    ["an unknown kind", { op: "rename", id: A, at: 1 }, "event of unknown kind"],
    ["no kind", { id: A, at: 1 }, "event of unknown kind"],
    ["no id", { op: "create", at: 1 }, "create event without an identity id"],
    ["an empty id", { op: "issue", id: "", at: 1 }, "issue event without an identity id"],
    ["a numeric id", { op: "revoke", id: 7, at: 1 }, "revoke event without an identity id"],
    [
      "another resource's id",
      { op: "delete", id: `8:acs:${OTHER}_${GUID}`, at: 1 },
      `delete event of an identity not of this resource (8:acs:${OTHER}_${GUID})`,
    ],
    ["an id with text after the GUID", { op: "create", id: `${A}0`, at: 1 }, `create event of an identity not of this resource (${A}0)`],
    [
      "an id with text before the GUID",
      { op: "create", id: `8:acs:${RESOURCE}_x${GUID}`, at: 1 },
      `create event of an identity not of this resource (8:acs:${RESOURCE}_x${GUID})`,
    ],
    ["no time", { op: "create", id: A }, `create event of ${A} without a valid time`],
    ["a text time", { op: "issue", id: A, at: "1" }, `issue event of ${A} without a valid time`],
    ["an infinite time", { op: "issue", id: A, at: Infinity }, `issue event of ${A} without a valid time`],
    ["a NaN time", { op: "issue", id: A, at: NaN }, `issue event of ${A} without a valid time`],
    [
      "a numeric custom id",
      { op: "create", id: A, at: 1, customId: 5 },
      `create event of ${A} with a custom id or request id that is not text`,
    ],
    [
      "a null request id",
      { op: "create", id: A, at: 1, requestId: null },
      `create event of ${A} with a custom id or request id that is not text`,
    ],
  ])("refuses %s", (_what, value, reason) => {
    expect(checkEvent(value, RESOURCE)).toBe(reason);
  });

  it("quotes at most 100 characters of a foreign id", () => {
    const long = `8:acs:${OTHER}_${"f".repeat(200)}`;
    expect(checkEvent({ op: "create", id: long, at: 1 }, RESOURCE)).toBe(
      `create event of an identity not of this resource (${long.slice(0, 100)})`,
    );
  });
});

describe("checkEvent of a batch", () => {
  const create = { op: "create", id: A, at: 1 };
  const issue = { op: "issue", id: A, at: 2 };

  it("accepts a batch of good events, as exactly those events", () => {
    expect(checkEvent({ op: "batch", events: [create, issue] }, RESOURCE)).toStrictEqual({ op: "batch", events: [create, issue] });
  });

  it.each([
    ["no events", { op: "batch" }, "batch event without its events"],
    ["events that are not a list", { op: "batch", events: { 0: create } }, "batch event without its events"],
    ["an empty list", { op: "batch", events: [] }, "batch event without its events"],
    ["a null event", { op: "batch", events: [create, null] }, "batch event whose event 2 of 2 is damaged: not an object"],
    ["a list as an event", { op: "batch", events: [[create]] }, "batch event whose event 1 of 1 is damaged: not an object"],
    ["a text event", { op: "batch", events: ["create"] }, "batch event whose event 1 of 1 is damaged: not an object"],
    [
      "one damaged event among good ones",
      { op: "batch", events: [create, { op: "issue", id: A }, issue] },
      `batch event whose event 2 of 3 is damaged: issue event of ${A} without a valid time`,
    ],
    [
      "a nested batch",
      { op: "batch", events: [{ op: "batch", events: [create] }] },
      "batch event whose event 1 of 1 is damaged: event of unknown kind",
    ],
  ])("refuses %s, whole", (_what, value, reason) => {
    expect(checkEvent(value, RESOURCE)).toBe(reason);
  });
});

describe("resourceOf", () => {
  const lines = (...values: Array<Record<string, unknown>>): JournalLine[] => values.map((value, i) => ({ line: i + 1, value }));

  it("is the resource event's", () => {
    expect(resourceOf(lines({ op: "create", id: `8:acs:${OTHER}_${GUID}`, at: 1 }, { op: "resource", resourceId: RESOURCE }))).toBe(
      RESOURCE,
    );
  });

  it("skips resource events whose id is not a GUID, and resource ids on other events", () => {
    expect(
      resourceOf(
        lines(
          { op: "issue", resourceId: OTHER },
          { op: "resource", resourceId: `${OTHER}0` },
          { op: "resource", resourceId: 5 },
          { op: "create", id: A, at: 1 },
        ),
      ),
    ).toBe(RESOURCE);
  });

  it("without a resource event, is the first identity id's that names a GUID", () => {
    expect(
      resourceOf(
        lines(
          { op: "create", id: 5 },
          { op: "create", id: `x8:acs:${OTHER}_${GUID}` },
          { op: "create", id: `8:acs:${"-".repeat(36)}_${GUID}` },
          { op: "create", id: A },
          { op: "create", id: `8:acs:${OTHER}_${GUID}` },
        ),
      ),
    ).toBe(RESOURCE);
  });

  it("without a resource event, reads the identity ids inside batch events too", () => {
    expect(
      resourceOf(
        lines(
          { op: "batch", events: "no" },
          { op: "batch", events: [null, [A], { op: "create", id: 5 }] },
          {
            op: "batch",
            events: [
              { op: "create", id: A, at: 1 },
              { op: "issue", id: `8:acs:${OTHER}_${GUID}`, at: 1 },
            ],
          },
        ),
      ),
    ).toBe(RESOURCE);
  });

  it("reads a batch's events only on a batch line: another line's events list is not read", () => {
    const foreign = [{ op: "create", id: `8:acs:${OTHER}_${GUID}`, at: 1 }];
    expect(resourceOf(lines({ op: "create", id: A, at: 1, events: foreign }))).toBe(RESOURCE);
  });

  it("skips a batch event of any kind that is not an object, undefined included (a caller's line need not come from JSON)", () => {
    expect(resourceOf(lines({ op: "batch", events: [undefined, 5, "x", true, { op: "create", id: A, at: 1 }] }))).toBe(RESOURCE);
  });

  it("takes no resource id or identity id that is not text, even one that reads as a GUID", () => {
    expect(
      resourceOf(lines({ op: "resource", resourceId: [OTHER] }, { op: "create", id: [`8:acs:${OTHER}_${GUID}`] }, { op: "create", id: A })),
    ).toBe(RESOURCE);
  });

  it("is undefined for a journal that names none", () => {
    expect(resourceOf(lines({ op: "issue", id: "a" }, { op: "resource" }))).toBeUndefined();
    expect(resourceOf([])).toBeUndefined();
  });
});
