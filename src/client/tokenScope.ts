/**
 * The scopes a Communication Services token can carry: the known ones as a constant and a type
 * that catches typos at compile time, and a way to send a scope this package does not know yet.
 */

/**
 * The scopes the service knows, by name, for autocompletion: `KnownTokenScope.Chat` is `"chat"`.
 * `chat.join`, `chat.join.limited` and `voip.join` need api-version 2023-10-01 or later.
 */
export const KnownTokenScope = {
  /** Full access to the Chat APIs. */
  Chat: "chat",
  /** Full access to the Calling APIs. */
  Voip: "voip",
  /** Chat without creating, deleting or updating threads. */
  ChatJoin: "chat.join",
  /** `chat.join` without adding or removing participants, for guests. */
  ChatJoinLimited: "chat.join.limited",
  /** Calling without starting new calls. */
  VoipJoin: "voip.join",
} as const;

/**
 * What a token lets its holder do: one of {@link KnownTokenScope}'s values, as in
 * `@azure/communication-identity`, so that a typo such as `"Chat"` does not compile. For a scope
 * the service added after this package, pass `new UnknownTokenScope("name")`.
 */
export type TokenScope = (typeof KnownTokenScope)[keyof typeof KnownTokenScope];

/**
 * A scope this package does not know yet, sent as it is: the explicit way past the compile-time
 * and run-time checks of scope names, for a scope the service added after this release.
 *
 * @example
 * ```ts
 * await client.issueToken(user, ["chat", new UnknownTokenScope("chat.future")]);
 * ```
 */
export class UnknownTokenScope {
  /**
   * @param name - the scope as the service names it; the client refuses an empty one before sending.
   */
  constructor(readonly name: string) {}
}

/** What the scope parameters take: a known scope, or an {@link UnknownTokenScope} for one the types do not list. */
export type TokenScopeArgument = TokenScope | UnknownTokenScope;
