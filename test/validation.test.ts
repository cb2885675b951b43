import { createHttpHeaders, type HttpClient } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/communicationIdentityClient.js";
import type { CommunicationUser, GetTokenForTeamsUserOptions, TokenScope } from "../src/models.js";

const KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==";
const ENTRA_TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJvaWQiOiJ4In0.secret-entra-signature";
const USER = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001";

type Call = (client: CommunicationIdentityClient) => Promise<unknown>;
const bad = <T>(value: unknown) => value as T;

/** `.` and `..` to every operation that takes a user, as a string and in a user object. */
function dotIdCases(): Array<[string, Call, typeof RangeError, string]> {
  const operations: Array<[string, (c: CommunicationIdentityClient, user: CommunicationUser | string) => Promise<unknown>]> = [
    ["getUser", (c, user) => c.getUser(user)],
    ["issueToken", (c, user) => c.issueToken(user, ["chat"])],
    ["getToken", (c, user) => c.getToken(user, ["chat"])],
    ["revokeTokens", (c, user) => c.revokeTokens(user)],
    ["deleteUser", (c, user) => c.deleteUser(user)],
  ];
  return operations.flatMap(([name, operation]) =>
    [".", ".."].flatMap((id): Array<[string, Call, typeof RangeError, string]> => {
      const message =
        `The user id "${id}" is not an id: in a URL it means a folder, and the request would go to another address. ` +
        "Pass the communicationUserId that createUser returned (it starts with 8:acs:).";
      return [
        [`the user id "${id}" to ${name}`, (c) => operation(c, id), RangeError, message],
        [`a user object with the id "${id}" to ${name}`, (c) => operation(c, { communicationUserId: id }), RangeError, message],
      ];
    }),
  );
}

const cases: Array<[string, Call, typeof TypeError | typeof RangeError, string]> = [
  ["an empty user id", (c) => c.issueToken("", ["chat"]), RangeError, "user id is empty"],
  ["a whitespace user id", (c) => c.revokeTokens("   "), RangeError, "user id is empty"],
  ["a numeric user id", (c) => c.deleteUser(bad<string>(42)), TypeError, "communicationUserId"],
  ["a null user", (c) => c.deleteUser(bad<string>(null)), TypeError, "communicationUserId"],
  ["a user object without an id", (c) => c.issueToken(bad<CommunicationUser>({}), ["chat"]), TypeError, "communicationUserId"],
  [
    "a user object with a numeric id",
    (c) => c.revokeTokens(bad<CommunicationUser>({ communicationUserId: 7 })),
    TypeError,
    "communicationUserId",
  ],
  ["a user object with an empty id", (c) => c.deleteUser({ communicationUserId: "" }), RangeError, "user id is empty"],
  ...dotIdCases(),
  ["empty scopes", (c) => c.issueToken(USER, []), RangeError, "Scopes must not be empty"],
  ["scopes that are a string", (c) => c.issueToken(USER, bad<TokenScope[]>("chat")), TypeError, "array of strings"],
  ["undefined scopes", (c) => c.createUserAndToken(bad<TokenScope[]>(undefined)), TypeError, "array of strings"],
  ["an empty scope string", (c) => c.createUserAndToken(["chat", ""]), RangeError, "empty string"],
  ["a numeric scope", (c) => c.issueToken(USER, bad<TokenScope[]>([1])), TypeError, "Every scope must be a string"],
  ["59 minutes", (c) => c.issueToken(USER, ["chat"], { tokenExpiresInMinutes: 59 }), RangeError, "from 60 to 1440"],
  ["1441 minutes", (c) => c.createUserAndToken(["chat"], { tokenExpiresInMinutes: 1441 }), RangeError, "from 60 to 1440"],
  ["60.5 minutes", (c) => c.issueToken(USER, ["chat"], { tokenExpiresInMinutes: 60.5 }), RangeError, "integer"],
  ["NaN minutes", (c) => c.issueToken(USER, ["chat"], { tokenExpiresInMinutes: NaN }), RangeError, "integer"],
  ["Infinity minutes", (c) => c.getToken(USER, ["chat"], { tokenExpiresInMinutes: Infinity }), RangeError, "integer"],
  ['"60" minutes', (c) => c.issueToken(USER, ["chat"], { tokenExpiresInMinutes: bad<number>("60") }), TypeError, "must be a number"],
  ["options that are a string", (c) => c.createUser(bad<object>("x")), TypeError, "Options must be an object"],
  [
    "Teams without a token",
    (c) => c.getTokenForTeamsUser(bad<GetTokenForTeamsUserOptions>({ clientId: "a", userObjectId: "o" })),
    TypeError,
    "needs teamsUserAadToken",
  ],
  [
    "Teams with an empty token",
    (c) => c.getTokenForTeamsUser({ teamsUserAadToken: "", clientId: "a", userObjectId: "o" }),
    TypeError,
    "needs teamsUserAadToken",
  ],
  [
    "Teams without a client id",
    (c) => c.getTokenForTeamsUser(bad<GetTokenForTeamsUserOptions>({ teamsUserAadToken: ENTRA_TOKEN, userObjectId: "o" })),
    TypeError,
    "needs clientId",
  ],
  [
    "Teams without a user object id",
    (c) => c.getTokenForTeamsUser(bad<GetTokenForTeamsUserOptions>({ teamsUserAadToken: ENTRA_TOKEN, clientId: "a" })),
    TypeError,
    "needs userObjectId",
  ],
  [
    "Teams with a blank user object id",
    (c) => c.getTokenForTeamsUser({ teamsUserAadToken: ENTRA_TOKEN, clientId: "a", userObjectId: " " }),
    TypeError,
    "needs userObjectId",
  ],
  [
    "Teams without options",
    (c) => c.getTokenForTeamsUser(bad<GetTokenForTeamsUserOptions>(undefined)),
    TypeError,
    "needs an options object",
  ],
];

describe("bad arguments reject before any request", () => {
  it.each(cases)("%s", async (_name, call, errorClass, fragment) => {
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
    expect((error as Error).message).not.toContain(KEY.slice(0, 12));
    expect((error as Error).message).not.toContain("secret-entra-signature");
    expect(sent).toBe(0);
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
