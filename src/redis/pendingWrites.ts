/**
 * The writes this instance owes Redis: users' tokens dropped (revokes and deletes) and locks
 * released while Redis did not answer. They are applied in the background every `recheckMs`, many
 * users per script, until Redis takes them; past {@link MAX_PENDING_FORGETS} users, every token
 * under the prefix is dropped instead.
 */
import { DROP_ALL, FORGET_USERS, UNLOCK } from "./redisScripts.js";
import { Unreachable, type RedisCommands } from "./redisCommands.js";
import { channelName, epochName, tokenNames } from "./redisKeys.js";

/**
 * The most revokes and deletes remembered while Redis is unreachable, to apply once it answers; past
 * it, every token under the prefix is dropped then instead.
 */
export const MAX_PENDING_FORGETS = 10_000;
/** How many users' tokens one script drops when remembered revokes are applied. */
const FORGETS_PER_SCRIPT = 500;
/** How long a user's drop count is remembered: longer than any issue can take. */
const DROP_COUNT_MS = 24 * 3_600_000;

/** Drops of users' tokens and releases of locks, now or, while Redis does not answer, later. */
export class PendingWrites {
  readonly #commands: RedisCommands;
  readonly #prefix: string;
  readonly #recheckMs: number;
  /** Users whose tokens were dropped while Redis was unreachable, to drop there too. */
  readonly #forgets = new Set<string>();
  /** More revokes than {@link MAX_PENDING_FORGETS} were remembered: every token under the prefix is to be dropped. */
  #dropAll = false;
  /** Locks whose release failed, by name, with their owner: released later. */
  readonly #unlocks = new Map<string, { owner: string; token: string }>();
  /** The background application of the pending drops and releases, while it runs, and its next time. */
  #applying: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** No later application is scheduled any more. */
  #stopped = false;

  constructor(commands: RedisCommands, prefix: string, recheckMs: number) {
    this.#commands = commands;
    this.#prefix = prefix;
    this.#recheckMs = recheckMs;
  }

  /** Whether a drop of `userId`'s tokens (or of every token) is still owed to Redis. */
  owesDrop(userId: string): boolean {
    return this.#dropAll || this.#forgets.has(userId);
  }

  /** Drops `userId`'s tokens in Redis, or remembers to when it does not answer. */
  async forgetUser(userId: string): Promise<void> {
    if (this.#commands.reachable) {
      try {
        await this.#forgetUsers([userId]);
        return;
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
      }
    }
    if (this.#forgets.size < MAX_PENDING_FORGETS) this.#forgets.add(userId);
    else {
      this.#dropAll = true;
      this.#forgets.clear();
    }
    this.#applyLater();
  }

  /** Releases the lock and announces the token; when Redis does not answer, again later. */
  async unlock(lock: string, owner: string, token: string): Promise<void> {
    try {
      await this.#commands.eval(UNLOCK, [lock], [owner, channelName(this.#prefix), token]);
      this.#unlocks.delete(lock);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      this.#unlocks.set(lock, { owner, token });
      this.#applyLater();
    }
  }

  /** Applies the pending drops and releases now (one run at a time); what Redis does not take waits for the next run. */
  async apply(): Promise<void> {
    this.#applying ??= this.#applyAll().finally(() => (this.#applying = undefined));
    await this.#applying;
  }

  /** Applies the pending drops and releases in the background, if there are any (Redis answers again). */
  applySoon(): void {
    if (this.#pending()) void this.apply().catch(() => undefined);
  }

  /** Schedules no later application (one already scheduled still runs). */
  stop(): void {
    this.#stopped = true;
  }

  /** Applies the pending drops and releases once more, and schedules no later application. */
  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.apply().catch(() => undefined);
  }

  #pending(): boolean {
    return this.#dropAll || this.#forgets.size > 0 || this.#unlocks.size > 0;
  }

  /** Drops the tokens of these users in Redis, in one script. */
  async #forgetUsers(userIds: string[]): Promise<void> {
    const keys = userIds.flatMap((userId) => {
      const names = tokenNames(this.#prefix, "", userId);
      return [names.index, names.drops];
    });
    await this.#commands.eval(FORGET_USERS, keys, [DROP_COUNT_MS]);
  }

  /** Applies the pending drops and releases in `recheckMs`, unless already due. */
  #applyLater(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.apply().catch(() => undefined);
    }, this.#recheckMs);
    this.#timer.unref?.();
  }

  async #applyAll(): Promise<void> {
    try {
      if (this.#dropAll) {
        await this.#commands.eval(DROP_ALL, [epochName(this.#prefix)], []);
        this.#dropAll = false;
      }
      while (this.#forgets.size > 0) {
        const batch = [...this.#forgets].slice(0, FORGETS_PER_SCRIPT);
        for (const userId of batch) this.#forgets.delete(userId);
        try {
          await this.#forgetUsers(batch);
        } catch (error) {
          for (const userId of batch) this.#forgets.add(userId);
          throw error;
        }
      }
      for (const [lock, { owner, token }] of [...this.#unlocks]) if (this.#commands.reachable) await this.unlock(lock, owner, token);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
    }
    if (this.#pending()) this.#applyLater();
  }
}
