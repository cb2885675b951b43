/**
 * Commands to Redis with a time limit, and whether Redis counts as reachable: no answer, a timeout
 * or an error answer other than a script's marks it unreachable until `recheckMs` has passed, and
 * the store then serves from this instance's memory.
 */
import type { Redis } from "ioredis";
import { logger } from "../logger.js";

/** Redis did not answer: the store serves from memory instead. */
export class Unreachable extends Error {}

/** What {@link RedisCommands} needs besides the client. */
export interface RedisCommandsOptions {
  /** How long a command may take before Redis counts as unreachable, in milliseconds. */
  commandTimeoutMs: number;
  /** While Redis is unreachable, how often to try it again, in milliseconds. */
  recheckMs: number;
  /** How many app instances share the budget (for the log). */
  instances: number;
  /** Called when Redis answers again after it was unreachable. */
  onAnswerAgain: () => void;
}

/** Runs commands against Redis and keeps track of whether it answers. */
export class RedisCommands {
  readonly redis: Redis;
  readonly #options: RedisCommandsOptions;
  /** Until when Redis counts as unreachable (0: it answers). */
  #downUntil = 0;

  constructor(redis: Redis, options: RedisCommandsOptions) {
    this.redis = redis;
    this.#options = options;
  }

  /** Whether Redis counts as reachable now (it answered the last command, or the recheck time has come). */
  get reachable(): boolean {
    return Date.now() >= this.#downUntil;
  }

  /** Runs `shared` against Redis, or `local` while it is unreachable. */
  async orLocal<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (!this.reachable) return local();
    try {
      return await shared();
    } catch (error) {
      if (error instanceof Unreachable) return local();
      throw error;
    }
  }

  /** Runs a Lua script with a time limit; see {@link RedisCommands.timed}. */
  async eval(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.timed(() => this.redis.eval(script, keys.length, ...keys, ...args));
  }

  /**
   * Runs a command with a time limit. No answer, a timeout or an error answer other than a script's
   * marks Redis unreachable (said once in the log, by the error's code only) and throws
   * {@link Unreachable}; the first answer after that is said in the log too, and `onAnswerAgain`
   * is called.
   */
  async timed<T>(run: () => Promise<T>): Promise<T> {
    const { commandTimeoutMs, recheckMs, instances } = this.#options;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${commandTimeoutMs} ms`)), commandTimeoutMs);
    });
    try {
      const answer = await Promise.race([run(), timeout]);
      if (this.#downUntil !== 0) {
        this.#downUntil = 0;
        logger.warning("acs-identity/redis: Redis answers again; pacing and token reuse are shared again.");
        this.#options.onAnswerAgain();
      }
      return answer;
    } catch (error) {
      if (isScriptError(error)) throw error;
      if (this.#downUntil === 0) {
        logger.warning(
          `acs-identity/redis: Redis is unreachable (${whyUnreachable(error)}); pacing and token reuse use this instance's memory ` +
            `(${instances === 1 ? "the whole" : `1/${instances} of the`} budget) until it answers again.`,
        );
      }
      this.#downUntil = Date.now() + recheckMs;
      throw new Unreachable();
    } finally {
      clearTimeout(timer);
    }
  }
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
