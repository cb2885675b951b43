// checkAssignmentEvent called directly: its verdict on every field of every kind of assignment
// event, with the exact reason a damaged line is reported with.
import { describe, expect, it } from "vitest";
import { checkAssignmentEvent } from "../../src/emulator/store/assignmentEventChecks.js";
import { APP, TENANT, USER } from "../helpers/entraIds.js";

const RESOURCE = "11111111-2222-3333-4444-555555555555";
const TEAMS = { objectId: USER, tenantId: TENANT, principalType: "user" };
const ENTRA = { ...TEAMS, clientIds: [APP] };
const MINTED = `8:acs:${RESOURCE}_${TENANT}_${USER}`;
const EXCHANGED = `8:acs:${RESOURCE}_wf_${TENANT}_${USER}`;
const VIA = `entra:${USER}`;
/** The reason of an exchange for an identity not of the resource, which quotes 100 characters of its id. */
const foreign = (id: string) => `exchange event of an identity not of this resource (${id.slice(0, 100)})`;

describe("checkAssignmentEvent", () => {
  it.each([
    ["a Teams assignment without client ids", { op: "assignTeams", assignment: TEAMS, at: 1 }],
    ["a Teams assignment with client ids, of generation 0", { op: "assignTeams", assignment: ENTRA, at: 1, generation: 0 }],
    ["a Teams assignment with an empty client id list", { op: "assignTeams", assignment: { ...TEAMS, clientIds: [] }, at: 1 }],
    ["an Entra assignment of generation 0", { op: "assignEntra", assignment: ENTRA, at: 0, generation: 0 }],
    ["an Entra assignment of a high generation", { op: "assignEntra", assignment: ENTRA, at: -5, generation: 2 ** 40 }],
    ["a Teams deletion", { op: "unassignTeams", tenantId: TENANT, objectId: USER, at: 1 }],
    ["an Entra deletion", { op: "unassignEntra", objectId: USER, at: 1 }],
    ["a forgetting of exchanged identities", { op: "forgetExchanged", at: 1 }],
    ["a reset", { op: "clearAssignments", at: 1 }],
    ["an exchange of generation 0", { op: "exchange", id: EXCHANGED, via: VIA, viaGeneration: 0, at: 1 }],
    ["an exchange without a generation", { op: "exchange", id: EXCHANGED, via: `teams:${TENANT}/${USER}`, at: 1 }],
    ["an exchange for an identity without the wf_ mark", { op: "exchange", id: MINTED, via: VIA, viaGeneration: 3, at: 1 }],
  ])("accepts %s, as it is", (_what, value) => {
    expect(checkAssignmentEvent(value, RESOURCE)).toBe(value);
  });

  it.each([
    ["an assignment without a time", { op: "assignTeams", assignment: TEAMS }, "assignTeams event without a valid time"],
    ["a reset with a text time", { op: "clearAssignments", at: "1" }, "clearAssignments event without a valid time"],
    ["a forgetting with an infinite time", { op: "forgetExchanged", at: Infinity }, "forgetExchanged event without a valid time"],
    ["an exchange with a NaN time", { op: "exchange", id: EXCHANGED, via: VIA, at: NaN }, "exchange event without a valid time"],
    [
      "a negative generation",
      { op: "assignTeams", assignment: TEAMS, at: 1, generation: -1 },
      "assignTeams event with a generation that is not a count",
    ],
    [
      "a fractional generation",
      { op: "assignEntra", assignment: ENTRA, at: 1, generation: 1.5 },
      "assignEntra event with a generation that is not a count",
    ],
    [
      "a generation beyond the safe integers",
      { op: "assignEntra", assignment: ENTRA, at: 1, generation: 2 ** 53 },
      "assignEntra event with a generation that is not a count",
    ],
    [
      "a null generation",
      { op: "assignEntra", assignment: ENTRA, at: 1, generation: null },
      "assignEntra event with a generation that is not a count",
    ],
    ["no assignment", { op: "assignTeams", at: 1 }, "assignTeams event without a valid assignment"],
    ["a null assignment", { op: "assignEntra", assignment: null, at: 1 }, "assignEntra event without a valid assignment"],
    ["a text assignment", { op: "assignEntra", assignment: JSON.stringify(ENTRA), at: 1 }, "assignEntra event without a valid assignment"],
    [
      "an object id that is not a GUID",
      { op: "assignTeams", assignment: { ...TEAMS, objectId: "x" }, at: 1 },
      "assignTeams event without a valid assignment",
    ],
    [
      "no tenant id",
      { op: "assignEntra", assignment: { ...ENTRA, tenantId: undefined }, at: 1 },
      "assignEntra event without a valid assignment",
    ],
    [
      "a principal type that is not text",
      { op: "assignTeams", assignment: { ...TEAMS, principalType: 1 }, at: 1 },
      "assignTeams event without a valid assignment",
    ],
    [
      "a Teams assignment with a client id that is not a GUID",
      { op: "assignTeams", assignment: { ...TEAMS, clientIds: [APP, "x"] }, at: 1 },
      "assignTeams event with client ids that are not GUIDs",
    ],
    [
      "a Teams assignment with client ids that are not a list",
      { op: "assignTeams", assignment: { ...TEAMS, clientIds: APP }, at: 1 },
      "assignTeams event with client ids that are not GUIDs",
    ],
    [
      "a Teams assignment with null client ids",
      { op: "assignTeams", assignment: { ...TEAMS, clientIds: null }, at: 1 },
      "assignTeams event with client ids that are not GUIDs",
    ],
    [
      "an Entra assignment without client ids",
      { op: "assignEntra", assignment: TEAMS, at: 1 },
      "assignEntra event with client ids that are not GUIDs",
    ],
    [
      "a Teams deletion without a tenant id",
      { op: "unassignTeams", objectId: USER, at: 1 },
      "unassignTeams event without a tenant id and object id",
    ],
    [
      "a Teams deletion with an object id that is not a GUID",
      { op: "unassignTeams", tenantId: TENANT, objectId: "x", at: 1 },
      "unassignTeams event without a tenant id and object id",
    ],
    ["an Entra deletion with a numeric object id", { op: "unassignEntra", objectId: 7, at: 1 }, "unassignEntra event without an object id"],
    ["an exchange without an id", { op: "exchange", via: VIA, at: 1 }, foreign("")],
    [
      "an exchange for an identity of another resource",
      { op: "exchange", id: `8:acs:99999999-2222-3333-4444-555555555555_${TENANT}_${USER}`, via: VIA, at: 1 },
      foreign(`8:acs:99999999-2222-3333-4444-555555555555_${TENANT}_${USER}`),
    ],
    [
      "an exchange for an identity with wf_ inside it, not at its start",
      { op: "exchange", id: `8:acs:${RESOURCE}_${TENANT}_wf_${USER}`, via: VIA, at: 1 },
      foreign(`8:acs:${RESOURCE}_${TENANT}_wf_${USER}`),
    ],
    [
      "an exchange for an identity of one GUID",
      { op: "exchange", id: `8:acs:${RESOURCE}_${USER}`, via: VIA, at: 1 },
      foreign(`8:acs:${RESOURCE}_${USER}`),
    ],
    [
      "an exchange for an identity of three GUIDs",
      { op: "exchange", id: `${EXCHANGED}_${USER}`, via: VIA, at: 1 },
      foreign(`${EXCHANGED}_${USER}`),
    ],
    [
      "an exchange for an identity whose second part is not a GUID",
      { op: "exchange", id: `8:acs:${RESOURCE}_wf_${TENANT}_x`, via: VIA, at: 1 },
      foreign(`8:acs:${RESOURCE}_wf_${TENANT}_x`),
    ],
    [
      "an exchange without its assignment",
      { op: "exchange", id: EXCHANGED, at: 1 },
      `exchange event of ${EXCHANGED} without the assignment it went through`,
    ],
    [
      "an exchange through an assignment of no known kind",
      { op: "exchange", id: EXCHANGED, via: `group:${USER}`, at: 1 },
      `exchange event of ${EXCHANGED} without the assignment it went through`,
    ],
    [
      // A list would pass a pattern test as its text (`String([key])` is the key): it is no key.
      "an exchange through a list holding a key",
      { op: "exchange", id: EXCHANGED, via: [VIA], at: 1 },
      `exchange event of ${EXCHANGED} without the assignment it went through`,
    ],
    [
      "an exchange through a key with text before its kind",
      { op: "exchange", id: EXCHANGED, via: `x${VIA}`, at: 1 },
      `exchange event of ${EXCHANGED} without the assignment it went through`,
    ],
    [
      "an exchange through a key without its colon",
      { op: "exchange", id: EXCHANGED, via: `entra${USER}`, at: 1 },
      `exchange event of ${EXCHANGED} without the assignment it went through`,
    ],
    [
      "an exchange with a negative generation",
      { op: "exchange", id: EXCHANGED, via: VIA, viaGeneration: -1, at: 1 },
      `exchange event of ${EXCHANGED} with a generation that is not a count`,
    ],
    [
      "an exchange with a text generation",
      { op: "exchange", id: EXCHANGED, via: VIA, viaGeneration: "0", at: 1 },
      `exchange event of ${EXCHANGED} with a generation that is not a count`,
    ],
  ])("refuses %s", (_what, value, reason) => {
    expect(checkAssignmentEvent(value, RESOURCE)).toBe(reason);
  });

  it("quotes at most 100 characters of a foreign identity id", () => {
    const long = `8:acs:${RESOURCE}_${"f".repeat(200)}`;
    expect(checkAssignmentEvent({ op: "exchange", id: long, via: VIA, at: 1 }, RESOURCE)).toBe(
      `exchange event of an identity not of this resource (${long.slice(0, 100)})`,
    );
  });
});
