import { randomBytes } from "node:crypto";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/index.js";
import { createNodeHttpClient } from "../../src/nodeHttpClient.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { RedisSurgeStore, type RedisSurgeStoreOptions } from "../../src/redis/index.js";
import { openToken } from "../../src/redis/tokenCipher.js";
import { SurgeGuard, type SurgeGuardOptions } from "../../src/surge/index.js";
import { startRedisServer, type RedisServer } from "../helpers/redisServer.js";

let server: RedisServer;
let emulator: Emulator;
const connections: Redis[] = [];
const stores: RedisSurgeStore[] = [];
const KEY = randomBytes(32);
let prefix = "";
let run = 0;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  prefix = `test${(run += 1)}:`;
});
afterEach(async () => {
  server.resume();
  for (const store of stores.splice(0)) await store.close();
  for (const redis of connections.splice(0)) redis.disconnect();
  await emulator?.close();
});

async function connect(): Promise<Redis> {
  const redis = new Redis({ port: server.port, host: "127.0.0.1", enableOfflineQueue: false, lazyConnect: true });
  redis.on("error", () => undefined);
  connections.push(redis);
  await redis.connect();
  return redis;
}

/** One app instance: its own Redis connection, store, guard, client and token cache. */
async function instance(options: SurgeGuardOptions & { storeOptions?: Partial<RedisSurgeStoreOptions>; shared?: boolean } = {}) {
  const store = new RedisSurgeStore({ redis: await connect(), encryptionKey: KEY, prefix, ...options.storeOptions });
  stores.push(store);
  const guard = new SurgeGuard({ ...options, ...(options.shared === false ? {} : { store }) });
  const client = new CommunicationIdentityClient(emulator.connectionString, { httpClient: guard.httpClient(wire) });
  return { store, guard, client, tokens: guard.tokenCache(client) };
}

/** The real HTTP client, counting sends, 429s and token issues of every instance. */
const inner = createNodeHttpClient();
const wire: HttpClient & { sent: number; throttled: number; issues: number } = {
  sent: 0,
  throttled: 0,
  issues: 0,
  async sendRequest(request) {
    wire.sent += 1;
    if (request.url.includes(":issueAccessToken")) wire.issues += 1;
    const response = await inner.sendRequest(request);
    if (response.status === 429) wire.throttled += 1;
    return response;
  },
};
function resetWire(): void {
  wire.sent = wire.throttled = wire.issues = 0;
}

describe("RedisSurgeStore: one budget for several instances", () => {
  it("paces a burst spread over two instances so that nothing is throttled; memory stores alone get 429s", async () => {
    emulator = await startEmulator({ limits: "issue=3/1s" });
    const [a, b] = [await instance({ rateLimits: "issue=3/1s" }), await instance({ rateLimits: "issue=3/1s" })];
    const user = await a.client.createUser();
    resetWire();
    const started = Date.now();
    const finished: number[] = [];
    const login = (client: CommunicationIdentityClient) =>
      client.issueToken(user, ["chat"]).then(() => finished.push(Date.now() - started));
    await Promise.all([a, b, a, b, a, b].map(({ client }) => login(client)));
    expect({ sent: wire.sent, throttled: wire.throttled }).toStrictEqual({ sent: 6, throttled: 0 });
    expect(Math.max(...finished)).toBeGreaterThanOrEqual(1250);

    // The same burst with each instance pacing alone: both send 3 at once.
    await emulator.close();
    emulator = await startEmulator({ limits: "issue=3/1s" });
    const [c, d] = [
      await instance({ rateLimits: "issue=3/1s", shared: false }),
      await instance({ rateLimits: "issue=3/1s", shared: false }),
    ];
    const other = await c.client.createUser();
    resetWire();
    await Promise.all([c, d, c, d, c, d].map(({ client }) => client.issueToken(other, ["chat"])));
    expect({ sent: wire.sent, throttled: wire.throttled }).toStrictEqual({ sent: 9, throttled: 3 });
  });
});

