// The argument checks, called directly: the exact error class, message, statusCode and code of
// each refusal, the edges of each range, and the values that pass.
import type { HttpClient } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import type { CommunicationUser, GetTokenForTeamsUserOptions } from "../src/client/models.js";
import { UnknownTokenScope, type TokenScopeArgument } from "../src/client/tokenScope.js";
import { FEATURE_API_VERSIONS } from "../src/client/apiVersions.js";
import {
  checkApiVersion,
  checkCustomId,
  checkCustomIdApiVersion,
  checkOperation,
  checkOptions,
  checkScopes,
  checkTeamsOptions,
  checkTokenExpiresInMinutes,
  refusal,
  userIdOf,
} from "../src/client/validation.js";

const USER = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001";
const PREVIEW = "2025-03-02-preview";
const bad = <T>(value: unknown) => value as T;

/** What a check threw: class, message, and the service's answer it carries. */
function refused(check: () => unknown) {
  try {
    check();
  } catch (error) {
    const { name, message } = error as Error;
    const { statusCode, code } = error as { statusCode: unknown; code: unknown };
    return { name, message, statusCode, code };
  }
  throw new Error("expected the check to throw");
}

const v400 = (name: string, message: string) => ({ name, message, statusCode: 400, code: "ValidationError" });
const NOT_A_USER = "Expected a user: a { communicationUserId: string } object, as createUser returns, or the id string itself.";
const EMPTY_USER = "The user id is empty. Pass the communicationUserId that createUser returned (it starts with 8:acs:).";

describe("refusal", () => {
  it("adds statusCode and code, read-only and not enumerable", () => {
    const error = refusal(new TypeError("x"));
    expect(Object.keys(error)).toStrictEqual([]);
    expect(Object.getOwnPropertyDescriptor(error, "statusCode")).toStrictEqual({
      value: 400,
      writable: false,
      enumerable: false,
      configurable: false,
    });
    expect(Object.getOwnPropertyDescriptor(error, "code")?.value).toBe("ValidationError");
  });
});

