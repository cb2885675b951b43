/**
 * Reads what a Communication Services access token says about itself, for logs and diagnostics.
 */
import { decodeJwtPayload, expiryOf } from "./jwt.js";

/** What {@link inspectToken} could read from a token. */
export interface TokenInspection {
  /** Whether the token is a JWT whose claims could be read; `false` for opaque (encrypted) or malformed tokens. */
  decodable: boolean;
  /** When the token expires (`exp`). */
  expiresOn?: Date;
  /** What the token allows (`acsScope`), e.g. `["chat", "voip"]`. */
  scopes?: string[];
  /** The user the token was issued to: `8:` followed by the `skypeid` claim. */
  communicationUserId?: string;
  /** The Communication Services resource that issued the token (`resourceId`). */
  resourceId?: string;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function scopesOf(value: unknown): string[] | undefined {
  if (typeof value !== "string") return undefined;
  return value
    .split(",")
    .map((scope) => scope.trim())
    .filter((scope) => scope !== "");
}

/**
 * Reads a Communication Services access token's claims locally, without checking its signature
 * and without a request. Newer tokens may be encrypted: then only `decodable: false` comes back,
 * so never make a decision that depends on decoding; the `expiresOn` the service returned with the
 * token is the truth.
 *
 * @param token - an access token, or anything else: this function never throws.
 * @returns the readable facts; fields whose claims are missing are left out.
 * @example
 * ```ts
 * const { expiresOn, scopes, communicationUserId } = inspectToken(token);
 * console.log(`${communicationUserId} may use ${scopes?.join(", ")} until ${expiresOn?.toISOString()}`);
 * ```
 */
export function inspectToken(token: string): TokenInspection {
  const claims = decodeJwtPayload(token);
  if (!claims) return { decodable: false };
  const inspection: TokenInspection = { decodable: true };
  const expiresOn = expiryOf(claims);
  const scopes = scopesOf(claims["acsScope"]);
  const skypeId = nonEmptyString(claims["skypeid"]);
  const resourceId = nonEmptyString(claims["resourceId"]);
  if (expiresOn) inspection.expiresOn = expiresOn;
  if (scopes) inspection.scopes = scopes;
  if (skypeId) inspection.communicationUserId = `8:${skypeId}`;
  if (resourceId) inspection.resourceId = resourceId;
  return inspection;
}
