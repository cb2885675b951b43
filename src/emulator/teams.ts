/**
 * The Teams token exchange's checks on the Entra ID token. Like the service, the emulator needs
 * the token to be a JWT for the same application and user that is not expired; unlike it, the
 * emulator cannot verify Microsoft's signature, so it does not try.
 */
import { badRequest, ServiceError } from "./errors.js";
import type { JsonObject } from "./validation.js";

/** What a valid exchange request yields. */
export interface TeamsExchange {
  /** The Teams user's Entra object id (`oid`); the ACS identity is `8:orgid:<oid>`. */
  userId: string;
  /** When the Entra token expires, milliseconds since the epoch; the ACS token expires with it. */
  expiresAt: number;
}

/**
 * Checks the body of `POST /teamsUser/:exchangeAccessToken`.
 *
 * @param now - milliseconds since the epoch.
 * @throws {@link ServiceError} 401 for an empty, malformed or expired token; 400 when `appId` or
 * `userId` is missing or does not match the token's `appid` or `oid`.
 */
export function checkTeamsExchange(body: JsonObject, now: number): TeamsExchange {
  const { token, appId, userId } = body;
  if (typeof appId !== "string" || appId === "") throw badRequest("ValidationError", "The appId field is required.");
  if (typeof userId !== "string" || userId === "") throw badRequest("ValidationError", "The userId field is required.");
  const claims = typeof token === "string" ? decodeClaims(token) : undefined;
  if (claims === undefined) throw invalidToken("The Entra ID token is missing or is not a JWT.");
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= now) throw invalidToken("The Entra ID token has expired.");
  if (!sameGuid(claims.appid, appId)) throw badRequest("InvalidRequest", "The appId does not match the Entra ID token's appid claim.");
  if (!sameGuid(claims.oid, userId)) throw badRequest("InvalidRequest", "The userId does not match the Entra ID token's oid claim.");
  return { userId: (claims.oid as string).toLowerCase(), expiresAt: claims.exp * 1000 };
}

/** The payload of a JWT (`header.payload.signature`), or `undefined` when it is not one. */
function decodeClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function invalidToken(message: string): ServiceError {
  return new ServiceError(401, "InvalidAccessToken", message);
}

/** Entra ids are GUIDs, which compare without regard to case. */
function sameGuid(claim: unknown, given: string): boolean {
  return typeof claim === "string" && claim.toLowerCase() === given.toLowerCase();
}
