import { createHttpHeaders, type HttpClient, type RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import type { CommunicationUser, GetTokenForTeamsUserOptions, TokenScope } from "../src/client/models.js";
import { KnownTokenScope, UnknownTokenScope } from "../src/client/tokenScope.js";

const KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==";
const ENTRA_TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJvaWQiOiJ4In0.secret-entra-signature";
const USER = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001";

type Call = (client: CommunicationIdentityClient) => Promise<unknown>;
const bad = <T>(value: unknown) => value as T;

const V400 = [400, "ValidationError"] as const;
const T401 = [401, "InvalidAccessToken"] as const;

/** `.` and `..` to every operation that takes a user, as a string and in a user object. */
function dotIdCases(): Array<[string, Call, typeof RangeError, string, readonly [number, string]]> {
  const operations: Array<[string, (c: CommunicationIdentityClient, user: CommunicationUser | string) => Promise<unknown>]> = [
    ["getUser", (c, user) => c.getUser(user)],
    ["issueToken", (c, user) => c.issueToken(user, ["chat"])],
    ["getToken", (c, user) => c.getToken(user, ["chat"])],
    ["revokeTokens", (c, user) => c.revokeTokens(user)],
    ["deleteUser", (c, user) => c.deleteUser(user)],
  ];
  return operations.flatMap(([name, operation]) =>
    [".", ".."].flatMap((id): Array<[string, Call, typeof RangeError, string, readonly [number, string]]> => {
      const message =
        `The user id "${id}" is not an id: in a URL it means a folder, and the request would go to another address. ` +
        "Pass the communicationUserId that createUser returned (it starts with 8:acs:).";
      return [
        [`the user id "${id}" to ${name}`, (c) => operation(c, id), RangeError, message, V400],
        [`a user object with the id "${id}" to ${name}`, (c) => operation(c, { communicationUserId: id }), RangeError, message, V400],
      ];
    }),
  );
}

const cases: Array<[string, Call, typeof TypeError | typeof RangeError, string, readonly [number, string]]> = [
  ["an empty user id", (c) => c.issueToken("", ["chat"]), RangeError, "user id is empty", V400],
  ["a whitespace user id", (c) => c.revokeTokens("   "), RangeError, "user id is empty", V400],
  ["a numeric user id", (c) => c.deleteUser(bad<string>(42)), TypeError, "communicationUserId", V400],
  ["a null user", (c) => c.deleteUser(bad<string>(null)), TypeError, "communicationUserId", V400],
  ["a user object without an id", (c) => c.issueToken(bad<CommunicationUser>({}), ["chat"]), TypeError, "communicationUserId", V400],
  [
    "a user object with a numeric id",
    (c) => c.revokeTokens(bad<CommunicationUser>({ communicationUserId: 7 })),
    TypeError,
    "communicationUserId",
    V400,
  ],
  ["a user object with an empty id", (c) => c.deleteUser({ communicationUserId: "" }), RangeError, "user id is empty", V400],
  ...dotIdCases(),
  ["empty scopes", (c) => c.issueToken(USER, []), RangeError, "Scopes must not be empty", V400],
  ["scopes that are a string", (c) => c.issueToken(USER, bad<TokenScope[]>("chat")), TypeError, "array of strings", V400],
  ["undefined scopes", (c) => c.createUserAndToken(bad<TokenScope[]>(undefined)), TypeError, "array of strings", V400],
  ["an empty scope string", (c) => c.createUserAndToken(["chat", bad<TokenScope>("")]), RangeError, "empty string", V400],
  ["a numeric scope", (c) => c.issueToken(USER, bad<TokenScope[]>([1])), TypeError, "Every scope must be a string", V400],
  ["59 minutes", (c) => c.issueToken(USER, ["chat"], { tokenExpiresInMinutes: 59 }), RangeError, "from 60 to 1440", V400],
  ["1441 minutes", (c) => c.createUserAndToken(["chat"], { tokenExpiresInMinutes: 1441 }), RangeError, "from 60 to 1440", V400],
  ["60.5 minutes", (c) => c.issueToken(USER, ["chat"], { tokenExpiresInMinutes: 60.5 }), RangeError, "integer", V400],
  ["NaN minutes", (c) => c.issueToken(USER, ["chat"], { tokenExpiresInMinutes: NaN }), RangeError, "integer", V400],
  ["Infinity minutes", (c) => c.getToken(USER, ["chat"], { tokenExpiresInMinutes: Infinity }), RangeError, "integer", V400],
  ['"60" minutes', (c) => c.issueToken(USER, ["chat"], { tokenExpiresInMinutes: bad<number>("60") }), TypeError, "must be a number", V400],
  ["an unknown scope", (c) => c.issueToken(USER, bad<TokenScope[]>(["Chat"])), RangeError, 'Unknown scope "Chat"', V400],
  ["options that are a string", (c) => c.createUser(bad<object>("x")), TypeError, "Options must be an object", V400],
  [
    "Teams without a token",
    (c) => c.getTokenForTeamsUser(bad<GetTokenForTeamsUserOptions>({ clientId: "a", userObjectId: "o" })),
    TypeError,
    "needs teamsUserAadToken",
    T401,
  ],
  [
    "Teams with an empty token",
    (c) => c.getTokenForTeamsUser({ teamsUserAadToken: "", clientId: "a", userObjectId: "o" }),
    TypeError,
    "needs teamsUserAadToken",
    T401,
  ],
  [
    "Teams without a client id",
    (c) => c.getTokenForTeamsUser(bad<GetTokenForTeamsUserOptions>({ teamsUserAadToken: ENTRA_TOKEN, userObjectId: "o" })),
    TypeError,
    "needs clientId",
    V400,
  ],
  [
    "Teams without a user object id",
    (c) => c.getTokenForTeamsUser(bad<GetTokenForTeamsUserOptions>({ teamsUserAadToken: ENTRA_TOKEN, clientId: "a" })),
    TypeError,
    "needs userObjectId",
    V400,
  ],
  [
    "Teams with a blank user object id",
    (c) => c.getTokenForTeamsUser({ teamsUserAadToken: ENTRA_TOKEN, clientId: "a", userObjectId: " " }),
    TypeError,
    "needs userObjectId",
    V400,
  ],
  [
    "Teams without options",
    (c) => c.getTokenForTeamsUser(bad<GetTokenForTeamsUserOptions>(undefined)),
    TypeError,
    "needs an options object",
    V400,
  ],
];

describe("bad arguments reject before any request", () => {
  it.each(cases)("%s", async (_name, call, errorClass, fragment, [statusCode, code]) => {
    let sent = 0;
    const httpClient: HttpClient = {
      sendRequest() {
        sent++;
        throw new Error("no request may be sent");
      },
    };
    const client = new CommunicationIdentityClient(`endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}`, { httpClient });
    const error = await call(client).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).constructor).toBe(errorClass);
    expect((error as Error).message).toContain(fragment);
    // What the service would have answered, so that code branching on statusCode works unchanged.
    expect({ statusCode: (error as RestError).statusCode, code: (error as RestError).code }).toStrictEqual({ statusCode, code });
    expect((error as Error).message).not.toContain(KEY.slice(0, 12));
    expect((error as Error).message).not.toContain("secret-entra-signature");
    expect(sent).toBe(0);
  });
});

