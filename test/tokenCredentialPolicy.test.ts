import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { createHttpHeaders, createPipelineRequest, type PipelineRequest } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { COMMUNICATION_SCOPE, tokenCredentialPolicy } from "../src/tokenCredentialPolicy.js";

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