describe("RedisSurgeStore: one token cache for several instances", () => {
  it("issues once for concurrent logins of one user on two instances, and keeps the token sealed with a TTL of its validity", async () => {
    emulator = await startEmulator();
    const [a, b] = [await instance(), await instance()];
    const user = await a.client.createUser();
    resetWire();
    const all = await Promise.all([a, b, a, b, a, b].map(({ tokens }) => tokens.getToken(user, ["chat"])));
    expect(new Set(all.map(({ token }) => token)).size).toBe(1);
    expect(wire.issues).toBe(1);
    expect((await b.tokens.getToken(user, ["chat"])).token).toBe(all[0]!.token);
    expect(wire.issues).toBe(1);

    const raw = await connect();
    const name = `${prefix}{user:${user.communicationUserId}}:token:${user.communicationUserId}\nchat`;
    const stored = (await raw.get(name))!;
    expect(stored).not.toContain(all[0]!.token.slice(0, 20));
    expect(stored).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(openToken(KEY, name, stored)).toStrictEqual({ token: all[0]!.token, expiresOn: all[0]!.expiresOn });
    expect(openToken(randomBytes(32), name, stored)).toBeUndefined();
    expect(openToken(KEY, `${name}x`, stored)).toBeUndefined(); // bound to its name
    const ttl = await raw.pttl(name);
    const validity = all[0]!.expiresOn.getTime() - Date.now();
    expect(ttl).toBeLessThanOrEqual(validity + 50);
    expect(ttl).toBeGreaterThan(validity - 2000);
  });

  it("an instance with another key cannot read the tokens and issues its own", async () => {
    emulator = await startEmulator();
    const a = await instance();
    const b = await instance({ storeOptions: { encryptionKey: randomBytes(32).toString("base64") } });
    const user = await a.client.createUser();
    resetWire();
    const first = await a.tokens.getToken(user, ["chat"]);
    const second = await b.tokens.getToken(user, ["chat"]);
    expect(second.token).not.toBe(first.token);
    expect(wire.issues).toBe(2);
  });

  it("a revoke or delete through one instance drops the user's tokens for every instance", async () => {
    emulator = await startEmulator();
    const [a, b] = [await instance(), await instance()];
    const user = await a.client.createUser();
    resetWire();
    const first = await a.tokens.getToken(user, ["chat"]);
    await b.client.revokeTokens(user);
    const second = await a.tokens.getToken(user, ["chat"]);
    expect(second.token).not.toBe(first.token);
    await b.client.deleteUser(user);
    const raw = await connect();
    expect(await raw.keys(`${prefix}{user:*}:token:*`)).toStrictEqual([]);
    expect(wire.issues).toBe(2);
  });

  it("refuses a key that is not 32 bytes, and a client that is not one, without showing the key", async () => {
    const redis = await connect();
    expect(() => new RedisSurgeStore({ redis, encryptionKey: "c2hvcnQ=" })).toThrow(
      new RangeError("encryptionKey must be 32 bytes (AES-256), e.g. randomBytes(32) or its base64; this one has 5."),
    );
    expect(() => new RedisSurgeStore({ redis: {} as Redis, encryptionKey: KEY })).toThrow(
      new TypeError("redis must be an ioredis client (new Redis(...))."),
    );
    expect(() => new RedisSurgeStore({ redis, encryptionKey: KEY, instances: 1.5 })).toThrow(
      new RangeError("instances must be a whole number greater than 0."),
    );
  });
});

describe("RedisSurgeStore when Redis is unreachable", () => {
  const lines: string[] = [];
  let previousLevel: AzureLogLevel | undefined;
  const previousLog = AzureLogger.log;
  beforeEach(() => {
    lines.length = 0;
    previousLevel = getLogLevel();
    setLogLevel("warning");
    AzureLogger.log = (...args: unknown[]) => void lines.push(args.join(" "));
  });
  afterEach(() => {
    AzureLogger.log = previousLog;
    setLogLevel(previousLevel);
  });
  const outage =
    /^azure:acs-identity:warning acs-identity\/redis: Redis is unreachable \(.+\); pacing and token reuse use this instance's memory \(1\/2 of the budget\) until it answers again\.$/;
  const recovery = "azure:acs-identity:warning acs-identity/redis: Redis answers again; pacing and token reuse are shared again.";

  it("serves logins from memory while Redis hangs, says so once, and applies a revoke made meanwhile when it answers again", async () => {
    emulator = await startEmulator({ limits: "issue=4/1s" });
    // After the first command that times out, nothing goes to Redis for a second: the revoke below is remembered, not sent.
    const options = { rateLimits: "issue=4/1s", storeOptions: { instances: 2, commandTimeoutMs: 200, recheckMs: 1000 } };
    const a = await instance(options);
    const user = await a.client.createUser();
    const other = await a.client.createUser();
    resetWire();
    const kept = await a.tokens.getToken(other, ["chat"]);
    expect(wire.issues).toBe(1);

    server.pause();
    const started = Date.now();
    const during = await a.tokens.getToken(user, ["chat"]);
    expect(Date.now() - started).toBeLessThan(3000); // one command timeout (200 ms), not a hang
    expect((await a.tokens.getToken(user, ["chat"])).token).toBe(during.token); // this instance's memory
    // Memory paces to 1/2 of the budget: 2 issues per second.
    await Promise.all([a.client.issueToken(user, ["chat"]), a.client.issueToken(user, ["chat"])]);
    expect({ issues: wire.issues, throttled: wire.throttled }).toStrictEqual({ issues: 4, throttled: 0 });
    await a.client.revokeTokens(other);
    expect(lines.filter((line) => outage.test(line))).toHaveLength(1);
    expect(a.store.reachable).toBe(false);

    server.resume();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await a.tokens.getToken(other, ["chat"]);
    expect(after.token).not.toBe(kept.token); // the revoke reached Redis: the kept token was dropped
    expect(lines.filter((line) => line === recovery)).toHaveLength(1);
    expect(a.store.reachable).toBe(true);
    expect(lines.join("\n")).not.toContain(kept.token);
    expect(lines.join("\n")).not.toContain(during.token);
  });

  it("survives Redis going away and coming back empty (connection refused, reconnect)", async () => {
    emulator = await startEmulator();
    const a = await instance({ storeOptions: { instances: 2, commandTimeoutMs: 200, recheckMs: 300 } });
    const user = await a.client.createUser();
    resetWire();
    await a.tokens.getToken(user, ["chat"]);
    await server.stop();
    const during = await a.tokens.getToken(user, ["chat"]);
    expect(wire.issues).toBe(2);
    expect(lines.filter((line) => outage.test(line))).toHaveLength(1);
    await server.restart();
    await new Promise((resolve) => setTimeout(resolve, 2500)); // ioredis reconnects within 2 s
    const after = await a.tokens.getToken(user, ["chat"]);
    expect(after.token).not.toBe(during.token); // Redis is empty: issued and kept there
    expect((await a.tokens.getToken(user, ["chat"])).token).toBe(after.token);
    expect(wire.issues).toBe(3);
    expect(lines.filter((line) => line === recovery)).toHaveLength(1);
  });
});
