/**
 * Explains a doomed Teams token exchange before it is sent: the service answers an expired Entra
 * token with a bare 401 and a mismatched `clientId` or `userObjectId` with a bare 400, so this
 * reads the token's claims locally (no signature check) and names the problem instead.
 *
 * @internal
 */
import { decodeJwtPayload, expiryOf } from "../credentials/jwt.js";
import type { GetTokenForTeamsUserOptions } from "./models.js";
import { INVALID_ACCESS_TOKEN, refusal } from "./validation.js";

/**
 * How far past `exp` a token may be by this machine's clock and still be sent. Entra validates
 * with a few minutes of leeway, so a slightly fast local clock must not refuse a token the service
 * would take; a token this far gone is refused there too.
 */
export const TEAMS_TOKEN_CLOCK_LEEWAY_MS = 5 * 60_000;

function sameId(a: unknown, b: string): boolean {
  return typeof a === "string" && a.trim().toLowerCase() === b.trim().toLowerCase();
}

function checkExpiry(claims: Record<string, unknown>, now: number): void {
  const expiresOn = expiryOf(claims);
  if (expiresOn && expiresOn.getTime() + TEAMS_TOKEN_CLOCK_LEEWAY_MS < now) {
    throw refusal(
      new RangeError(
        `teamsUserAadToken expired at ${expiresOn.toISOString()}: acquire a fresh token for the Teams user (for example with MSAL's acquireTokenSilent) and try again.`,
      ),
      INVALID_ACCESS_TOKEN,
    );
  }
}

function checkUserObjectId(claims: Record<string, unknown>, userObjectId: string): void {
  const oid = claims["oid"];
  if (oid === undefined || sameId(oid, userObjectId)) return;
  let hint = "pass the Teams user's Entra object id (the token's oid claim).";
  if (sameId(claims["tid"], userObjectId)) hint = "it is the tenant id (tid); pass the user's object id (oid) instead.";
  else if (sameId(claims["appid"] ?? claims["azp"], userObjectId))
    hint = "it is the application id; were clientId and userObjectId swapped?";
  throw refusal(new RangeError(`userObjectId does not match the oid claim of teamsUserAadToken: ${hint}`));
}

function checkClientId(claims: Record<string, unknown>, clientId: string): void {
  // v1 tokens name the application in appid, v2 tokens in azp.
  const field = claims["appid"] !== undefined ? "appid" : claims["azp"] !== undefined ? "azp" : undefined;
  if (field === undefined || sameId(claims[field], clientId)) return;
  let hint = "pass the id of the Entra application the Teams user signed in to.";
  if (sameId(claims["tid"], clientId)) hint = "it is the tenant id (tid); pass the application (client) id instead.";
  throw refusal(new RangeError(`clientId does not match the ${field} claim of teamsUserAadToken: ${hint}`));
}

/**
 * Checks a Teams user's Entra token against the other exchange arguments when it is a readable
 * JWT; an opaque token passes unchecked. Messages never contain the token.
 *
 * @param now - the current time in milliseconds since the epoch.
 * @throws RangeError when the token expired (with the service's 401 `InvalidAccessToken`), or its `oid` or `appid` / `azp` claim differs from `userObjectId` or `clientId` (400 `ValidationError`).
 */
export function checkTeamsTokenClaims(options: GetTokenForTeamsUserOptions, now = Date.now()): void {
  const claims = decodeJwtPayload(options.teamsUserAadToken);
  if (!claims) return;
  checkExpiry(claims, now);
  checkUserObjectId(claims, options.userObjectId);
  checkClientId(claims, options.clientId);
}
