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
 * script; past {@link MAX_PENDING_FORGETS} of them, every token under the prefix is dropped instead.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { logger } from "../logger.js";
import type { CommunicationAccessToken } from "../client/models.js";
import type { RateLimit } from "../limits/rateLimits.js";
import { MemorySurgeStore, type Reservation, type SharedTokenStore, type SurgeStore } from "../surge/surgeStore.js";
import { DROP_ALL, FORGET_USERS, HOLD, ISSUE_START, KEEP_TOKEN, KEPT_TOKEN, RENEW_LOCK, RESERVE, UNLOCK } from "./redisScripts.js";
import { encryptionKeyOf, openToken, sealToken } from "./tokenCipher.js";

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
 * How long the lock of a token issue (that makes other instances wait for it) lasts unless its owner
 * renews it, in milliseconds: the owner renews it every third of that while the issue runs, so a
 * lock whose owner died is free again within this time.
 */
export const ISSUE_LOCK_MS = 10_000;
/** How long a waiting instance waits for the announcement of a token before looking itself, in milliseconds. */
const ANNOUNCEMENT_WAIT_MS = 1_000;
/** How long a user's drop count is remembered: longer than any issue can take. */
const DROP_COUNT_MS = 24 * 3_600_000;
/**
 * The most revokes and deletes remembered while Redis is unreachable, to apply once it answers; past
 * it, every token under the prefix is dropped then instead.
 */