describe("userIdOf", () => {
  it.each([
    ["a string", USER, USER],
    ["an object", { communicationUserId: USER }, USER],
    ["a one-character id", "x", "x"],
    ["three dots", "...", "..."],
    ["a dot and a letter", ".a", ".a"],
  ])("takes %s", (_what, user, id) => {
    expect(userIdOf(user as CommunicationUser | string)).toBe(id);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["an object without an id", {}],
    ["an object with a numeric id", { communicationUserId: 7 }],
    ["an array", [USER]],
  ])("%s is not a user", (_what, user) => {
    expect(refused(() => userIdOf(bad<string>(user)))).toStrictEqual(v400("TypeError", NOT_A_USER));
  });

  it.each([
    ["empty", ""],
    ["blank", " \t\n"],
    ["an object with an empty id", { communicationUserId: "" }],
  ])("%s is empty", (_what, user) => {
    expect(refused(() => userIdOf(bad<string>(user)))).toStrictEqual(v400("RangeError", EMPTY_USER));
  });

  it("deleteUser(null) refuses with the exact message, before any request", async () => {
    let sent = 0;
    const httpClient: HttpClient = {
      sendRequest() {
        sent++;
        throw new Error("no request may be sent");
      },
    };
    const client = new CommunicationIdentityClient("endpoint=https://contoso.communication.azure.com/;accesskey=cHc=", { httpClient });
    const error = await client.deleteUser(bad<string>(null)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(
      refused(() => {
        throw error;
      }),
    ).toStrictEqual(v400("TypeError", NOT_A_USER));
    expect(sent).toBe(0);
  });
});

describe("checkScopes", () => {
  it("returns the names as given, UnknownTokenScope's by name", () => {
    expect(checkScopes(["voip", "chat", new UnknownTokenScope("future.scope")], "2023-10-01")).toStrictEqual([
      "voip",
      "chat",
      "future.scope",
    ]);
  });

  it("knows the join scopes from 2023-10-01 on, and only then", () => {
    expect(checkScopes(["chat.join", "chat.join.limited", "voip.join"], "2023-10-01")).toStrictEqual([
      "chat.join",
      "chat.join.limited",
      "voip.join",
    ]);
    expect(refused(() => checkScopes(["chat.join"], "2023-08-01"))).toStrictEqual(
      v400("RangeError", 'Unknown scope "chat.join" for api-version 2023-08-01: use one of chat, voip, or new UnknownTokenScope(name).'),
    );
  });

  it("names every known scope of the version", () => {
    expect(refused(() => checkScopes(bad<TokenScopeArgument[]>(["Chat"]), "2023-10-01"))).toStrictEqual(
      v400(
        "RangeError",
        'Unknown scope "Chat" for api-version 2023-10-01: use one of chat, voip, chat.join, chat.join.limited, voip.join, or new UnknownTokenScope(name).',
      ),
    );
  });

  it.each([
    ["a string", "chat"],
    ["undefined", undefined],
    ["an object", { 0: "chat", length: 1 }],
  ])("scopes that are %s", (_what, scopes) => {
    expect(refused(() => checkScopes(bad<TokenScopeArgument[]>(scopes), "2023-10-01"))).toStrictEqual(
      v400("TypeError", 'Scopes must be an array of strings, for example ["chat", "voip"].'),
    );
  });

  it("no scopes", () => {
    expect(refused(() => checkScopes([], "2023-10-01"))).toStrictEqual(
      v400("RangeError", 'Scopes must not be empty: pass at least one, for example ["chat"] or ["voip"].'),
    );
  });

  it.each([[1], [null], [{ name: "chat" }]])("a scope %j that is not a string", (scope) => {
    expect(refused(() => checkScopes(bad<TokenScopeArgument[]>(["chat", scope]), "2023-10-01"))).toStrictEqual(
      v400("TypeError", 'Every scope must be a string, for example "chat" or "voip".'),
    );
  });

  it.each([[""], [" "], ["\t\n"]])("a whitespace-only or empty scope %j", (scope) => {
    const message = 'A scope is an empty string: use a scope name such as "chat" or "voip".';
    expect(refused(() => checkScopes(bad<TokenScopeArgument[]>([scope]), "2023-10-01"))).toStrictEqual(v400("RangeError", message));
    expect(refused(() => checkScopes([new UnknownTokenScope(scope)], "2023-10-01"))).toStrictEqual(v400("RangeError", message));
  });
});

describe("checkTokenExpiresInMinutes", () => {
  it.each([undefined, 60, 61, 1439, 1440])("takes %s", (minutes) => {
    expect(checkTokenExpiresInMinutes(minutes)).toBeUndefined();
  });

  it.each([59, 1441, 0, -60, 60.5, NaN, Infinity])("refuses %s", (minutes) => {
    expect(refused(() => checkTokenExpiresInMinutes(minutes))).toStrictEqual(
      v400("RangeError", "tokenExpiresInMinutes must be an integer from 60 to 1440 (1 to 24 hours)."),
    );
  });

  it.each([["60"], [null], [60n]])("refuses %s, not a number", (minutes) => {
    expect(refused(() => checkTokenExpiresInMinutes(minutes))).toStrictEqual(
      v400("TypeError", "tokenExpiresInMinutes must be a number of minutes, an integer from 60 to 1440."),
    );
  });
});

describe("checkTeamsOptions", () => {
  const good = { teamsUserAadToken: "t", clientId: "c", userObjectId: "o" };

  it("takes three non-empty strings", () => {
    expect(checkTeamsOptions(good)).toBeUndefined();
  });

  it.each([[undefined], [null], ["options"]])("options %s", (options) => {
    expect(refused(() => checkTeamsOptions(bad<GetTokenForTeamsUserOptions>(options)))).toStrictEqual(
      v400("TypeError", "getTokenForTeamsUser needs an options object with teamsUserAadToken, clientId and userObjectId."),
    );
  });

  it.each([
    ["teamsUserAadToken", "the Teams user's Microsoft Entra access token", 401, "InvalidAccessToken"],
    ["clientId", "the Entra application (client) id", 400, "ValidationError"],
    ["userObjectId", "the Teams user's Entra object id", 400, "ValidationError"],
  ])("%s missing, blank or not a string", (field, meaning, statusCode, code) => {
    for (const value of [undefined, "", "  ", 5]) {
      expect(refused(() => checkTeamsOptions(bad<GetTokenForTeamsUserOptions>({ ...good, [field]: value })))).toStrictEqual({
        name: "TypeError",
        message: `getTokenForTeamsUser needs ${field}: ${meaning}, as a non-empty string.`,
        statusCode,
        code,
      });
    }
  });
});

describe("checkOptions", () => {
  it.each([[undefined], [{}], [[]]])("takes %j", (options) => {
    expect(checkOptions(options)).toBeUndefined();
  });

  it.each([[null], ["x"], [1], [() => ({})]])("refuses %s", (options) => {
    expect(refused(() => checkOptions(options))).toStrictEqual(v400("TypeError", "Options must be an object (or left out)."));
  });
});

describe("checkCustomId", () => {
  it.each([undefined, "a", "x".repeat(256)])("takes %s", (customId) => {
    expect(checkCustomId(customId, PREVIEW)).toBeUndefined();
    expect(checkCustomId(customId, "2025-06-30")).toBeUndefined();
  });

  it("a one-character custom id passes; an empty one and 257 characters do not", () => {
    expect(checkCustomId("é", PREVIEW)).toBeUndefined();
    expect(refused(() => checkCustomId("", PREVIEW))).toStrictEqual(
      v400("RangeError", "customId must be 1 to 256 characters long; it is 0."),
    );
    expect(refused(() => checkCustomId("x".repeat(257), PREVIEW))).toStrictEqual(
      v400("RangeError", "customId must be 1 to 256 characters long; it is 257."),
    );
  });

  it.each([[5], [null], [{}]])("refuses %j, not a string", (customId) => {
    expect(refused(() => checkCustomId(customId, PREVIEW))).toStrictEqual(
      v400("TypeError", "customId must be a string of 1 to 256 characters, for example your own account id for the user."),
    );
  });

  it("refuses a custom id on an api-version without them, naming the version to choose", () => {
    const message =
      'customId needs api-version 2025-03-02-preview (or 2025-06-30), but this client uses 2023-10-01: create the client with { apiVersion: "2025-03-02-preview" }.';
    expect(refused(() => checkCustomId("a", "2023-10-01"))).toStrictEqual(v400("RangeError", message));
    expect(checkCustomId(undefined, "2023-10-01")).toBeUndefined();
  });

  it("checkCustomIdApiVersion names the feature", () => {
    expect(refused(() => checkCustomIdApiVersion("getUser", "2022-06-01"))).toStrictEqual(
      v400(
        "RangeError",
        'getUser needs api-version 2025-03-02-preview (or 2025-06-30), but this client uses 2022-06-01: create the client with { apiVersion: "2025-03-02-preview" }.',
      ),
    );
    expect(checkCustomIdApiVersion("getUser", PREVIEW)).toBeUndefined();
  });

  it.each([
    ["teamsExtension", "2025-06-30", "2025-06-30 (or 2025-03-02-preview)"],
    ["entra", "2025-03-02-preview", "2025-03-02-preview"],
  ] as const)("checkApiVersion for %s names the versions, the first to choose", (feature, first, named) => {
    const versions = FEATURE_API_VERSIONS[feature];
    expect(refused(() => checkApiVersion("op", "2023-10-01", versions))).toStrictEqual(
      v400(
        "RangeError",
        `op needs api-version ${named}, but this client uses 2023-10-01: create the client with { apiVersion: "${first}" }.`,
      ),
    );
    for (const version of versions) expect(checkApiVersion("op", version, versions)).toBeUndefined();
  });

  it("checkApiVersion separates three or more other versions with commas", () => {
    expect(refused(() => checkApiVersion("op", "2023-10-01", ["2025-06-30", "2025-03-02-preview", "2024-01-01"]))).toStrictEqual(
      v400(
        "RangeError",
        'op needs api-version 2025-06-30 (or 2025-03-02-preview, 2024-01-01), but this client uses 2023-10-01: create the client with { apiVersion: "2025-06-30" }.',
      ),
    );
  });

  it("checkOperation checks the options first, then the api-version", () => {
    const versions = FEATURE_API_VERSIONS.entra;
    expect(refused(() => checkOperation("op", 1, "2023-10-01", versions))).toStrictEqual(
      v400("TypeError", "Options must be an object (or left out)."),
    );
    expect(refused(() => checkOperation("op", {}, "2023-10-01", versions)).name).toBe("RangeError");
    expect(checkOperation("op", undefined, PREVIEW, versions)).toBeUndefined();
  });
});
