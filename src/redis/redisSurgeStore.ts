/**
 * The pacing budget and the token cache in Redis, shared by every app instance that uses the same
 * Redis and prefix. Each step is one Lua script, so instances never double-spend the budget or keep
 * a token that a revoke in another instance dropped. Tokens are sealed with AES-256-GCM under the
 * app's key and live exactly as long as they are valid.
 *
 * When Redis does not answer (within `commandTimeoutMs`), the store says so in the log and serves
 * from this instance's memory (the budget divided by `instances`), trying Redis again every
 * `recheckMs`; logins go on. Revokes and deletes made meanwhile are applied to Redis once it answers.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { logger } from "../logger.js";
import type { CommunicationAccessToken } from "../models.js";
import type { RateLimit } from "../rateLimits.js";
import { MemorySurgeStore, type Reservation, type SharedTokenStore, type SurgeStore } from "../surge/surgeStore.js";
import { FORGET_USER, HOLD, KEEP_TOKEN, RESERVE, UNLOCK } from "./redisScripts.js";
import { encryptionKeyOf, openToken, sealToken } from "./tokenCipher.js";

/** Options of {@link RedisSurgeStore}. */
export interface RedisSurgeStoreOptions {
  /**
   * A connected `ioredis` client. Create it with `enableOfflineQueue: false`, so that commands fail
   * at once while Redis is down instead of queueing. The store does not close it.
   */
  redis: Redis;
  /** The key that seals tokens at rest (AES-256-GCM): 32 bytes, or their base64. Keep it out of Redis. */
  encryptionKey: Uint8Array | string;
  /** Prefix of every Redis key and channel; instances share state when they share it. @defaultValue "acs-identity:" */
  prefix?: string;
  /**
   * How many app instances share the budget: while Redis is unreachable, each paces to
   * 1/`instances` of it on its own. @defaultValue 1
   */
  instances?: number;
  /** How long a Redis command may take before Redis counts as unreachable, in milliseconds. @defaultValue 500 */
  commandTimeoutMs?: number;
  /** While Redis is unreachable, how often to try it again, in milliseconds. @defaultValue 2000 */
  recheckMs?: number;
}

/** How long a token issue may hold the lock that makes other instances wait for it, in milliseconds. */
const ISSUE_LOCK_MS = 90_000;
/** How long a waiting instance waits for the announcement of a token before looking itself, in milliseconds. */
const ANNOUNCEMENT_WAIT_MS = 1_000;
/** How long a user's drop count is remembered: longer than any issue can take. */
const DROP_COUNT_MS = 24 * 3_600_000;
/** The most revokes and deletes remembered while Redis is unreachable, to apply once it answers. */
const MAX_PENDING_FORGETS = 10_000;

/** Redis did not answer: the store serves from memory instead. */
class Unreachable extends Error {}

/**
 * A {@link SurgeStore} in Redis (`acs-identity/redis`, Node.js only; needs `ioredis`).
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false });
 * const store = new RedisSurgeStore({ redis, encryptionKey: process.env.TOKEN_CACHE_KEY!, instances: 4 });
 * const guard = new SurgeGuard({ rateLimits: "service", store });
 * ```
 */
export class RedisSurgeStore implements SurgeStore {
  /** Tokens shared by the instances; the guard's token caches use them. */
  readonly tokens: SharedTokenStore;
  readonly #redis: Redis;
  readonly #key: Buffer;
  readonly #prefix: string;
  readonly #instances: number;
  readonly #commandTimeoutMs: number;
  readonly #recheckMs: number;
  readonly #local = new MemorySurgeStore();
  /** Until when Redis counts as unreachable (0: it answers). */
  #downUntil = 0;
  readonly #pendingForgets = new Set<string>();
  /** Who waits for the announcement of which token, and the connection that hears them. */
  readonly #waiters = new Map<string, Set<() => void>>();
  #subscriber: Redis | undefined;
  /** The application of the pending revokes and deletes after an outage, while it runs. */
  #recovering: Promise<void> | undefined;

