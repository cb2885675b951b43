/**
 * The pacing budget and the token cache in Redis, shared by every app instance that uses the same
 * Redis and prefix. Each step is one Lua script, so instances never double-spend the budget or keep
 * a token that a revoke in another instance dropped. Tokens are sealed with AES-256-GCM under the
 * app's key and live exactly as long as they are valid.
 *
 * When Redis does not answer (within `commandTimeoutMs`), the store says so in the log and serves
 * from this instance's memory (the budget divided by `instances`), trying Redis again every
 * `recheckMs`; logins go on. Redis answering with an error (`READONLY` during a failover, `LOADING`,
 * `OOM`, `BUSY`, ...) counts as not answering. Revokes and deletes made meanwhile are remembered and
 * applied to Redis in the background (every `recheckMs`, and once more by `close()`), many users per
 * script; past `MAX_PENDING_FORGETS` of them, every token under the prefix is dropped instead.
 *
 * The parts: `redisCommands.ts` (time limits and reachability), `redisTokenStore.ts` (the shared
 * token cache), `tokenAnnouncements.ts` (waking instances that wait for a token), `pendingWrites.ts`
 * (what is owed to Redis), `redisKeys.ts` (key names), `redisScripts.ts` (the Lua scripts).
 */
import type { Redis } from "ioredis";
import type { RateLimit } from "../limits/rateLimits.js";
import { MemorySurgeStore, type Reservation, type SharedTokenStore, type SurgeStore } from "../surge/surgeStore.js";
import { PendingWrites } from "./pendingWrites.js";
import { RedisCommands } from "./redisCommands.js";
import { channelName } from "./redisKeys.js";
import { HOLD, RESERVE } from "./redisScripts.js";
import { RedisTokenStore } from "./redisTokenStore.js";
import { TokenAnnouncements } from "./tokenAnnouncements.js";
import { encryptionKeyOf } from "./tokenCipher.js";

/** Options of {@link RedisSurgeStore}. */
export interface RedisSurgeStoreOptions {
  /**
   * A connected `ioredis` client. Create it with `enableOfflineQueue: false`, so that commands fail
   * at once while Redis is down instead of queueing. The store does not close it: quit it when
   * the app stops, after `store.close()`.
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

/**
 * A {@link SurgeStore} in Redis (`acs-identity/redis`, Node.js only; needs `ioredis`).
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false });
 * const store = new RedisSurgeStore({ redis, encryptionKey: process.env.TOKEN_CACHE_KEY!, instances: 4 });
 * const guard = new SurgeGuard({ rateLimits: "service", store });
 * // When the app stops (the store's listening connection would keep the process alive):
 * await store.close();
 * await redis.quit();
 * ```
 */
export class RedisSurgeStore implements SurgeStore {
  /** Tokens shared by the instances; the guard's token caches use them. */
  readonly tokens: SharedTokenStore;
  readonly #commands: RedisCommands;
  readonly #prefix: string;
  readonly #instances: number;
  readonly #local = new MemorySurgeStore();
  readonly #pending: PendingWrites;
  readonly #announcements: TokenAnnouncements;

  /**
   * @param options - `redis`, `encryptionKey` (required), `prefix`, `instances`, `commandTimeoutMs`, `recheckMs`.
   * @throws TypeError for a missing client, or a key that is neither a `Uint8Array` nor a base64
   * string; RangeError for a key that is not 32 bytes, or a count or time out of range.
   */
  constructor(options: RedisSurgeStoreOptions) {
    if (typeof options?.redis?.evalsha !== "function") throw new TypeError("redis must be an ioredis client (new Redis(...)).");
    const key = encryptionKeyOf(options.encryptionKey);
    const prefix = options.prefix ?? "acs-identity:";
    const instances = positive("instances", options.instances ?? 1, true);
    const commandTimeoutMs = positive("commandTimeoutMs", options.commandTimeoutMs ?? 500, false);
    const recheckMs = positive("recheckMs", options.recheckMs ?? 2000, false);
    const commands = new RedisCommands(options.redis, { commandTimeoutMs, recheckMs, instances, onAnswerAgain: () => pending.applySoon() });
    const pending = new PendingWrites(commands, prefix, recheckMs);
    const announcements = new TokenAnnouncements(options.redis, channelName(prefix), () => pending.stop());
    const store = new RedisTokenStore({ commands, pending, announcements, key, prefix });
    this.#commands = commands;
    this.#prefix = prefix;
    this.#instances = instances;
    this.#pending = pending;
    this.#announcements = announcements;
    this.tokens = { fetch: (...args) => store.fetch(...args), forgetUser: (userId) => store.forgetUser(userId) };
  }

  /** Whether Redis counts as reachable now (it answered the last command, or the recheck time has come). */
  get reachable(): boolean {
    return this.#commands.reachable;
  }

  /** Reserves a send in the shared budget (one Lua script); see {@link SurgeStore.reserve}. */
  async reserve(key: string, limit: RateLimit, maxWaitMs: number): Promise<Reservation> {
    return this.#commands.orLocal(
      async () => {
        const budget = `${this.#prefix}{budget:${key}}`;
        const args = [limit.requests, Math.ceil(limit.windowMs), Math.floor(maxWaitMs)];
        const [waitMs, reserved] = (await this.#commands.eval(RESERVE, [budget, `${budget}:seq`], args)) as [number, number];
        return { waitMs, reserved: reserved === 1 };
      },
      () => this.#local.reserve(key, { ...limit, requests: Math.max(1, Math.floor(limit.requests / this.#instances)) }, maxWaitMs),
    );
  }

  /** Holds every instance's sends on `key` for `ms` milliseconds; see {@link SurgeStore.hold}. */
  async hold(key: string, ms: number): Promise<void> {
    await this.#commands.orLocal(
      async () => void (await this.#commands.eval(HOLD, [`${this.#prefix}{hold:${key}}`], [Math.max(1, Math.ceil(ms))])),
      () => this.#local.hold(key, ms),
    );
  }

  /** How long sends on `key` are still held, in milliseconds; see {@link SurgeStore.heldFor}. */
  async heldFor(key: string): Promise<number> {
    const commands = this.#commands;
    return commands.orLocal(
      async () => Math.max(0, await commands.timed(() => commands.redis.pttl(`${this.#prefix}{hold:${key}}`))),
      () => this.#local.heldFor(key),
    );
  }

  /**
   * Applies, once more, the revokes and deletes made while Redis was unreachable, and stops
   * listening for other instances' tokens, for good: call it before the app exits, or the
   * listening connection keeps the process alive. The `redis` client given stays open (quit it
   * yourself); when it ends, the store stops listening by itself.
   */
  async close(): Promise<void> {
    this.#announcements.close();
    await this.#pending.close();
  }
}

function positive(name: string, value: number, integer: boolean): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a ${integer ? "whole " : ""}number greater than 0.`);
  }
  return value;
}
