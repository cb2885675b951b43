import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import { SUPPORTED_API_VERSIONS, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { KnownTokenScope, type TokenScope } from "../../src/client/tokenScope.js";
import { identityPath, signedSend } from "../emulator/helpers.js";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

/** What happened to a call: refused here before sending, or the emulator's answer. */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "done";
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (error instanceof RangeError) return `refused here (${status})`;
    return `service ${status} ${(error as { code?: string }).code}`;
  }
}

describe.each(SUPPORTED_API_VERSIONS)(
  "api-version %s: the client refuses before sending exactly what the emulator refuses",
  (apiVersion) => {
    const client = () => new CommunicationIdentityClient(emulator.connectionString, { apiVersion, retryOptions: { maxRetries: 0 } });
    const raw = (method: string, path: string, body?: unknown) =>
      signedSend(emulator, { method, path, ...(body === undefined ? {} : { body }) });
    const customIds = apiVersion === "2025-03-02-preview" || apiVersion === "2025-06-30";

    it(`${customIds ? "has" : "lacks"} customId and getUser / getUserDetail`, async () => {
      const { communicationUserId } = await client().createUser();
      const sent = await raw("POST", `/identities?api-version=${apiVersion}`, { customId: `raw-${apiVersion}` });
      const got = await raw("GET", identityPath(communicationUserId, "", apiVersion));
      expect([sent.status, got.status]).toStrictEqual(customIds ? [201, 200] : [400, 400]);
      const expected = customIds ? "done" : "refused here (400)";
      expect(await outcome(() => client().createUser({ customId: `agree-${apiVersion}` }))).toBe(expected);
      expect(await outcome(() => client().getUserDetail({ communicationUserId }))).toBe(expected);
    });

    it.each(Object.values(KnownTokenScope))("takes the scope %s where the emulator does", async (scope: TokenScope) => {
      const known = apiVersion >= "2023-10-01" || scope === "chat" || scope === "voip";
      const sent = await raw("POST", `/identities?api-version=${apiVersion}`, { createTokenWithScopes: [scope] });
      expect(sent.status).toBe(known ? 201 : 400);
      expect(await outcome(() => client().createUserAndToken([scope]))).toBe(known ? "done" : "refused here (400)");
    });
  },
);
