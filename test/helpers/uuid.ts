import { randomUuid } from "../../src/client/randomUuid.js";

/** RFC 4122 version 4: the version nibble 4, the variant bits 10. */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** `count` UUIDs from {@link randomUuid}'s fallback: this platform's `getRandomValues`, no `randomUUID`. */
export function fallbackUuids(count: number): string[] {
  const source = { getRandomValues: <T extends Uint8Array>(array: T): T => crypto.getRandomValues(array) };
  return Array.from({ length: count }, () => randomUuid(source));
}

/** Runs `run` with `crypto.randomUUID` missing, as in a browser page outside a secure context. */
export async function withoutRandomUUID<T>(run: () => Promise<T>): Promise<T> {
  const prototype = Object.getPrototypeOf(crypto) as object;
  const original = Object.getOwnPropertyDescriptor(prototype, "randomUUID")!;
  Object.defineProperty(prototype, "randomUUID", { value: undefined, configurable: true });
  try {
    return await run();
  } finally {
    Object.defineProperty(prototype, "randomUUID", original);
  }
}
