import type { KeyCredential } from "@azure/core-auth";
import { ENDPOINT_FORMAT, parseEndpoint } from "./endpoint.js";
import { AccessKeyCredential } from "./keyCredential.js";
import { isBase64Key, KEY_CHARACTERS } from "./signing.js";

/** What a connection string holds. */
export interface ParsedConnectionString {
  /** The resource's origin, e.g. `https://contoso.communication.azure.com` (no trailing slash). */
  endpoint: string;
  /** The access key, in a credential that never shows it. */
  credential: KeyCredential;
}

const FORMAT = `Expected "endpoint=${ENDPOINT_FORMAT}/;accesskey=<base64 key>" (copy it from the Azure portal, Keys).`;

/**
 * Parses a Communication Services connection string.
 *
 * Parts may come in any order, names are case-insensitive, spaces around parts and a trailing `;`
 * are ignored, and unknown parts are skipped. Error messages name the part that is wrong and never
 * repeat the input, which holds the key.
 *
 * @param connectionString - `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>`.
 * @returns the endpoint's origin and a credential holding the key.
 * @throws TypeError when a part is missing, empty, duplicated or malformed.
 * @example
 * ```ts
 * const { endpoint, credential } = parseConnectionString(process.env.COMMUNICATION_CONNECTION_STRING!);
 * ```
 */
export function parseConnectionString(connectionString: string): ParsedConnectionString {
  if (typeof connectionString !== "string" || connectionString.trim() === "") {
    throw new TypeError(`The connection string must be a non-empty string. ${FORMAT}`);
  }
  const parts = splitParts(connectionString);
  const endpoint = requirePart(parts, "endpoint");
  const key = requirePart(parts, "accesskey");
  if (!isBase64Key(key)) throw new TypeError(`The connection string's accesskey is not a base64 key: ${KEY_CHARACTERS}. ${FORMAT}`);
  const url = parseEndpoint(endpoint, "connection string's endpoint");
  return { endpoint: url.origin, credential: new AccessKeyCredential(key) };
}

function splitParts(connectionString: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const raw of connectionString.split(";")) {
    const part = raw.trim();
    if (part === "") continue;
    const equals = part.indexOf("=");
    if (equals <= 0) {
      throw new TypeError(`The connection string has a part that is not "name=value". ${FORMAT}`);
    }
    const name = part.slice(0, equals).trim().toLowerCase();
    // Unknown names are skipped unread: they are never echoed, in case a key was pasted there.
    if (name !== "endpoint" && name !== "accesskey") continue;
    if (parts.has(name)) {
      throw new TypeError(`The connection string has more than one "${name}" part; keep one. ${FORMAT}`);
    }
    parts.set(name, part.slice(equals + 1).trim());
  }
  return parts;
}

function requirePart(parts: Map<string, string>, name: string): string {
  const value = parts.get(name);
  if (value === undefined) throw new TypeError(`The connection string has no "${name}" part. ${FORMAT}`);
  if (value === "") throw new TypeError(`The connection string's "${name}" part is empty. ${FORMAT}`);
  return value;
}
