import { inspect } from "node:util";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { logger } from "../src/logger.js";

const KEY = "c2VjcmV0LWtleS1ieXRlcy1mb3ItdGhlLWxvZy1zY2FuLXRlc3QtMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NQ==";
const ENDPOINT = "https://contoso.communication.azure.com";
const USER_ID = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001";
const ISSUED = "eyJhbGciOiJSUzI1NiJ9.eyJpc3N1ZWQiOiJ0b2tlbiJ9.ISSUED-TOKEN-SIGNATURE";
const ENTRA = "eyJ0eXAiOiJKV1QifQ.eyJlbnRyYSI6InRva2VuIn0.ENTRA-TOKEN-SIGNATURE";

const lines: string[] = [];
const signatures: string[] = [];
let previousLevel: AzureLogLevel | undefined;
const previousLog = AzureLogger.log;

function serve(): void {
  const record = function (this: { req: { headers: Record<string, string> } }) {
    signatures.push(this.req.headers["authorization"]!.split("Signature=")[1]!);
  };
  const token = { token: ISSUED, expiresOn: "2030-01-01T00:00:00.0000000+00:00" };
  nock(ENDPOINT)
    .post("/identities")
    .query(true)
    .reply(function () {
      record.call(this as never);
      return [201, { identity: { id: USER_ID } }];
    })
    .post("/identities")
    .query(true)
    .reply(function () {
      record.call(this as never);
      return [201, { identity: { id: USER_ID }, accessToken: token }];
    })
    .post(/issueAccessToken/)
    .query(true)
    .reply(function () {
      record.call(this as never);
      return [200, token];
    })
    .post(/exchangeAccessToken/)
    .query(true)
    .reply(function () {
      record.call(this as never);
      return [200, token];
    })
    .post(/revokeAccessTokens/)
    .query(true)
    .reply(function () {
      record.call(this as never);
      return [204];
    })
    .delete(/identities/)
    .query(true)
    .reply(function () {
      record.call(this as never);
      return [401, { error: { code: "Denied", message: "Denied by the resource provider." } }];
    });
}

beforeAll(() => {
  nock.disableNetConnect();
  previousLevel = getLogLevel();
  setLogLevel("verbose");
  AzureLogger.log = (...args: unknown[]) => lines.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 10 }))).join(" "));
});

afterAll(() => {
  AzureLogger.log = previousLog;
  setLogLevel(previousLevel);
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("logging at verbose", () => {
  it("is named acs-identity", () => {
    expect(logger.info.namespace).toBe("azure:acs-identity:info");
  });

  it("records every operation and no key, signature, issued token or Entra token", async () => {
    serve();
    const client = new CommunicationIdentityClient(`endpoint=${ENDPOINT}/;accesskey=${KEY}`, { retryOptions: { maxRetries: 0 } });
    await client.createUser();
    await client.createUserAndToken(["chat"]);
    await client.issueToken(USER_ID, ["voip"], { tokenExpiresInMinutes: 60 });
    await client.getTokenForTeamsUser({ teamsUserAadToken: ENTRA, clientId: "app", userObjectId: "oid" });
    await client.revokeTokens(USER_ID);
    const error: unknown = await client.deleteUser(USER_ID).catch((caught: unknown) => caught);

    const log = lines.join("\n");
    expect(log).toContain("acs-identity");
    expect(log).toMatch(/Request [0-9a-f-]{36}: POST https:\/\/contoso\.communication\.azure\.com\/identities\?api-version=2023-10-01 \{/);
    expect(log).toMatch(/Response [0-9a-f-]{36}: 201 in \d+ ms/);
    expect(log).toMatch(/Response [0-9a-f-]{36}: 401 in \d+ ms/);
    expect(signatures).toHaveLength(6);
    const shownError = [JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), String(error)].join("\n");
    for (const text of [log, shownError]) {
      for (const secret of [KEY, KEY.slice(0, 16), ISSUED, "ISSUED-TOKEN-SIGNATURE", ENTRA, "ENTRA-TOKEN-SIGNATURE", ...signatures]) {
        expect(text).not.toContain(secret);
      }
    }
    expect(shownError).toContain("Denied by the resource provider.");
  });
});
