import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type PipelineRequest,
  type RestError,
} from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../src/client/communicationIdentityClient.js";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import { createNodeHttpClient } from "../src/transport/nodeHttpClient.js";
import { COMMUNICATION_SCOPE, TOKEN_FETCH_LIMIT_MS, tokenCredentialPolicy } from "../src/auth/tokenCredentialPolicy.js";

function credentialIssuing(lifetimesMs: number[]): TokenCredential & { calls: number } {
  const credential = {
    calls: 0,
    async getToken(scope: string | string[]): Promise<AccessToken> {
      expect(scope).toBe(COMMUNICATION_SCOPE);
      const n = credential.calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { token: `entra-${n}`, expiresOnTimestamp: Date.now() + lifetimesMs[Math.min(n, lifetimesMs.length - 1)]! };
    },
  };
  return credential;
}

async function authorizationOf(policy: ReturnType<typeof tokenCredentialPolicy>, abortSignal?: AbortSignal): Promise<string | undefined> {
  const request = createPipelineRequest({ url: "http://127.0.0.1:1/identities", abortSignal });
  let seen: PipelineRequest | undefined;
  await policy.sendRequest(request, async (r) => {
    seen = r;
    return { request: r, status: 201, headers: createHttpHeaders() };
  });
  return seen?.headers.get("authorization");
}

describe("tokenCredentialPolicy", () => {
  it("asks for the Communication scope and sends a bearer token, over http too", async () => {
    const policy = tokenCredentialPolicy(credentialIssuing([3_600_000]));
    expect(await authorizationOf(policy)).toBe("Bearer entra-0");
  });

  it("reuses a token until two minutes before it expires", async () => {
    const credential = credentialIssuing([3_600_000]);
    const policy = tokenCredentialPolicy(credential);
    await authorizationOf(policy);
    expect(await authorizationOf(policy)).toBe("Bearer entra-0");
    expect(credential.calls).toBe(1);
  });

  it("refreshes a token that is about to expire", async () => {
    const credential = credentialIssuing([60_000, 3_600_000]);
    const policy = tokenCredentialPolicy(credential);
    expect(await authorizationOf(policy)).toBe("Bearer entra-0");
    expect(await authorizationOf(policy)).toBe("Bearer entra-1");
  });

  it("shares one refresh among concurrent requests", async () => {
    const credential = credentialIssuing([3_600_000]);
    const policy = tokenCredentialPolicy(credential);
    const headers = await Promise.all([authorizationOf(policy), authorizationOf(policy), authorizationOf(policy)]);
    expect(headers).toEqual(["Bearer entra-0", "Bearer entra-0", "Bearer entra-0"]);
    expect(credential.calls).toBe(1);
  });

  it("fails clearly when the credential returns no token", async () => {
    const policy = tokenCredentialPolicy({ getToken: async () => null });
    await expect(authorizationOf(policy)).rejects.toThrow(
      "The TokenCredential returned no token for https://communication.azure.com//.default.",
    );
  });

  it("lets one caller abort its wait for a shared refresh, promptly, without failing the others", async () => {
    let release!: () => void;
    const slow: TokenCredential = {
      getToken: () =>
        new Promise<AccessToken>((resolve) => {
          release = () => resolve({ token: "slow", expiresOnTimestamp: Date.now() + 3_600_000 });
        }),
    };
    const policy = tokenCredentialPolicy(slow);
    const controller = new AbortController();
    const leaving = authorizationOf(policy, controller.signal);
    const staying = authorizationOf(policy);
    const abortedAt = Date.now();
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - abortedAt).toBeLessThan(50);
    release();
    expect(await staying).toBe("Bearer slow");
  });
});

