/**
 * Surviving login surges (Node.js only, `acs-identity/surge`): pacing of a client's requests within
 * the service's rate limits, reuse of issued tokens, one budget shared by app instances through a store.
 *
 * @packageDocumentation
 */
export { SurgeGuard, DEFAULT_MAX_WAIT_MS, type SurgeGuardOptions } from "./surgeGuard.js";
export { MemorySurgeStore, type Reservation, type SharedTokenStore, type SurgeStore } from "./surgeStore.js";
export { ThrottledError, type ThrottledBy } from "./throttledError.js";
export {
  TokenCache,
  DEFAULT_MAX_TOKEN_ENTRIES,
  DEFAULT_MIN_VALIDITY_MINUTES,
  type TokenCacheOptions,
  type TokenIssuer,
} from "./tokenCache.js";
export { PACING_MARGIN_MS } from "./pacer.js";
export { SERVICE_RATE_LIMITS, type LimitedOperation, type RateLimit, type RateLimits } from "../limits/rateLimits.js";
// The shapes the token cache's methods take and return, the same as the main entry point's.
export type { AbortSignalLike, CommunicationAccessToken, CommunicationUser, TokenScope } from "../client/models.js";
export { KnownTokenScope } from "../client/tokenScope.js";
