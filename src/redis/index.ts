/**
 * A Redis store for `acs-identity/surge` (Node.js only, `acs-identity/redis`): app instances share
 * one pacing budget and one token cache, tokens sealed at rest. Needs the `ioredis` package.
 *
 * @packageDocumentation
 */
export { RedisSurgeStore, type RedisSurgeStoreOptions } from "./redisSurgeStore.js";
export { ENCRYPTION_KEY_BYTES } from "./tokenCipher.js";
// The shapes the store implements, the same as `acs-identity/surge`'s.
export type { Reservation, SharedTokenStore, SurgeStore } from "../surge/surgeStore.js";
export type { CommunicationAccessToken } from "../client/models.js";
export type { RateLimit } from "../limits/rateLimits.js";
