import type { KeyCredential } from "@azure/core-auth";
import { isBase64Key } from "./signing.js";

/**
 * An access key held in a `#private` field, so that `JSON.stringify`, `util.inspect` and
 * `String()` of the credential never show it (unlike `AzureKeyCredential`, whose key is an
 * enumerable `_key` property).
 *
 * @example
 * ```ts
 * const credential = new AccessKeyCredential(process.env.COMMUNICATION_ACCESS_KEY!);
 * const client = new CommunicationIdentityClient("https://contoso.communication.azure.com", credential);
 * ```
 */
export class AccessKeyCredential implements KeyCredential {
  #key: string;

  /**
   * @param key - the resource's access key, base64 as the Azure portal shows it.
   * @throws TypeError when the key is empty or has characters outside base64 and base64url.
   */
  constructor(key: string) {
    this.#key = checkKey(key);
  }

  /** The current key. */
  get key(): string {
    return this.#key;
  }

  /**
   * Replaces the key, for rotation; requests signed after this use the new key.
   *
   * @throws TypeError when the key is empty or has characters outside base64 and base64url.
   */
  update(newKey: string): void {
    this.#key = checkKey(newKey);
  }

  /** Hides the key from `JSON.stringify`. */
  toJSON(): Record<string, never> {
    return {};
  }

  /** Hides the key from string conversion. */
  toString(): string {
    return "AccessKeyCredential {}";
  }
}

function checkKey(key: unknown): string {
  if (typeof key !== "string" || !isBase64Key(key)) {
    throw new TypeError("The access key must be a non-empty base64 string, as the Azure portal shows it under Keys.");
  }
  return key;
}
