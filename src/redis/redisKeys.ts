/** The names of the store's Redis keys and channel, all under the store's prefix. */

/** The keys of one user's token for one key (user and scopes). */
export interface TokenNames {
  /** The sealed token. */
  token: string;
  /** The lock of its issue. */
  lock: string;
  /** The set of the user's token keys, that a revoke or delete drops. */
  index: string;
  /** How often the user's tokens were dropped: an issue that began before a drop keeps nothing. */
  drops: string;
}

/** The keys of `userId`'s token for `key`, all in one hash slot (the user's). */
export function tokenNames(prefix: string, key: string, userId: string): TokenNames {
  const user = `${prefix}{user:${userId}}`;
  return { token: `${user}:token:${key}`, lock: `${user}:lock:${key}`, index: `${user}:tokens`, drops: `${user}:drops` };
}

/** The prefix's epoch: tokens kept under an older one were dropped all at once. */
export function epochName(prefix: string): string {
  return `${prefix}tokens-epoch`;
}

/** The channel on which kept tokens are announced. */
export function channelName(prefix: string): string {
  return `${prefix}tokens-kept`;
}