/** A real TokenCredential whose first `hangs` calls never settle; later calls return a token. It records each call's options. */
function credentialHanging(hangs: number): TokenCredential & { calls: GetTokenOptions[] } {
  const calls: GetTokenOptions[] = [];
  return {
    calls,
    getToken(_scope, options) {
      calls.push(options ?? {});
      if (calls.length <= hangs) return new Promise<never>(() => undefined);
      return Promise.resolve({ token: `entra-${calls.length}`, expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
}

/** A credential that takes `ms` to answer and, as Azure Identity's do, gives up after `requestOptions.timeout`. */
function credentialHonouringTimeout(ms: number): TokenCredential & { calls: GetTokenOptions[] } {
  const calls: GetTokenOptions[] = [];
  return {
    calls,
    getToken(_scope, options = {}) {
      calls.push(options);
      return new Promise((resolve, reject) => {
        const timeout = options.requestOptions?.timeout;
        const timer = timeout ? setTimeout(() => reject(new Error(`getToken timed out after ${timeout} ms`)), timeout) : undefined;
        setTimeout(() => {
          clearTimeout(timer);
          resolve({ token: `entra-${calls.length}`, expiresOnTimestamp: Date.now() + 3_600_000 });
        }, ms);
      });
    },
  };
}

/** Settles with the error the promise rejects with, and how long after `from` it did. */
async function rejectionOf(promise: Promise<unknown>, from: () => number): Promise<{ error: Error; afterMs: number }> {
  const error = await promise.then(
    () => new Error("resolved"),
    (caught: Error) => caught,
  );
  return { error, afterMs: Date.now() - from() };
}

describe("a TokenCredential that hangs, against the emulator", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ allowBearer: true });
  });
  afterAll(async () => {
    await emulator.close();
  });
  const clientWith = (credential: TokenCredential) =>
    new CommunicationIdentityClient(emulator.endpoint, credential, { retryOptions: { maxRetries: 0 } });

  it("a call's requestOptions.timeout bounds its wait for the token; getToken gets the fetch limit and a signal that fires", async () => {
    const credential = credentialHanging(1);
    const started = Date.now();
    const { error, afterMs } = await rejectionOf(clientWith(credential).createUser({ requestOptions: { timeout: 100 } }), () => started);
    expect([error.name, error.message]).toStrictEqual([
      "AbortError",
      "No token from the TokenCredential within the request's timeout (100 ms).",
    ]);
    expect(afterMs).toBeGreaterThanOrEqual(99);
    expect(afterMs).toBeLessThan(150);
    expect(credential.calls).toHaveLength(1);
    expect(credential.calls[0]!.requestOptions).toStrictEqual({ timeout: TOKEN_FETCH_LIMIT_MS });
    expect(credential.calls[0]!.abortSignal?.aborted).toBe(true);
  });

  it("a shared getToken is not cut short by the first caller's timeout: a later caller without one gets the token", async () => {
    const credential = credentialHonouringTimeout(150);
    const client = clientWith(credential);
    const hurried = client.createUser({ requestOptions: { timeout: 50 } });
    const patient = client.createUser();
    const { error } = await rejectionOf(hurried, () => 0);
    expect([error.name, error.message]).toStrictEqual([
      "AbortError",
      "No token from the TokenCredential within the request's timeout (50 ms).",
    ]);
    const user = await patient;
    expect(emulator.identity(user.communicationUserId)).toBeDefined();
    expect(credential.calls.map((options) => options.requestOptions)).toStrictEqual([{ timeout: TOKEN_FETCH_LIMIT_MS }]);
  });

  it("a call's abortSignal stops its wait at once and aborts getToken's signal", async () => {
    const credential = credentialHanging(1);
    const controller = new AbortController();
    const call = clientWith(credential).createUser({ abortSignal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const abortedAt = Date.now();
    controller.abort();
    const { error, afterMs } = await rejectionOf(call, () => abortedAt);
    expect([error.name, error.message]).toStrictEqual(["AbortError", "The operation was aborted."]);
    expect(afterMs).toBeLessThan(50);
    expect(credential.calls[0]!.abortSignal?.aborted).toBe(true);
  });

  it("a getToken that never settles does not block the next call: it asks the credential again and succeeds", async () => {
    const credential = credentialHanging(1);
    const client = clientWith(credential);
    await expect(client.createUser({ requestOptions: { timeout: 50 } })).rejects.toMatchObject({ name: "AbortError" });
    const user = await client.createUser();
    expect(emulator.identity(user.communicationUserId)).toBeDefined();
    expect(credential.calls).toHaveLength(2);
  });

  it("getToken's signal fires only when every call waiting for it has given up", async () => {
    const credential = credentialHanging(1);
    const client = clientWith(credential);
    const first = new AbortController();
    const second = new AbortController();
    const calls = [client.createUser({ abortSignal: first.signal }), client.createUser({ abortSignal: second.signal })];
    await new Promise((resolve) => setTimeout(resolve, 20));
    first.abort();
    await expect(calls[0]).rejects.toMatchObject({ name: "AbortError" });
    expect([credential.calls.length, credential.calls[0]!.abortSignal?.aborted]).toStrictEqual([1, false]);
    second.abort();
    await expect(calls[1]).rejects.toMatchObject({ name: "AbortError" });
    expect(credential.calls[0]!.abortSignal?.aborted).toBe(true);
  });

  it("a call with no timeout and no signal waits at most the fetch limit, then the next call asks anew", async () => {
    const credential = credentialHanging(1);
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(tokenCredentialPolicy(credential, 100), { phase: "Sign" });
    const httpClient = createNodeHttpClient();
    const create = () =>
      pipeline.sendRequest(
        httpClient,
        createPipelineRequest({
          url: `${emulator.endpoint}/identities?api-version=2023-10-01`,
          method: "POST",
          body: "{}",
          allowInsecureConnection: true,
        }),
      );
    const started = Date.now();
    const { error, afterMs } = await rejectionOf(create(), () => started);
    expect([error.name, error.message]).toStrictEqual([
      "Error",
      "No token from the TokenCredential within 100 ms; the next request asks again.",
    ]);
    expect(afterMs).toBeGreaterThanOrEqual(99);
    expect(afterMs).toBeLessThan(150);
    expect(credential.calls[0]!.abortSignal?.aborted).toBe(true);
    expect((await create()).status).toBe(201);
    expect(credential.calls).toHaveLength(2);
    expect(TOKEN_FETCH_LIMIT_MS).toBe(120_000);
  });
});

describe("Bearer tokens over plain http", () => {
  const credential = () => credentialHanging(0);
  const noHttp: HttpClient = {
    sendRequest: () => Promise.reject(new Error("nothing may be sent")),
  };

  it.each(["http://contoso.communication.azure.com", "http://10.0.0.7:8080", "http://localhost.contoso.com"])(
    "to %s (not loopback) are refused before the credential is asked or anything is sent, even with allowInsecureConnection",
    async (endpoint) => {
      const tokens = credential();
      const client = new CommunicationIdentityClient(endpoint, tokens, { allowInsecureConnection: true, httpClient: noHttp });
      const error = (await client.createUser().catch((caught: unknown) => caught)) as Error;
      expect([error.name, error.message]).toStrictEqual([
        "TypeError",
        `Refused to send a Microsoft Entra token over plain http to ${new URL(endpoint).origin}, where anyone on the network could read it; ` +
          "allowInsecureConnection does not change that. Tokens go over https, or plain http to a loopback host (the emulator): " +
          "use https://<resource>.communication.azure.com.",
      ]);
      expect(tokens.calls).toHaveLength(0);
    },
  );

  it.each(["http://127.0.0.1:1", "http://127.8.9.10:1", "http://localhost:1", "http://[::1]:1", "https://contoso.communication.azure.com"])(
    "to %s are sent",
    async (url) => {
      const request = createPipelineRequest({ url });
      await tokenCredentialPolicy(credential()).sendRequest(request, async (r) => ({
        request: r,
        status: 200,
        headers: createHttpHeaders(),
      }));
      expect(request.headers.get("authorization")).toBe("Bearer entra-1");
    },
  );

  it("a 401 Denied says what to check for an Entra credential, not the access key", async () => {
    // Without allowBearer the emulator denies every bearer token, as the service denies an identity without a role.
    const emulator = await startEmulator();
    try {
      const client = new CommunicationIdentityClient(emulator.endpoint, credential(), { retryOptions: { maxRetries: 0 } });
      const error = (await client.createUser().catch((caught: unknown) => caught)) as RestError;
      expect([error.statusCode, error.code, error.message]).toStrictEqual([
        401,
        "Denied",
        "Denied by the resource provider. Check that the TokenCredential signs in to the tenant of this endpoint's resource, " +
          "and that its identity has a role on the resource (such as Contributor).",
      ]);
    } finally {
      await emulator.close();
    }
  });
});