describe("scopes", () => {
  const sent: string[] = [];
  const httpClient: HttpClient = {
    async sendRequest(request) {
      sent.push(String(request.body));
      return { request, status: 200, headers: request.headers, bodyAsText: '{"token":"t","expiresOn":"2030-01-01T00:00:00Z"}' };
    },
  };
  const clientFor = (apiVersion?: string) =>
    new CommunicationIdentityClient(`endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}`, { httpClient, apiVersion });

  it("refuses a scope the api-version does not know, listing the ones it does", async () => {
    const error = await clientFor("2022-10-01")
      .issueToken(USER, ["chat", "voip.join"])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(
      'Unknown scope "voip.join" for api-version 2022-10-01: use one of chat, voip, or new UnknownTokenScope(name).',
    );
    expect(sent).toStrictEqual([]);
  });

  it("lists every known scope from api-version 2023-10-01", async () => {
    const error = await clientFor()
      .createUserAndToken([bad<TokenScope>("voice")])
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      'Unknown scope "voice" for api-version 2023-10-01: use one of chat, voip, chat.join, chat.join.limited, voip.join, or new UnknownTokenScope(name).',
    );
  });

  it("sends an UnknownTokenScope by its name, next to known ones", async () => {
    sent.length = 0;
    await clientFor().issueToken(USER, [KnownTokenScope.ChatJoin, new UnknownTokenScope("chat.future")]);
    expect(sent).toStrictEqual(['{"scopes":["chat.join","chat.future"]}']);
  });

  it("refuses an UnknownTokenScope without a name, as it refuses an empty scope", async () => {
    await expect(clientFor().issueToken(USER, [new UnknownTokenScope(" ")])).rejects.toThrow(
      new RangeError('A scope is an empty string: use a scope name such as "chat" or "voip".'),
    );
  });
});

describe("every other user id stays in its path segment", () => {
  it.each(["...", ".a", "a/../..", "../x", "?api-version=x", "#x", "%2e%2e", "%2E", "a b"])("%s", async (id) => {
    const paths: string[] = [];
    const httpClient: HttpClient = {
      async sendRequest(request) {
        paths.push(new URL(request.url).pathname);
        return { request, status: 204, headers: createHttpHeaders() };
      },
    };
    const client = new CommunicationIdentityClient(`endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}`, { httpClient });
    await client.revokeTokens(id);
    expect(paths).toStrictEqual([`/identities/${encodeURIComponent(id)}/:revokeAccessTokens`]);
  });
});
