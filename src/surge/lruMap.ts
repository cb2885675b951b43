/**
 * A bounded map that forgets the least recently used entry first, and each entry at its own
 * deadline (a timer that does not keep the process alive), so that nothing is held past it.
 *
 * @internal
 */
interface Slot<V> {
  value: V;
  timer: ReturnType<typeof setTimeout>;
}

/** The longest delay `setTimeout` takes (about 24.8 days); later deadlines are checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class LruMap<V> {
  /** Insertion order is recency order: the first key is the least recently used. */
  readonly #slots = new Map<string, Slot<V>>();

  /** @param maxEntries - the most entries kept; a positive integer. */
  constructor(readonly maxEntries: number) {}

  /** The number of entries held. */
  get size(): number {
    return this.#slots.size;
  }

  /** The value, marked as the most recently used, or `undefined`. */
  get(key: string): V | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    return slot.value;
  }

  /**
   * Keeps `value` until `deadline` (milliseconds since the epoch), evicting the least recently used
   * entry when full.
   */
  set(key: string, value: V, deadline: number): void {
    this.delete(key);
    const timer = this.#timer(key, deadline);
    this.#slots.set(key, { value, timer });
    if (this.#slots.size > this.maxEntries) this.delete(this.#slots.keys().next().value!);
  }

  /** Forgets one entry. */
  delete(key: string): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    clearTimeout(slot.timer);
    this.#slots.delete(key);
  }

  /** Forgets every entry whose key starts with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const key of [...this.#slots.keys()]) if (key.startsWith(prefix)) this.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    for (const key of [...this.#slots.keys()]) this.delete(key);
  }

  #timer(key: string, deadline: number): ReturnType<typeof setTimeout> {
    const ms = Math.max(0, deadline - Date.now());
    const timer = setTimeout(
      () => {
        const slot = this.#slots.get(key);
        if (slot?.timer !== timer) return;
        if (ms > MAX_TIMER_MS) slot.timer = this.#timer(key, deadline);
        else this.#slots.delete(key);
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    timer.unref?.();
    return timer;
  }
}
