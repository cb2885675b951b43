/**
 * The token cache in Redis, shared by the instances: one issue per user and scopes across all of
 * them (the others wait on its lock), tokens sealed with AES-256-GCM under the app's key and kept
 * exactly as long as they are valid, and a revoke or delete in one instance dropping the user's
 * tokens for all.
 */
import { randomUUID } from "node:crypto";
import { logger } from "../logger.js";
import type { CommunicationAccessToken } from "../client/models.js";
import type { SharedTokenStore } from "../surge/surgeStore.js";
import { ISSUE_START, KEEP_TOKEN, KEPT_TOKEN, RENEW_LOCK } from "./redisScripts.js";
import { Unreachable, type RedisCommands } from "./redisCommands.js";
import { epochName, tokenNames, type TokenNames } from "./redisKeys.js";
import type { PendingWrites } from "./pendingWrites.js";
import type { TokenAnnouncements } from "./tokenAnnouncements.js";
import { openToken, sealToken } from "./tokenCipher.js";

/**
 * How long the lock of a token issue (that makes other instances wait for it) lasts unless its owner
 * renews it, in milliseconds: the owner renews it every third of that while the issue runs, so a
 * lock whose owner died is free again within this time.
 */
export const ISSUE_LOCK_MS = 10_000;

/** What {@link RedisTokenStore} works with. */
export interface RedisTokenStoreParts {
  commands: RedisCommands;
  pending: PendingWrites;
  announcements: TokenAnnouncements;
  /** The key that seals tokens at rest. */
  key: Buffer;
  prefix: string;
}

/** The {@link SharedTokenStore} of `RedisSurgeStore`. */
export class RedisTokenStore implements SharedTokenStore {
  readonly #commands: RedisCommands;
  readonly #pending: PendingWrites;
  readonly #announcements: TokenAnnouncements;
  readonly #key: Buffer;
  readonly #prefix: string;
  /** Whether a token that did not decrypt was said in the log. */
  #toldUndecryptable = false;

  constructor(parts: RedisTokenStoreParts) {
    this.#commands = parts.commands;
    this.#pending = parts.pending;
    this.#announcements = parts.announcements;
    this.#key = parts.key;
    this.#prefix = parts.prefix;
  }

  /** See {@link SharedTokenStore.fetch}. */
  async fetch(
    key: string,
    userId: string,
    minValidityMs: number,
    issue: () => Promise<CommunicationAccessToken>,
  ): Promise<CommunicationAccessToken | undefined> {
    if (!this.#commands.reachable) return undefined;
    const names = tokenNames(this.#prefix, key, userId);
    try {
      // A drop this instance still owes Redis: Redis may hold a token it dropped.
      if (this.#pending.owesDrop(userId)) await this.#pending.apply();
      if (this.#pending.owesDrop(userId)) return undefined;
      this.#announcements.listen();
      // Wait as long as another instance holds the lock: its owner renews it while its issue runs
      // (which may be paced for a whole window), and a dead owner's lock expires within ISSUE_LOCK_MS.
      for (;;) {
        const kept = await this.#keptToken(names.token, minValidityMs);
        if (kept !== undefined) return kept;
        const owner = randomUUID();
        const locked = await this.#commands.timed(() => this.#commands.redis.set(names.lock, owner, "PX", ISSUE_LOCK_MS, "NX"));
        if (locked === "OK") return await this.#issueAndKeep(names, owner, minValidityMs, issue);
        await this.#announcements.wait(names.token, () => this.#keptToken(names.token, minValidityMs));
      }
    } catch (error) {
      if (error instanceof Unreachable) return undefined;
      throw error;
    }
  }

  /** See {@link SharedTokenStore.forgetUser}. */
  async forgetUser(userId: string): Promise<void> {
    await this.#pending.forgetUser(userId);
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
      this.#commands.eval(RENEW_LOCK, [names.lock], [owner, ISSUE_LOCK_MS]).catch(() => undefined);
    }, ISSUE_LOCK_MS / 3);
    renewal.unref?.();
    try {
      token = await this.#keptToken(names.token, minValidityMs);
      if (token !== undefined) return token;
      const epoch = epochName(this.#prefix);
      const [drops, epochAtStart] = (await this.#commands.eval(ISSUE_START, [names.drops, epoch], [])) as [string, string];
      token = await issue();
      const ttl = token.expiresOn.getTime() - Date.now();
      if (ttl > 0) {
        const sealed = sealToken(this.#key, names.token, token);
        await this.#commands.eval(KEEP_TOKEN, [names.token, names.index, names.drops, epoch], [sealed, ttl, drops, epochAtStart]);
      }
      return token;
    } catch (error) {
      // Redis went away after the issue: the caller still gets the token.
      if (error instanceof Unreachable && token !== undefined) return token;
      throw error;
    } finally {
      clearInterval(renewal);
      await this.#pending.unlock(names.lock, owner, names.token);
    }
  }

  async #keptToken(name: string, minValidityMs: number): Promise<CommunicationAccessToken | undefined> {
    const stored = (await this.#commands.eval(KEPT_TOKEN, [name, epochName(this.#prefix)], [])) as string | null;
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
}
