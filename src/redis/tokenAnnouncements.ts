/**
 * The announcements of kept tokens between instances (Redis pub/sub): an instance that waits for
 * another's issue is woken when the token is kept, instead of polling Redis.
 */
import type { Redis } from "ioredis";

/** How long a waiting instance waits for the announcement of a token before looking itself, in milliseconds. */
const ANNOUNCEMENT_WAIT_MS = 1_000;

/** Listens, on a second connection, for the announcements of kept tokens, and wakes who waits for them. */
export class TokenAnnouncements {
  readonly #redis: Redis;
  readonly #channel: string;
  readonly #onClientEnd: () => void;
  /** Who waits for the announcement of which token, and the connection that hears them. */
  readonly #waiters = new Map<string, Set<() => void>>();
  #subscriber: Redis | undefined;
  #closed = false;

  /**
   * @param redis - the app's client; the listening connection is its duplicate.
   * @param channel - the channel of the announcements.
   * @param onClientEnd - called when the app's client ends (it was quit).
   */
  constructor(redis: Redis, channel: string, onClientEnd: () => void) {
    this.#redis = redis;
    this.#channel = channel;
    this.#onClientEnd = onClientEnd;
  }

  /**
   * Resolves when another instance announces the token `name`, when `findKept` finds it kept (it
   * may have been announced before this waiter listened), or after {@link ANNOUNCEMENT_WAIT_MS}.
   *
   * @param findKept - looks the token up in Redis: `undefined` when it is not kept.
   */
  async wait(name: string, findKept: () => Promise<unknown>): Promise<void> {
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
      findKept().then((kept) => kept !== undefined && done(), done);
    });
  }

  /** Subscribes, once (never after `close()`), to the announcements of kept tokens on a second connection. */
  listen(): void {
    if (this.#subscriber !== undefined || this.#closed || this.#redis.status === "end") return;
    const subscriber = this.#redis.duplicate({ enableOfflineQueue: true, lazyConnect: false });
    this.#subscriber = subscriber;
    subscriber.on("error", () => undefined); // Waiters look for themselves after ANNOUNCEMENT_WAIT_MS.
    subscriber.on("message", (_channel: string, name: string) => {
      for (const done of [...(this.#waiters.get(name) ?? [])]) done();
    });
    subscriber.subscribe(this.#channel).catch(() => undefined);
    this.#redis.once("end", this.#clientEnded);
  }

  /** Stops listening, for good. */
  close(): void {
    this.#closed = true;
    this.#stopListening();
  }

  /** The app's client ended (it was quit): the listening connection must not keep the process alive, nor open again. */
  readonly #clientEnded = (): void => {
    this.close();
    this.#onClientEnd();
  };

  #stopListening(): void {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.#redis.off("end", this.#clientEnded);
    subscriber?.disconnect();
  }
}
