import type {
  CommunicationTokenCredential,
  EntraCommunicationTokenCredentialOptions as OfficialOptions,
} from "@azure/communication-common";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EntraCommunicationTokenCredential } from "../../src/credentials/entraCommunicationTokenCredential.js";
import { exchanged } from "../helpers/exchangeReplies.js";
import { startExchangeServer, type ExchangeServer } from "../helpers/exchangeServer.js";

const VOIP = "https://communication.azure.com/clients/VoIP";
const TEAMS = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";
const DEFAULT_SCOPES = ["https://communication.azure.com/clients/.default"];
const ENTRA_PATH = "/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview";
const TEAMS_PATH = "/access/teamsExtension/:exchangeAccessToken?api-version=2025-06-30";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DISPOSED = "This EntraCommunicationTokenCredential was disposed; create a new one to get tokens.";

/** An Entra credential handing out `token` (changeable), valid for `lifetimeMs` from each call. */
function entraCredential(token = "entra-A", lifetimeMs = HOUR) {
  const state = { token, lifetimeMs };
  const getToken = vi.fn(async (_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> => ({
    token: state.token,
    expiresOnTimestamp: Date.now() + state.lifetimeMs,
  }));
  return { state, getToken, credential: { getToken } satisfies TokenCredential };
}

let server: ExchangeServer;

/** A credential exchanging at the test's server, with `options` over the defaults, and its Entra credential. */
function credentialWith(options: { scopes?: string[] } = {}, entra = entraCredential()) {
  const credential = new EntraCommunicationTokenCredential({
    resourceEndpoint: server.origin,
    tokenCredential: entra.credential,
    ...options,
  });
  return { entra, credential };
}
beforeEach(async () => {
  server = await startExchangeServer();
});
afterEach(async () => {
  await server.close();
});

const bearers = (): Array<string | undefined> => server.received.map((request) => request.headers.authorization);

describe("EntraCommunicationTokenCredential", () => {
  it("takes the options of @azure/communication-common's credential and is a CommunicationTokenCredential", () => {
    const options: OfficialOptions = { resourceEndpoint: server.origin, tokenCredential: entraCredential().credential, scopes: [VOIP] };
    const credential: CommunicationTokenCredential = new EntraCommunicationTokenCredential(options);
    expect(typeof credential.dispose).toBe("function");
  });

  it("exchanges the Entra token for the default scopes on the first getToken, asking Entra with the scopes and an abort signal", async () => {
    const entra = entraCredential();
    const options = { resourceEndpoint: server.origin, tokenCredential: entra.credential };
    const credential = new EntraCommunicationTokenCredential(options);
    const expiresOn = Date.now() + HOUR;
    server.script(exchanged("acs-A", expiresOn));
    expect(await credential.getToken()).toStrictEqual({ token: "acs-A", expiresOnTimestamp: expiresOn });
    expect(server.received.map((request) => [request.method, request.url, request.body])).toStrictEqual([["POST", ENTRA_PATH, "{}"]]);
    expect(bearers()).toStrictEqual(["Bearer entra-A"]);
    expect(entra.getToken).toHaveBeenCalledTimes(1);
    const [scopes, getTokenOptions] = entra.getToken.mock.calls[0]!;
    expect(scopes).toStrictEqual(DEFAULT_SCOPES);
    expect(getTokenOptions?.abortSignal).toBeInstanceOf(AbortSignal);
    expect(getTokenOptions?.abortSignal?.aborted).toBe(false);
    // Microsoft's credential writes the default scopes into the caller's object; this one leaves it alone.
    expect(options).toStrictEqual({ resourceEndpoint: server.origin, tokenCredential: entra.credential });
  });

  it("exchanges Teams Phone extensibility scopes at the Teams extension exchange", async () => {
    const { entra, credential } = credentialWith({ scopes: [TEAMS] });
    server.script(exchanged("acs-T", Date.now() + HOUR));
    expect((await credential.getToken()).token).toBe("acs-T");
    expect(server.received.map((request) => request.url)).toStrictEqual([TEAMS_PATH]);
    expect(entra.getToken.mock.calls[0]![0]).toStrictEqual([TEAMS]);
  });

  it("asks Entra for the scopes it checked, even when the caller's array changes later", async () => {
    const scopes = [VOIP];
    const { entra, credential } = credentialWith({ scopes });
    scopes.push("https://contoso.com/unchecked");
    server.script(exchanged("acs-A", Date.now() + HOUR));
    await credential.getToken();
    expect(entra.getToken.mock.calls[0]![0]).toStrictEqual([VOIP]);
  });

  it.each([
    [
      { scopes: [] },
      new RangeError(
        "scopes is empty: give scopes starting with https://auth.msft.communication.azure.com/ or https://auth.msft.communication.azure.us/ (Teams Phone extensibility), or with https://communication.azure.com/clients/ (Microsoft Entra ID users).",
      ),
    ],
    [
      { scopes: [VOIP, TEAMS] },
      new RangeError(
        "scopes mixes the two families; one token is for one of them: give scopes starting with https://auth.msft.communication.azure.com/ or https://auth.msft.communication.azure.us/ (Teams Phone extensibility), or with https://communication.azure.com/clients/ (Microsoft Entra ID users).",
      ),
    ],
    [
      { scopes: ["invalidScope"] },
      new RangeError(
        'Not a Communication Services scope: ["invalidScope"]. Give scopes starting with https://auth.msft.communication.azure.com/ or https://auth.msft.communication.azure.us/ (Teams Phone extensibility), or with https://communication.azure.com/clients/ (Microsoft Entra ID users).',
      ),
    ],
    [
      { resourceEndpoint: "" },
      new TypeError("The resourceEndpoint must be a non-empty string like https://<resource>.communication.azure.com."),
    ],
    [
      { resourceEndpoint: "http://my-resource.communication.azure.com" },
      new TypeError(
        "Refused to send a Microsoft Entra token over plain http to http://my-resource.communication.azure.com, where anyone on the network could read it; " +
          "allowInsecureConnection does not change that. Tokens go over https, or plain http to a loopback host (the emulator): use https://<resource>.communication.azure.com.",
      ),
    ],
    [
      { tokenCredential: "a token" },
      new TypeError("tokenCredential must be a TokenCredential (such as InteractiveBrowserCredential) that gets the user's Entra token."),
    ],
  ])("checks the options in the constructor, before asking Entra: %j", (override, error) => {
    const entra = entraCredential();
    const options = { resourceEndpoint: server.origin, tokenCredential: entra.credential, ...override } as OfficialOptions;
    expect(() => new EntraCommunicationTokenCredential(options)).toThrow(error);
    expect(() => new EntraCommunicationTokenCredential(options)).toThrowError(expect.objectContaining({ constructor: error.constructor }));
    expect(entra.getToken).not.toHaveBeenCalled();
  });

  it("accepts plain http to localhost and [::1], as to 127.0.0.1", () => {
    const { credential: tokenCredential } = entraCredential();
    for (const resourceEndpoint of ["http://localhost:8080", "http://[::1]:8080", "http://127.0.0.2"]) {
      expect(() => new EntraCommunicationTokenCredential({ resourceEndpoint, tokenCredential })).not.toThrow();
    }
  });

  it("fetches nothing until asked", async () => {
    const entra = entraCredential();
    new EntraCommunicationTokenCredential({ resourceEndpoint: server.origin, tokenCredential: entra.credential });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(entra.getToken).not.toHaveBeenCalled();
    expect(server.received).toStrictEqual([]);
  });

  it("asks Entra on every getToken but exchanges again only when the Entra token changes", async () => {
    const { entra, credential } = credentialWith();
    server.script(exchanged("acs-A", Date.now() + HOUR), exchanged("acs-B", Date.now() + HOUR));
    const first = await credential.getToken();
    expect(await credential.getToken()).toBe(first);
    expect(await credential.getToken()).toBe(first);
    expect(server.received).toHaveLength(1);
    entra.state.token = "entra-B";
    expect((await credential.getToken()).token).toBe("acs-B");
    expect(bearers()).toStrictEqual(["Bearer entra-A", "Bearer entra-B"]);
    expect(entra.getToken).toHaveBeenCalledTimes(4);
  });

  it("exchanges again within 10 minutes of expiry when the Entra token outlives the token, and after expiry", async () => {
    const { credential } = credentialWith();
    server.script(
      exchanged("acs-soon", Date.now() + 9 * MINUTE),
      exchanged("acs-gone", Date.now() - 1000),
      exchanged("acs-C", Date.now() + HOUR),
    );
    expect((await credential.getToken()).token).toBe("acs-soon");
    expect((await credential.getToken()).token).toBe("acs-gone");
    expect((await credential.getToken()).token).toBe("acs-C");
    expect(bearers()).toStrictEqual(["Bearer entra-A", "Bearer entra-A", "Bearer entra-A"]);
  });

  it("does not exchange the same Entra token again when it expires with the token (no later expiry to gain)", async () => {
    const { entra, credential } = credentialWith({}, entraCredential("entra-A", 5 * MINUTE));
    const expiresOn = Date.now() + 5 * MINUTE;
    entra.getToken.mockImplementation(async () => ({ token: "entra-A", expiresOnTimestamp: expiresOn }));
    server.script(exchanged("acs-A", expiresOn));
    expect((await credential.getToken()).token).toBe("acs-A");
    expect((await credential.getToken()).token).toBe("acs-A");
    expect(server.received).toHaveLength(1);
  });

  it("shares one exchange among concurrent callers", async () => {
    const { entra, credential } = credentialWith();
    server.script(exchanged("acs-A", Date.now() + HOUR));
    const tokens = await Promise.all(Array.from({ length: 5 }, () => credential.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]!.token).toBe("acs-A");
    expect(server.received).toHaveLength(1);
    expect(entra.getToken).toHaveBeenCalledTimes(1);
  });

  it("lets a caller's abort signal stop only that caller's wait; an aborted signal asks nothing", async () => {
    const { entra, credential } = credentialWith();
    await expect(credential.getToken({ abortSignal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    expect(entra.getToken).not.toHaveBeenCalled();
    server.script(exchanged("acs-A", Date.now() + HOUR));
    const release = server.hold();
    const controller = new AbortController();
    const impatient = credential.getToken({ abortSignal: controller.signal });
    const patient = credential.getToken();
    await expect.poll(() => server.received.length).toBe(1);
    controller.abort();
    await expect(impatient).rejects.toMatchObject({ name: "AbortError", message: "The operation was aborted." });
    release();
    expect((await patient).token).toBe("acs-A");
    expect(server.received).toHaveLength(1);
  });

  it("rejects with the exchange's RestError, then tries again on the next getToken", async () => {
    const { credential } = credentialWith();
    server.script({ status: 401, body: { error: { code: "InvalidAccessToken", message: "Provided access token is not valid." } } });
    await expect(credential.getToken()).rejects.toMatchObject({ name: "RestError", statusCode: 401, code: "InvalidAccessToken" });
    server.script(exchanged("acs-A", Date.now() + HOUR));
    expect((await credential.getToken()).token).toBe("acs-A");
    expect(server.received).toHaveLength(2);
  });

  it("rejects when the Entra credential gives no token, or fails", async () => {
    const { entra, credential } = credentialWith({ scopes: [VOIP] });
    entra.getToken.mockResolvedValueOnce(null);
    await expect(credential.getToken()).rejects.toStrictEqual(
      new Error('The tokenCredential gave no Microsoft Entra token for ["https://communication.azure.com/clients/VoIP"].'),
    );
    const signInFailed = new Error("The user closed the sign-in window.");
    entra.getToken.mockRejectedValueOnce(signInFailed);
    await expect(credential.getToken()).rejects.toBe(signInFailed);
    expect(server.received).toStrictEqual([]);
  });

  it("rejects getToken after dispose, and a wait in flight, and aborts the Entra request and the exchange", async () => {
    const { entra, credential } = credentialWith();
    server.script(exchanged("acs-A", Date.now() + HOUR));
    const release = server.hold();
    const waiting = credential.getToken();
    await expect.poll(() => server.received.length).toBe(1);
    credential.dispose();
    await expect(waiting).rejects.toStrictEqual(new Error(DISPOSED));
    expect(entra.getToken.mock.calls[0]![1]?.abortSignal?.aborted).toBe(true);
    release();
    await expect(credential.getToken()).rejects.toStrictEqual(new Error(DISPOSED));
    credential.dispose();
    expect(entra.getToken).toHaveBeenCalledTimes(1);
  });
});