  /**
   * @param options - `redis`, `encryptionKey` (required), `prefix`, `instances`, `commandTimeoutMs`, `recheckMs`.
   * @throws TypeError or RangeError for a missing client, a key that is not 32 bytes, or a count or time out of range.
   */
  constructor(options: RedisSurgeStoreOptions) {
    if (typeof options?.redis?.evalsha !== "function") throw new TypeError("redis must be an ioredis client (new Redis(...)).");
    this.#redis = options.redis;
    this.#key = encryptionKeyOf(options.encryptionKey);
    this.#prefix = options.prefix ?? "acs-identity:";
    this.#instances = positive("instances", options.instances ?? 1, true);
    this.#commandTimeoutMs = positive("commandTimeoutMs", options.commandTimeoutMs ?? 500, false);
    this.#recheckMs = positive("recheckMs", options.recheckMs ?? 2000, false);
    this.tokens = { fetch: (...args) => this.#fetchToken(...args), forgetUser: (userId) => this.#forgetUser(userId) };
  }

  /** Whether Redis counts as reachable now (it answered the last command, or the recheck time has come). */
  get reachable(): boolean {
    return Date.now() >= this.#downUntil;
  }

  /** Reserves a send in the shared budget (one Lua script); see {@link SurgeStore.reserve}. */
  async reserve(key: string, limit: RateLimit, maxWaitMs: number): Promise<Reservation> {
    return this.#orLocal(
      async () => {
        const budget = `${this.#prefix}{budget:${key}}`;
        const args = [limit.requests, Math.ceil(limit.windowMs), Math.floor(maxWaitMs)];
        const [waitMs, reserved] = (await this.#eval(RESERVE, [budget, `${budget}:seq`], args)) as [number, number];
        return { waitMs, reserved: reserved === 1 };
      },
      () => this.#local.reserve(key, { ...limit, requests: Math.max(1, Math.floor(limit.requests / this.#instances)) }, maxWaitMs),
    );
  }

  /** Holds every instance's sends on `key` for `ms` milliseconds; see {@link SurgeStore.hold}. */
  async hold(key: string, ms: number): Promise<void> {
    await this.#orLocal(
      async () => void (await this.#eval(HOLD, [`${this.#prefix}{hold:${key}}`], [Math.max(1, Math.ceil(ms))])),
      () => this.#local.hold(key, ms),
    );
  }

  /** How long sends on `key` are still held, in milliseconds; see {@link SurgeStore.heldFor}. */
  async heldFor(key: string): Promise<number> {
    return this.#orLocal(
      async () => Math.max(0, await this.#command(() => this.#redis.pttl(`${this.#prefix}{hold:${key}}`))),
      () => this.#local.heldFor(key),
    );
  }

  /** Stops listening for other instances' tokens (the `redis` client given stays open). */
  async close(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    subscriber?.disconnect();
  }

  async #fetchToken(
    key: string,
    userId: string,
    minValidityMs: number,
    issue: () => Promise<CommunicationAccessToken>,
  ): Promise<CommunicationAccessToken | undefined> {
    if (!this.reachable) return undefined;
    const names = this.#tokenNames(key, userId);
    try {
      for (;;) {
        const kept = await this.#keptToken(names.token, minValidityMs);
        if (kept !== undefined) return kept;
        const owner = randomUUID();
        const locked = await this.#command(() => this.#redis.set(names.lock, owner, "PX", ISSUE_LOCK_MS, "NX"));
        if (locked === "OK") return await this.#issueAndKeep(names, owner, minValidityMs, issue);
        await this.#announcement(names.token);
      }
    } catch (error) {
      if (error instanceof Unreachable) return undefined;
      throw error;
    }
  }

