import { describe, expect, it } from "vitest";
import { DEFAULT_ENTRA_SCOPES, exchangeTargetFor, scopeFamilyOf } from "../../src/credentials/entraScopes.js";

const TEAMS = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";
const TEAMS_US = "https://auth.msft.communication.azure.us/TeamsExtension.ManageCalls";
const VOIP = "https://communication.azure.com/clients/VoIP";
const KNOWN =
  "give scopes starting with https://auth.msft.communication.azure.com/ or https://auth.msft.communication.azure.us/ (Teams Phone extensibility), or with https://communication.azure.com/clients/ (Microsoft Entra ID users).";

describe("exchangeTargetFor", () => {
  it("sends Teams Phone extensibility scopes (either cloud) to the Teams extension exchange at 2025-06-30", () => {
    expect(exchangeTargetFor([TEAMS, TEAMS_US])).toStrictEqual({
      family: "teamsExtension",
      path: "/access/teamsExtension/:exchangeAccessToken",
      apiVersion: "2025-06-30",
    });
  });

  it("sends Entra ID user scopes, and the default, to the Entra exchange at 2025-03-02-preview", () => {
    const entra = { family: "entra", path: "/access/entra/:exchangeAccessToken", apiVersion: "2025-03-02-preview" };
    expect(exchangeTargetFor([VOIP])).toStrictEqual(entra);
    expect(exchangeTargetFor(DEFAULT_ENTRA_SCOPES)).toStrictEqual(entra);
    expect(DEFAULT_ENTRA_SCOPES).toStrictEqual(["https://communication.azure.com/clients/.default"]);
  });

  it.each([
    [[], `scopes is empty: ${KNOWN}`],
    [
      [VOIP, "https://contoso.com/clients/unknown"],
      `Not a Communication Services scope: ["https://contoso.com/clients/unknown"]. G${KNOWN.slice(1)}`,
    ],
    [[VOIP, TEAMS], `scopes mixes the two families; one token is for one of them: ${KNOWN}`],
    [[""], `Not a Communication Services scope: [""]. G${KNOWN.slice(1)}`],
  ])("refuses %j with what to give instead", (scopes, message) => {
    expect(() => exchangeTargetFor(scopes)).toThrow(new RangeError(message));
  });

  it("refuses what is not an array of strings", () => {
    expect(() => exchangeTargetFor("https://communication.azure.com/clients/VoIP" as never)).toThrow(
      new TypeError("scopes must be an array of Microsoft Entra scope strings."),
    );
    expect(() => exchangeTargetFor([VOIP, 3] as never)).toThrow(TypeError);
  });

  it("matches prefixes exactly, as Microsoft's credential does", () => {
    expect(scopeFamilyOf("HTTPS://communication.azure.com/clients/VoIP")).toBeUndefined();
    expect(scopeFamilyOf("https://communication.azure.com/VoIP")).toBeUndefined();
  });
});
