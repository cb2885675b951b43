import { inspect } from "node:util";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { AzureLogger, getLogLevel, setLogLevel } from "@azure/logger";
import { afterEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/index.js";
import { createNodeHttpClient } from "../../src/transport/nodeHttpClient.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { MemorySurgeStore, SurgeGuard, TokenCache, type TokenIssuer } from "../../src/surge/index.js";

/** Issues numbered tokens that expire `lifetimeMs` from now, and counts the issues. */
function fakeIssuer(lifetimeMs: number): TokenIssuer & { issued: string[] } {
  const issuer = {
    issued: [] as string[],
    async getToken(user: string, scopes: string[]) {
      issuer.issued.push(`${user} ${scopes.join(",")}`);
      return { token: `token-${issuer.issued.length}`, expiresOn: new Date(Date.now() + lifetimeMs) };
    },
  };
  return issuer;
}

const HOUR = 3_600_000;

describe("TokenCache", () => {
  it("reuses a token with enough validity left, whatever the scopes' order", async () => {
    const issuer = fakeIssuer(24 * HOUR);
    const cache = new TokenCache(issuer);
    const first = await cache.getToken("8:acs:a", ["chat", "voip"]);
    const again = await cache.getToken({ communicationUserId: "8:acs:a" }, ["voip", "chat", "chat"]);
    expect(again).toStrictEqual(first);
    expect(again).not.toBe(first);
    await cache.getToken("8:acs:a", ["chat"]);
    expect(issuer.issued).toStrictEqual(["8:acs:a chat,voip", "8:acs:a chat"]);
  });

  it("issues again when the cached token has less than minValidityMinutes left", async () => {
    const issuer = fakeIssuer(90 * 60_000);
    const cache = new TokenCache(issuer, { minValidityMinutes: 100, tokenExpiresInMinutes: 120 });
    await cache.getToken("8:acs:a", ["chat"]);
    await cache.getToken("8:acs:a", ["chat"]);
    expect([issuer.issued.length, cache.size]).toStrictEqual([2, 0]);
  });

  it("holds a token no longer than it can be handed out", async () => {
    const cache = new TokenCache(fakeIssuer(60_000 + 100), { minValidityMinutes: 1 });
    await cache.getToken("8:acs:a", ["chat"]);
    expect(cache.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(cache.size).toBe(0);
  });

  it("evicts the least recently used token when full", async () => {
    const issuer = fakeIssuer(24 * HOUR);
    const cache = new TokenCache(issuer, { maxEntries: 2 });
    await cache.getToken("8:acs:a", ["chat"]);
    await cache.getToken("8:acs:b", ["chat"]);
    await cache.getToken("8:acs:a", ["chat"]); // a is now the most recently used
    await cache.getToken("8:acs:c", ["chat"]); // evicts b
    expect(cache.size).toBe(2);
    await cache.getToken("8:acs:a", ["chat"]);
    await cache.getToken("8:acs:b", ["chat"]);
    expect(issuer.issued).toStrictEqual(["8:acs:a chat", "8:acs:b chat", "8:acs:c chat", "8:acs:b chat"]);
  });

  it("a login after forget() does not join an issue that began before it", async () => {
    let issued = 0;
    const slow: TokenIssuer = {
      async getToken() {
        const token = `token-${(issued += 1)}`;
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { token, expiresOn: new Date(Date.now() + 24 * HOUR) };
      },
    };
    const cache = new TokenCache(slow);
    const before = cache.getToken("8:acs:a", ["chat"]);
    const joined = cache.getToken("8:acs:a", ["chat"]); // before the drop: shares the issue
    await new Promise((resolve) => setTimeout(resolve, 50));
    await cache.forget("8:acs:a");
    const after = await cache.getToken("8:acs:a", ["chat"]);
    expect([(await before).token, (await joined).token, after.token, issued, cache.size]).toStrictEqual([
      "token-1",
      "token-1",
      "token-2",
      2,
      1,
    ]);
    expect((await cache.getToken("8:acs:a", ["chat"])).token).toBe("token-2");
  });

  it("never shows a token through JSON.stringify or util.inspect", async () => {
    const cache = new TokenCache(fakeIssuer(24 * HOUR));
    await cache.getToken("8:acs:a", ["chat"]);
    expect(JSON.stringify(cache)).toBe("{}");
    expect(inspect(cache, { depth: 10, showHidden: true })).not.toContain("token-1");
  });

  it("refuses options that could never hand out a token, and bad arguments before issuing", async () => {
    expect(() => new TokenCache(fakeIssuer(HOUR), { minValidityMinutes: 60, tokenExpiresInMinutes: 60 })).toThrow(
      new RangeError(
        "minValidityMinutes must be from 0 to less than the token lifetime (60 minutes), or no cached token could ever be handed out.",
      ),
    );
    expect(() => new TokenCache(fakeIssuer(HOUR), { maxEntries: 0 })).toThrow(
      new RangeError("maxEntries must be a whole number, 1 or more."),
    );
    const issuer = fakeIssuer(HOUR);
    await expect(new TokenCache(issuer).getToken("8:acs:a", [])).rejects.toThrow(RangeError);
    expect(issuer.issued).toStrictEqual([]);
  });
});

describe("TokenCache through a SurgeGuard, against the emulator", () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  async function setUp() {
    emulator = await startEmulator();
    const inner = createNodeHttpClient();
    const wire = {
      issues: 0,
      async sendRequest(request: Parameters<HttpClient["sendRequest"]>[0]) {
        if (request.url.includes(":issueAccessToken")) wire.issues += 1;
        return inner.sendRequest(request);
      },
    };
    const guard = new SurgeGuard();
    const client = new CommunicationIdentityClient(emulator.connectionString, { httpClient: guard.httpClient(wire) });
    const tokens = guard.tokenCache(client);
    const user = await client.createUser();
    return { client, tokens, user, wire };
  }

  it("sends one issue for concurrent requests of the same user and scopes; an aborting caller stops waiting alone", async () => {
    const { tokens, user, wire } = await setUp();
    emulator!.faults.add({ latencyMs: 100, operation: "issueToken" });
    const controller = new AbortController();
    const aborted = tokens.getToken(user, ["chat"], { abortSignal: controller.signal });
    const results = Promise.all(Array.from({ length: 10 }, () => tokens.getToken(user, ["chat"])));
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    const all = await results;
    expect(new Set(all.map(({ token }) => token)).size).toBe(1);
    expect(wire.issues).toBe(1);
  });

  it("drops a user's tokens when the client revokes or deletes the user, also a token being issued meanwhile", async () => {
    const { client, tokens, user, wire } = await setUp();
    const first = await tokens.getToken(user, ["chat"]);
    await client.revokeTokens(user);
    expect(tokens.size).toBe(0);
    const second = await tokens.getToken(user, ["chat"]);
    expect(second.token).not.toBe(first.token);
    // An issue in flight when the revoke is sent: its token is handed to its caller but not kept.
    await client.revokeTokens(user);
    emulator!.faults.add({ latencyMs: 200, operation: "issueToken" });
    const inFlight = tokens.getToken(user, ["voip"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await client.revokeTokens(user);
    await inFlight;
    expect(tokens.size).toBe(0);
    await tokens.getToken(user, ["chat"]);
    await client.deleteUser(user);
    expect(tokens.size).toBe(0);
    expect(wire.issues).toBe(4);
  });

  it("sends a revoke even when dropping the cached tokens fails, and says so in the log without the user", async () => {
    emulator = await startEmulator();
    const inner = createNodeHttpClient();
    const sent: string[] = [];
    const wire = {
      async sendRequest(request: Parameters<HttpClient["sendRequest"]>[0]) {
        sent.push(new URL(request.url).pathname.split("/").pop()!);
        return inner.sendRequest(request);
      },
    };
    const store = new MemorySurgeStore();
    const failing = Object.assign(store, {
      tokens: {
        fetch: async () => undefined,
        forgetUser: async () => {
          throw new Error("the store's script failed");
        },
      },
    });
    const guard = new SurgeGuard({ store: failing });
    const client = new CommunicationIdentityClient(emulator.connectionString, { httpClient: guard.httpClient(wire) });
    const tokens = guard.tokenCache(client);
    const user = await client.createUser();
    await tokens.getToken(user, ["chat"]);
    const lines: string[] = [];
    const previousLog = AzureLogger.log;
    const previousLevel = getLogLevel();
    setLogLevel("warning");
    AzureLogger.log = (...args: unknown[]) => void lines.push(args.join(" "));
    try {
      await client.revokeTokens(user);
    } finally {
      AzureLogger.log = previousLog;
      setLogLevel(previousLevel);
    }
    expect(sent.filter((name) => name === ":revokeAccessTokens")).toHaveLength(1);
    expect(tokens.size).toBe(0);
    const said =
      "azure:acs-identity:warning acs-identity/surge: dropping a user's cached tokens failed (Error); the request is sent anyway.";
    expect(lines).toStrictEqual([said, said]);
  });
});