  /** Issues under the lock (unless a token arrived meanwhile), keeps the token, and announces it. */
  async #issueAndKeep(
    names: TokenNames,
    owner: string,
    minValidityMs: number,
    issue: () => Promise<CommunicationAccessToken>,
  ): Promise<CommunicationAccessToken> {
    let token: CommunicationAccessToken | undefined;
    try {
      token = await this.#keptToken(names.token, minValidityMs);
      if (token !== undefined) return token;
      const drops = (await this.#command(() => this.#redis.get(names.drops))) ?? "0";
      token = await issue();
      const ttl = token.expiresOn.getTime() - Date.now();
      if (ttl > 0)
        await this.#eval(KEEP_TOKEN, [names.token, names.index, names.drops], [sealToken(this.#key, names.token, token), ttl, drops]);
      return token;
    } catch (error) {
      // Redis went away after the issue: the caller still gets the token.
      if (error instanceof Unreachable && token !== undefined) return token;
      throw error;
    } finally {
      await this.#eval(UNLOCK, [names.lock], [owner, this.#channel(), names.token]).catch(() => undefined);
    }
  }

  async #keptToken(name: string, minValidityMs: number): Promise<CommunicationAccessToken | undefined> {
    const stored = await this.#command(() => this.#redis.get(name));
    const token = stored === null ? undefined : openToken(this.#key, name, stored);
    return token !== undefined && token.expiresOn.getTime() - Date.now() >= minValidityMs ? token : undefined;
  }

  async #forgetUser(userId: string): Promise<void> {
    if (!this.reachable) {
      if (this.#pendingForgets.size < MAX_PENDING_FORGETS) this.#pendingForgets.add(userId);
      return;
    }
    try {
      const names = this.#tokenNames("", userId);
      await this.#eval(FORGET_USER, [names.index, names.drops], [DROP_COUNT_MS]);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      this.#pendingForgets.add(userId);
    }
  }

  /** Resolves when another instance announces the token, or after {@link ANNOUNCEMENT_WAIT_MS}. */
  async #announcement(name: string): Promise<void> {
    this.#listen();
    await new Promise<void>((resolve) => {
      const waiters = this.#waiters.get(name) ?? new Set();
      this.#waiters.set(name, waiters);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(name) === waiters) this.#waiters.delete(name);
        resolve();
      };
      const timer = setTimeout(done, ANNOUNCEMENT_WAIT_MS);
      waiters.add(done);
    });
  }

  /** Subscribes, once, to the announcements of kept tokens on a second connection. */
  #listen(): void {
    if (this.#subscriber !== undefined) return;
    const subscriber = this.#redis.duplicate({ enableOfflineQueue: true, lazyConnect: false });
    this.#subscriber = subscriber;
    subscriber.on("error", () => undefined); // Waiters look for themselves after ANNOUNCEMENT_WAIT_MS.
    subscriber.on("message", (_channel: string, name: string) => {
      for (const done of [...(this.#waiters.get(name) ?? [])]) done();
    });
    subscriber.subscribe(this.#channel()).catch(() => undefined);
  }

  #channel(): string {
    return `${this.#prefix}tokens-kept`;
  }

  #tokenNames(key: string, userId: string): TokenNames {
    const user = `${this.#prefix}{user:${userId}}`;
    return { token: `${user}:token:${key}`, lock: `${user}:lock:${key}`, index: `${user}:tokens`, drops: `${user}:drops` };
  }

  /** Runs `shared` against Redis, or `local` while it is unreachable. */
  async #orLocal<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (!this.reachable) return local();
    try {
      return await shared();
    } catch (error) {
      if (error instanceof Unreachable) return local();
      throw error;
    }
  }

  async #eval(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.#command(() => this.#redis.eval(script, keys.length, ...keys, ...args));
  }

  /**
   * One command. After an outage, the revokes and deletes made meanwhile are applied first, so that
   * no instance reads a token they dropped; the first answer is said in the log.
   */
  async #command<T>(run: () => Promise<T>): Promise<T> {
    if (this.#downUntil !== 0) await (this.#recovering ??= this.#recover().finally(() => (this.#recovering = undefined)));
    return this.#timed(run);
  }

  async #recover(): Promise<void> {
    for (const userId of [...this.#pendingForgets]) {
      const names = this.#tokenNames("", userId);
      await this.#timed(() => this.#redis.eval(FORGET_USER, 2, names.index, names.drops, DROP_COUNT_MS));
      this.#pendingForgets.delete(userId);
    }
    if (this.#downUntil === 0) return;
    await this.#timed(() => this.#redis.ping());
    this.#downUntil = 0;
    logger.warning("acs-identity/redis: Redis answers again; pacing and token reuse are shared again.");
  }

  /**
   * Runs a command with a time limit. A failure or timeout marks Redis unreachable (said once in
   * the log) and throws {@link Unreachable}; an error Redis answered is thrown as it is.
   */
  async #timed<T>(run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#commandTimeoutMs} ms`)), this.#commandTimeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      if (isRedisReplyError(error)) throw error;
      if (this.#downUntil === 0) {
        logger.warning(
          `acs-identity/redis: Redis is unreachable (${(error as Error).message}); pacing and token reuse use this instance's memory ` +
            `(${this.#instances === 1 ? "the whole" : `1/${this.#instances} of the`} budget) until it answers again.`,
        );
      }
      this.#downUntil = Date.now() + this.#recheckMs;
      throw new Unreachable();
    } finally {
      clearTimeout(timer);
    }
  }
}

interface TokenNames {
  token: string;
  lock: string;
  index: string;
  drops: string;
}

/** An error Redis answered (a bad script, a wrong type), as opposed to no answer. */
function isRedisReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === "ReplyError";
}

function positive(name: string, value: number, integer: boolean): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a ${integer ? "whole " : ""}number greater than 0.`);
  }
  return value;
}
