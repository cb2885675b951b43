/**
 * The Entra token exchange from a page in real Chromium: a cross-origin POST (with its CORS
 * preflight) to a loopback server answering as the service does, through the browser build's
 * fetch client; the request as it reached the wire, the token read from the answer, and a refusal.
 */
import { afterEach, describe, expect, inject, it } from "vitest";
import { commands } from "vitest/browser";
import { EntraCommunicationTokenCredential, isRestError } from "../../src/index.js";
import { PACKAGE_VERSION } from "../../src/version.js";
import { ENTRA_USER_ID, exchanged } from "../helpers/exchangeReplies.js";
import { UUID_V4 } from "../helpers/uuid.js";

const resourceEndpoint = inject("exchangeOrigin");
const VOIP = "https://communication.azure.com/clients/VoIP";
const tokenCredential = { getToken: async () => ({ token: "entra-token-in-the-page", expiresOnTimestamp: Date.now() + 3_600_000 }) };

afterEach(async () => {
  await commands.takeExchangeRequests();
});

describe("EntraCommunicationTokenCredential in Chromium", () => {
  it("exchanges the Entra token from a page and hands out the Communication Services token", async () => {
    const expiresOn = "2030-04-10T21:39:39.3244584+00:00";
    await commands.scriptExchange([exchanged("acs-token-for-the-page", expiresOn, ENTRA_USER_ID)]);
    const credential = new EntraCommunicationTokenCredential({ resourceEndpoint, tokenCredential, scopes: [VOIP] });
    expect(await credential.getToken()).toStrictEqual({
      token: "acs-token-for-the-page",
      expiresOnTimestamp: Date.UTC(2030, 3, 10, 21, 39, 39, 324),
    });
    const [request, ...more] = await commands.takeExchangeRequests();
    expect(more).toStrictEqual([]);
    expect({ method: request!.method, url: request!.url, body: request!.body }).toStrictEqual({
      method: "POST",
      url: "/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview",
      body: "{}",
    });
    const { authorization, accept, origin } = request!.headers;
    expect({ authorization, accept, origin }).toStrictEqual({
      authorization: "Bearer entra-token-in-the-page",
      accept: "application/json",
      origin: location.origin,
    });
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["x-ms-client-request-id"]).toMatch(UUID_V4);
    expect(request!.headers["x-ms-useragent"]).toBe(`acs-identity/${PACKAGE_VERSION}`);
    credential.dispose();
  });

  it("rejects with the service's status and code when the exchange is refused", async () => {
    await commands.scriptExchange([{ status: 403, body: { error: { code: "Forbidden", message: "No assignment admits the user." } } }]);
    const credential = new EntraCommunicationTokenCredential({ resourceEndpoint, tokenCredential, scopes: [VOIP] });
    const error = await credential.getToken().catch((caught: unknown) => caught);
    expect(isRestError(error)).toBe(true);
    expect(error).toMatchObject({
      statusCode: 403,
      code: "Forbidden",
      message:
        "The token exchange failed with status 403: No assignment admits the user. Check that an assignment on the resource admits the user" +
        " (directly, through a group or their tenant) and the client application.",
    });
  });
});
