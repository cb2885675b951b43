/**
 * The Teams token exchange's checks on the Entra ID token. Like the service, the emulator needs
 * the token to be a JWT for the same application and user that is not expired; unlike it, the
 * emulator cannot verify Microsoft's signature, so it does not try (ASSUMPTIONS.md).
 */
import { badRequest, ServiceError } from "./errors.js";
import type { JsonObject } from "./validation.js";
import { isGuid } from "../../client/guid.js";
import { decodeJwtPayload } from "../../credentials/jwt.js";

/** What a valid exchange request yields. */
export interface TeamsExchange {
  /** The Teams user's Entra object id (`oid`); the ACS identity is `8:orgid:<oid>`. */
  userId: string;
  /** When the Entra token expires, milliseconds since the epoch; the ACS token expires with it. */
  expiresAt: number;
}

/**
 * Checks the body of `POST /teamsUser/:exchangeAccessToken`, in the service's order: the required
 * fields, then the Entra token, both before the service's versioned layer (their answers carry no
 * `api-supported-versions`), then the format of `appId` and `userId`. The answers and texts are
 * the recorded ones; which check wins when several fail, and what a well-formed `appId` or
 * `userId` that does not match the token gets, are not recorded (ASSUMPTIONS.md).
 *
 * @param now - milliseconds since the epoch.
 * @throws {@link ServiceError} 400 ValidationError when `appId` or `userId` is missing, malformed
 * or does not match the token's `appid` or `oid`; 401 InvalidAccessToken for an empty, malformed
 * or expired token.
 */
export function checkTeamsExchange(body: JsonObject, now: number): TeamsExchange {
  const { token, appId, userId } = body;
  if (typeof appId !== "string" || appId === "") throw required("AppId");
  if (typeof userId !== "string" || userId === "") throw required("UserId");
  const claims = decodeJwtPayload(token);
  if (claims === undefined || typeof claims.exp !== "number" || claims.exp * 1000 <= now) throw invalidToken();
  if (!isGuid(appId)) throw badRequest("ValidationError", "Provided AppId has invalid format.", "appId");
  if (!isGuid(userId)) throw badRequest("ValidationError", "Provided UserId has invalid format.", "userId");
  if (!sameGuid(claims.appid, appId)) throw badRequest("ValidationError", "Provided AppId doesn't match the access token.", "appId");
  if (!sameGuid(claims.oid, userId)) throw badRequest("ValidationError", "Provided UserId doesn't match the access token.", "userId");
  return { userId: (claims.oid as string).toLowerCase(), expiresAt: claims.exp * 1000 };
}

/** The service's model-validation answer for an empty field (`AppId`, `UserId`). */
function required(field: string): ServiceError {
  return new ServiceError(400, "ValidationError", `${field}: The ${field} field is required.`, {}, { target: field, unversioned: true });
}

/**
 * The service's one answer for an empty, malformed or expired Entra token.
 *
 * @param why - what exactly was wrong, for the request log only (the answer never says).
 */
export function invalidToken(why?: string): ServiceError {
  const reason = why === undefined ? {} : { reason: { kind: "error", code: "InvalidAccessToken", message: why } as const };
  return new ServiceError(401, "InvalidAccessToken", "Provided access token is not valid.", {}, { unversioned: true, ...reason });
}

/** Entra ids are GUIDs, which compare without regard to case. */
function sameGuid(claim: unknown, given: string): boolean {
  return typeof claim === "string" && claim.toLowerCase() === given.toLowerCase();
}
