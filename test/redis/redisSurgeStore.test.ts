import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createRequire } from "node:module";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/index.js";
import { createNodeHttpClient } from "../../src/transport/nodeHttpClient.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { RedisSurgeStore, type RedisSurgeStoreOptions } from "../../src/redis/index.js";
import { ISSUE_LOCK_MS } from "../../src/redis/redisTokenStore.js";
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
  const redis = await connect();
  const store = new RedisSurgeStore({ redis, encryptionKey: KEY, prefix, ...options.storeOptions });
  stores.push(store);
  const guard = new SurgeGuard({ ...options, ...(options.shared === false ? {} : { store }) });
  const client = new CommunicationIdentityClient(emulator.connectionString, { httpClient: guard.httpClient(wire) });
  return { store, guard, client, tokens: guard.tokenCache(client), redis };
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
    const [epoch, stored] = (await raw.get(name))!.split(".") as [string, string]; // "<epoch>.<sealed>"
    expect(epoch).toBe("0");
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
    expect(() => new RedisSurgeStore({ redis, encryptionKey: undefined as unknown as string })).toThrow(
      new TypeError("encryptionKey must be a Uint8Array or a base64 string; it is undefined."),
    );
    expect(() => new RedisSurgeStore({ redis, encryptionKey: 12345 as unknown as string })).toThrow(
      new TypeError("encryptionKey must be a Uint8Array or a base64 string; it is number."),
    );
    const base64 = randomBytes(32).toString("base64");
    expect(() => new RedisSurgeStore({ redis, encryptionKey: `${base64.slice(0, 20)}%%%${base64.slice(20)}` })).toThrow(
      new TypeError(
        'encryptionKey must be the base64 of 32 bytes, only base64 or base64url characters (A-Z, a-z, 0-9, "+" and "/", or "-" and "_"), with or without "=" padding.',
      ),
    );
    expect(() => new RedisSurgeStore({ redis, encryptionKey: randomBytes(32).toString("hex") })).toThrow(
      new RangeError("encryptionKey must be 32 bytes (AES-256), e.g. randomBytes(32) or its base64; this one has 48."),
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

  it("counts an error answer (READONLY during a failover) as unreachable: logins and revokes go on, and the revoke is applied once Redis takes writes", async () => {
    emulator = await startEmulator();
    const a = await instance({ storeOptions: { instances: 2, commandTimeoutMs: 200, recheckMs: 300 } });
    const [user, other] = [await a.client.createUser(), await a.client.createUser()];
    resetWire();
    const kept = await a.tokens.getToken(user, ["chat"]);
    const raw = await connect();
    await raw.call("REPLICAOF", "127.0.0.1", "1"); // a replica of nothing: writes are refused with READONLY
    try {
      const during = await a.tokens.getToken(other, ["chat"]);
      await a.client.revokeTokens(user);
      expect(wire.issues).toBe(2);
      expect(lines.filter((line) => line.includes("unreachable"))).toStrictEqual([
        "azure:acs-identity:warning acs-identity/redis: Redis is unreachable (it answered READONLY); pacing and token reuse use this instance's memory (1/2 of the budget) until it answers again.",
      ]);
      expect(lines.join("\n")).not.toContain(during.token);
    } finally {
      await raw.call("REPLICAOF", "NO", "ONE");
    }
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await raw.get(`${prefix}{user:${user.communicationUserId}}:drops`)).toBe("1");
    expect((await a.tokens.getToken(user, ["chat"])).token).not.toBe(kept.token);
    expect(lines.filter((line) => line === recovery)).toHaveLength(1);
    expect(lines.join("\n")).not.toContain(kept.token);
  });

  it("counts OOM as unreachable too: a login goes on", async () => {
    emulator = await startEmulator();
    const a = await instance({ storeOptions: { instances: 2, commandTimeoutMs: 200, recheckMs: 300 } });
    const user = await a.client.createUser();
    const raw = await connect();
    await raw.config("SET", "maxmemory", "1");
    try {
      await a.tokens.getToken(user, ["chat"]);
    } finally {
      await raw.config("SET", "maxmemory", "0");
    }
    expect(lines.filter((line) => line.includes("unreachable"))).toStrictEqual([
      "azure:acs-identity:warning acs-identity/redis: Redis is unreachable (it answered OOM); pacing and token reuse use this instance's memory (1/2 of the budget) until it answers again.",
    ]);
  });

  /** Cuts every other client's connection (a blip: commands sent meanwhile are lost); ioredis reconnects. */
  async function blip(raw: Redis): Promise<void> {
    await raw.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it("applies a revoke made during an outage in the background, though the instance that made it stays idle", async () => {
    emulator = await startEmulator();
    const options = { storeOptions: { commandTimeoutMs: 200, recheckMs: 500 } };
    const [a, b] = [await instance(options), await instance(options)];
    const raw = await connect();
    const issue = async () => ({ token: `token-${Math.random()}`, expiresOn: new Date(Date.now() + 24 * 3_600_000) });
    const kept = (await b.store.tokens.fetch("chat", "8:acs:u", 60_000, issue))!;
    await blip(raw);
    await a.store.tokens.forgetUser("8:acs:u"); // the connection is down: remembered
    expect(a.store.reachable).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await raw.get(`${prefix}{user:8:acs:u}:drops`)).toBe("1");
    expect((await b.store.tokens.fetch("chat", "8:acs:u", 60_000, issue))!.token).not.toBe(kept.token);
  });

  it("close() applies the revokes still pending", async () => {
    emulator = await startEmulator();
    const a = await instance({ storeOptions: { commandTimeoutMs: 200, recheckMs: 60_000 } });
    const raw = await connect();
    await blip(raw);
    await a.store.tokens.forgetUser("8:acs:u");
    // ioredis reconnects (about 50 ms; longer on a loaded machine): close() then has Redis to write to.
    for (const startedAt = Date.now(); a.redis.status !== "ready" && Date.now() - startedAt < 5_000;) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await raw.get(`${prefix}{user:8:acs:u}:drops`)).toBeNull();
    await a.store.close();
    expect(await raw.get(`${prefix}{user:8:acs:u}:drops`)).toBe("1");
  });

  it("applies pending revokes 500 users per script, and past 10,000 drops every token under the prefix", async () => {
    emulator = await startEmulator();
    const options = { storeOptions: { commandTimeoutMs: 200, recheckMs: 500 } };
    const [a, b] = [await instance(options), await instance(options)];
    const raw = await connect();
    await blip(raw);
    for (let i = 0; i < 1_200; i += 1) await a.store.tokens.forgetUser(`8:acs:u${i}`);
    await raw.config("RESETSTAT");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const evals = /cmdstat_eval:calls=(\d+)/.exec(await raw.info("commandstats"))?.[1];
    expect(evals).toBe("3"); // 500 + 500 + 200 users
    expect(await raw.get(`${prefix}{user:8:acs:u1199}:drops`)).toBe("1");

    const issue = async () => ({ token: `token-${Math.random()}`, expiresOn: new Date(Date.now() + 24 * 3_600_000) });
    const kept = (await b.store.tokens.fetch("chat", "8:acs:kept", 60_000, issue))!;
    await blip(raw);
    for (let i = 0; i < 10_001; i += 1) await a.store.tokens.forgetUser(`8:acs:v${i}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await raw.get(`${prefix}tokens-epoch`)).toBe("1");
    expect(await raw.get(`${prefix}{user:8:acs:v0}:drops`)).toBeNull(); // dropped with everything, not one by one
    expect((await b.store.tokens.fetch("chat", "8:acs:kept", 60_000, issue))!.token).not.toBe(kept.token);
  });

  it("says once, without the key, that a kept token does not decrypt", async () => {
    emulator = await startEmulator();
    const other = randomBytes(32).toString("base64");
    const [a, b] = [await instance(), await instance({ storeOptions: { encryptionKey: other } })];
    const issue = async () => ({ token: `token-${Math.random()}`, expiresOn: new Date(Date.now() + 24 * 3_600_000) });
    for (const user of ["8:acs:a", "8:acs:b"]) await a.store.tokens.fetch("chat", user, 60_000, issue);
    for (const user of ["8:acs:a", "8:acs:b"]) await b.store.tokens.fetch("chat", user, 60_000, issue);
    expect(lines).toStrictEqual([
      "azure:acs-identity:warning acs-identity/redis: a token kept in Redis does not decrypt with this encryptionKey (another key, or altered); it counts as missing and is issued again. Give every instance that shares the prefix the same key.",
    ]);
    expect(lines.join("\n")).not.toContain(other);
  });
});

describe("RedisSurgeStore's issue lock", () => {
  const issueIn = (ms: number) => async () => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { token: `token-${ms}`, expiresOn: new Date(Date.now() + 24 * 3_600_000) };
  };

  it(
    "a lock left by a dead instance (no longer renewed) holds the others back at most 10 s, then they issue themselves",
    { timeout: 20_000 },
    async () => {
      emulator = await startEmulator();
      const a = await instance();
      const raw = await connect();
      await raw.set(`${prefix}{user:8:acs:u}:lock:chat`, "a-dead-owner", "PX", ISSUE_LOCK_MS);
      const started = Date.now();
      expect(await a.store.tokens.fetch("chat", "8:acs:u", 60_000, issueIn(0))).toMatchObject({ token: "token-0" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
      expect(Date.now() - started).toBeLessThan(12_000);
    },
  );

  it("a lock that could not be released (Redis refused the write) is released later in the background", async () => {
    emulator = await startEmulator();
    const a = await instance({ storeOptions: { commandTimeoutMs: 200, recheckMs: 300 } });
    const raw = await connect();
    const lock = `${prefix}{user:8:acs:u}:lock:chat`;
    const fetched = a.store.tokens.fetch("chat", "8:acs:u", 60_000, issueIn(300));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await raw.call("REPLICAOF", "127.0.0.1", "1"); // keeping the token and releasing the lock are refused
    try {
      expect(await fetched).toMatchObject({ token: "token-300" });
      expect(await raw.get(lock)).not.toBeNull();
    } finally {
      await raw.call("REPLICAOF", "NO", "ONE");
    }
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await raw.get(lock)).toBeNull();
  });

  it(
    "an instance waits for another's issue as long as it runs (a paced issue may take a whole window), and issues nothing itself",
    { timeout: 20_000 },
    async () => {
      emulator = await startEmulator();
      const [a, b] = [await instance(), await instance()];
      const slow = a.store.tokens.fetch("chat", "8:acs:u", 60_000, issueIn(ISSUE_LOCK_MS + 2_000));
      await new Promise((resolve) => setTimeout(resolve, 100));
      let issuedByB = 0;
      const waiting = b.store.tokens.fetch("chat", "8:acs:u", 60_000, async () => {
        issuedByB += 1;
        return issueIn(0)();
      });
      expect([await slow, await waiting].map((token) => token?.token)).toStrictEqual(["token-12000", "token-12000"]);
      expect(issuedByB).toBe(0);
    },
  );

  it("the owner renews its 10 s lock while a long issue runs, and releases it after", async () => {
    emulator = await startEmulator();
    const a = await instance();
    const raw = await connect();
    const lock = `${prefix}{user:8:acs:u}:lock:chat`;
    const fetched = a.store.tokens.fetch("chat", "8:acs:u", 60_000, issueIn(4_000));
    await new Promise((resolve) => setTimeout(resolve, 3_900));
    const ttl = await raw.pttl(lock);
    expect(ttl).toBeGreaterThan(9_000); // renewed at 3.3 s for 10 s
    expect(ttl).toBeLessThanOrEqual(10_000);
    await fetched;
    expect(await raw.get(lock)).toBeNull();
  });
});

describe("RedisSurgeStore and the process's exit", () => {
  /** Runs an app that waits for another instance's token (so the store listens), quits its client, maybe closes the store, and ends. */
  async function exitsBy(close: boolean): Promise<{ code: number | null; ms: number; stdout: string }> {
    const store = pathToFileURL(fileURLToPath(new URL("../../src/redis/index.ts", import.meta.url))).href;
    const ioredis = pathToFileURL(createRequire(import.meta.url).resolve("ioredis")).href;
    const app = `
      import { Redis } from ${JSON.stringify(ioredis)};
      import { RedisSurgeStore } from ${JSON.stringify(store)};
      const redis = new Redis({ port: Number(process.env.REDIS_PORT), host: "127.0.0.1", enableOfflineQueue: false });
      await new Promise((resolve) => redis.once("ready", resolve));
      const store = new RedisSurgeStore({ redis, encryptionKey: Buffer.alloc(32, 7), prefix: "exit:" });
      const issue = async () => ({ token: "t", expiresOn: new Date(Date.now() + 86_400_000) });
      await redis.set("exit:{user:8:acs:u}:lock:chat", "another-instance", "PX", 300); // so that the store listens
      await store.tokens.fetch("chat", "8:acs:u", 60_000, issue);
      await redis.quit();
      ${close ? "await store.close();" : ""}
      console.log("done");
    `;
    const file = join(await mkdtemp(join(tmpdir(), "surge-exit-")), "app.mts");
    await writeFile(file, app);
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: { ...process.env, REDIS_PORT: String(server.port) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
    const [code] = (await once(child, "exit")) as [number | null];
    clearTimeout(timer);
    return { code, ms: Date.now() - started, stdout };
  }

  it("an app that quits its client exits by itself, with or without store.close()", { timeout: 20_000 }, async () => {
    for (const close of [false, true]) {
      const { code, ms, stdout } = await exitsBy(close);
      expect({ code, stdout }).toStrictEqual({ code: 0, stdout: "done\n" });
      expect(ms).toBeLessThan(8_000);
    }
  });

  it("listens from the first fetch, so that an announcement made before an instance waits is not missed", async () => {
    emulator = await startEmulator();
    const a = await instance();
    const raw = await connect();
    const issue = async () => ({ token: "t", expiresOn: new Date(Date.now() + 86_400_000) });
    await a.store.tokens.fetch("chat", "8:acs:u", 60_000, issue); // no lock to wait for
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await raw.call("PUBSUB", "NUMSUB", `${prefix}tokens-kept`)).toStrictEqual([`${prefix}tokens-kept`, 1]);
  });

  it("close() is for good: the store does not listen again", async () => {
    emulator = await startEmulator();
    const a = await instance();
    const raw = await connect();
    await a.store.close();
    const issue = async () => ({ token: "t", expiresOn: new Date(Date.now() + 86_400_000) });
    await raw.set(`${prefix}{user:8:acs:u}:lock:chat`, "another-instance", "PX", 500);
    await a.store.tokens.fetch("chat", "8:acs:u", 60_000, issue); // waits for the other instance's lock
    const channels = (await raw.call("PUBSUB", "NUMSUB", `${prefix}tokens-kept`)) as [string, number];
    expect(channels).toStrictEqual([`${prefix}tokens-kept`, 0]);
  });
});