export const MAX_PENDING_FORGETS = 10_000;
/** How many users' tokens one script drops when remembered revokes are applied. */
const FORGETS_PER_SCRIPT = 500;

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
 * // When the app stops (the store's listening connection would keep the process alive):
 * await store.close();
 * await redis.quit();
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
  /** Users whose tokens were dropped while Redis was unreachable, to drop there too. */
  readonly #pendingForgets = new Set<string>();
  /** More revokes than {@link MAX_PENDING_FORGETS} were remembered: every token under the prefix is to be dropped. */
  #dropAll = false;
  /** Locks whose release failed, by name, with their owner: released later. */
  readonly #pendingUnlocks = new Map<string, { owner: string; token: string }>();
  /** The background application of the pending drops and releases, while it runs, and its next time. */
  #applying: Promise<void> | undefined;
  #applyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Who waits for the announcement of which token, and the connection that hears them. */
  readonly #waiters = new Map<string, Set<() => void>>();
  #subscriber: Redis | undefined;
  #closed = false;
  /** Whether a token that did not decrypt was said in the log. */
  #toldUndecryptable = false;

  /**
   * @param options - `redis`, `encryptionKey` (required), `prefix`, `instances`, `commandTimeoutMs`, `recheckMs`.
   * @throws TypeError for a missing client, or a key that is neither a `Uint8Array` nor a base64
   * string; RangeError for a key that is not 32 bytes, or a count or time out of range.
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
      async () => Math.max(0, await this.#timed(() => this.#redis.pttl(`${this.#prefix}{hold:${key}}`))),
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
    this.#closed = true;
    clearTimeout(this.#applyTimer);
    this.#applyTimer = undefined;
    this.#stopListening();
    await this.#applyPending().catch(() => undefined);
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
      // A drop this instance still owes Redis: Redis may hold a token it dropped.
      if (this.#dropAll || this.#pendingForgets.has(userId)) await this.#applyPending();
      if (this.#dropAll || this.#pendingForgets.has(userId)) return undefined;
      this.#listen();
      // Wait as long as another instance holds the lock: its owner renews it while its issue runs
      // (which may be paced for a whole window), and a dead owner's lock expires within ISSUE_LOCK_MS.
      for (;;) {
        const kept = await this.#keptToken(names.token, minValidityMs);
        if (kept !== undefined) return kept;
        const owner = randomUUID();
        const locked = await this.#timed(() => this.#redis.set(names.lock, owner, "PX", ISSUE_LOCK_MS, "NX"));
        if (locked === "OK") return await this.#issueAndKeep(names, owner, minValidityMs, issue);
        await this.#announcement(names.token, minValidityMs);
      }
    } catch (error) {
      if (error instanceof Unreachable) return undefined;
      throw error;
    }
  }

  /**
   * Issues under the lock (unless a token arrived meanwhile), keeps the token, and announces it.
   * The lock is renewed while the issue runs.
   */
  async #issueAndKeep(
    names: TokenNames,
    owner: string,
    minValidityMs: number,
    issue: () => Promise<CommunicationAccessToken>,
  ): Promise<CommunicationAccessToken> {
    let token: CommunicationAccessToken | undefined;
    const renewal = setInterval(() => {
      this.#eval(RENEW_LOCK, [names.lock], [owner, ISSUE_LOCK_MS]).catch(() => undefined);
    }, ISSUE_LOCK_MS / 3);
    renewal.unref?.();
    try {
      token = await this.#keptToken(names.token, minValidityMs);
      if (token !== undefined) return token;
      const [drops, epoch] = (await this.#eval(ISSUE_START, [names.drops, this.#epochName()], [])) as [string, string];
      token = await issue();
      const ttl = token.expiresOn.getTime() - Date.now();
      if (ttl > 0) {
        const sealed = sealToken(this.#key, names.token, token);
        await this.#eval(KEEP_TOKEN, [names.token, names.index, names.drops, this.#epochName()], [sealed, ttl, drops, epoch]);
      }
      return token;
    } catch (error) {
      // Redis went away after the issue: the caller still gets the token.
      if (error instanceof Unreachable && token !== undefined) return token;
      throw error;
    } finally {
      clearInterval(renewal);
      await this.#unlock(names.lock, owner, names.token);
    }
  }

  /** Releases the lock and announces the token; when Redis does not answer, again later. */
  async #unlock(lock: string, owner: string, token: string): Promise<void> {
    try {
      await this.#eval(UNLOCK, [lock], [owner, this.#channel(), token]);
      this.#pendingUnlocks.delete(lock);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      this.#pendingUnlocks.set(lock, { owner, token });
      this.#applyLater();
    }
  }

  async #keptToken(name: string, minValidityMs: number): Promise<CommunicationAccessToken | undefined> {
    const stored = (await this.#eval(KEPT_TOKEN, [name, this.#epochName()], [])) as string | null;
    if (stored === null) return undefined;
    const token = openToken(this.#key, name, stored);
    if (token === undefined && !this.#toldUndecryptable) {
      this.#toldUndecryptable = true;
      logger.warning(
        "acs-identity/redis: a token kept in Redis does not decrypt with this encryptionKey (another key, or altered); " +
          "it counts as missing and is issued again. Give every instance that shares the prefix the same key.",
      );
    }
    return token !== undefined && token.expiresOn.getTime() - Date.now() >= minValidityMs ? token : undefined;
  }

  async #forgetUser(userId: string): Promise<void> {
    if (this.reachable) {
      try {
        await this.#forgetUsers([userId]);
        return;
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
      }
    }
    if (this.#pendingForgets.size < MAX_PENDING_FORGETS) this.#pendingForgets.add(userId);
    else {
      this.#dropAll = true;
      this.#pendingForgets.clear();
    }
    this.#applyLater();
  }

  /** Drops the tokens of these users in Redis, in one script. */
  async #forgetUsers(userIds: string[]): Promise<void> {
    const keys = userIds.flatMap((userId) => {
      const names = this.#tokenNames("", userId);
      return [names.index, names.drops];
    });
    await this.#eval(FORGET_USERS, keys, [DROP_COUNT_MS]);
  }

  /** Applies the pending drops and releases in {@link RedisSurgeStore.recheckMs}, unless already due. */
  #applyLater(): void {
    if (this.#applyTimer !== undefined || this.#closed) return;
    this.#applyTimer = setTimeout(() => {
      this.#applyTimer = undefined;
      this.#applyPending().catch(() => undefined);
    }, this.#recheckMs);
    this.#applyTimer.unref?.();
  }

  /** Applies the pending drops and releases now (one run at a time); what Redis does not take waits for the next run. */
  async #applyPending(): Promise<void> {
    this.#applying ??= this.#applyAll().finally(() => (this.#applying = undefined));
    await this.#applying;
  }

  async #applyAll(): Promise<void> {
    try {
      if (this.#dropAll) {
        await this.#eval(DROP_ALL, [this.#epochName()], []);
        this.#dropAll = false;
      }
      while (this.#pendingForgets.size > 0) {
        const batch = [...this.#pendingForgets].slice(0, FORGETS_PER_SCRIPT);
        for (const userId of batch) this.#pendingForgets.delete(userId);
        try {
          await this.#forgetUsers(batch);
        } catch (error) {
          for (const userId of batch) this.#pendingForgets.add(userId);
          throw error;
        }
      }
      for (const [lock, { owner, token }] of [...this.#pendingUnlocks]) if (this.reachable) await this.#unlock(lock, owner, token);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
    }
    if (this.#dropAll || this.#pendingForgets.size > 0 || this.#pendingUnlocks.size > 0) this.#applyLater();
  }

  /**
   * Resolves when another instance announces the token, when it is found kept (it may have been
   * announced before this waiter listened), or after {@link ANNOUNCEMENT_WAIT_MS}.
   */
  async #announcement(name: string, minValidityMs: number): Promise<void> {
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
      this.#keptToken(name, minValidityMs).then((kept) => kept !== undefined && done(), done);
    });
  }

  /** Subscribes, once (never after `close()`), to the announcements of kept tokens on a second connection. */
  #listen(): void {
    if (this.#subscriber !== undefined || this.#closed || this.#redis.status === "end") return;
    const subscriber = this.#redis.duplicate({ enableOfflineQueue: true, lazyConnect: false });
    this.#subscriber = subscriber;
    subscriber.on("error", () => undefined); // Waiters look for themselves after ANNOUNCEMENT_WAIT_MS.
    subscriber.on("message", (_channel: string, name: string) => {
      for (const done of [...(this.#waiters.get(name) ?? [])]) done();
    });
    subscriber.subscribe(this.#channel()).catch(() => undefined);
    this.#redis.once("end", this.#onClientEnd);
  }

  /** The app's client ended (it was quit): the listening connection must not keep the process alive, nor open again. */
  readonly #onClientEnd = (): void => {
    this.#closed = true;
    this.#stopListening();
  };

  #stopListening(): void {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.#redis.off("end", this.#onClientEnd);
    subscriber?.disconnect();
  }

  #channel(): string {
    return `${this.#prefix}tokens-kept`;
  }

  /** The prefix's epoch: tokens kept under an older one were dropped all at once. */
  #epochName(): string {
    return `${this.#prefix}tokens-epoch`;
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
    return this.#timed(() => this.#redis.eval(script, keys.length, ...keys, ...args));
  }

  /**
   * Runs a command with a time limit. No answer, a timeout or an error answer other than a script's
   * marks Redis unreachable (said once in the log, by the error's code only) and throws
   * {@link Unreachable}; the first answer after that is said in the log too, and the revokes made
   * meanwhile are then applied in the background.
   */
  async #timed<T>(run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#commandTimeoutMs} ms`)), this.#commandTimeoutMs);
    });
    try {
      const answer = await Promise.race([run(), timeout]);
      if (this.#downUntil !== 0) {
        this.#downUntil = 0;
        logger.warning("acs-identity/redis: Redis answers again; pacing and token reuse are shared again.");
        if (this.#dropAll || this.#pendingForgets.size > 0 || this.#pendingUnlocks.size > 0)
          void this.#applyPending().catch(() => undefined);
      }
      return answer;
    } catch (error) {
      if (isScriptError(error)) throw error;
      if (this.#downUntil === 0) {
        logger.warning(
          `acs-identity/redis: Redis is unreachable (${whyUnreachable(error)}); pacing and token reuse use this instance's memory ` +
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

/** Codes of answers that say Redis cannot serve now (a failover, a restart, memory, a long script). */
const TRANSIENT_CODES = /^(READONLY|LOADING|OOM|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|MOVED|ASK)\b/;

/** An error of a script of this store (a bug to surface), as opposed to Redis not serving. */
function isScriptError(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== "ReplyError") return false;
  const text = error.message.replace(/^ERR Error running script[^:]*: @user_script:\d+: /, "");
  return !TRANSIENT_CODES.test(text) && /^(ERR|NOSCRIPT)\b/.test(text) && /script/i.test(text);
}

/** Why Redis counts as unreachable, for the log: an answer's code only (never its text, which may quote a key). */
function whyUnreachable(error: unknown): string {
  if (error instanceof Error && error.name === "ReplyError") return `it answered ${/^[A-Z]+/.exec(error.message)?.[0] ?? "an error"}`;
  return (error as Error).message;
}

function positive(name: string, value: number, integer: boolean): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a ${integer ? "whole " : ""}number greater than 0.`);
  }
  return value;
}
