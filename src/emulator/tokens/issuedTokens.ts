/**
 * The tokens the emulator issued, per identity, for the dashboard: shortened, with their decoded
 * claims. Bounded: the last {@link TOKENS_PER_IDENTITY} of each of the last
 * {@link IDENTITIES_WITH_TOKENS} identities that got one. Only a token's first characters and its
 * claims segment are kept, never its signature, and the claims are decoded when read, not on the
 * request's path.
 */
import { decodeJwtPayload } from "../../credentials/jwt.js";
import type { Outcome } from "../pipeline/pipeline.js";
import { shortened } from "../pipeline/reasons.js";
import type { Operation } from "../types.js";

/** The operations whose answers carry a token for an `8:acs:` identity. */
const TOKEN_OPERATIONS: ReadonlySet<Operation> = new Set(["issueToken", "createUser", "exchangeTeamsExtensionToken", "exchangeEntraToken"]);

/** How many tokens are kept per identity. */
export const TOKENS_PER_IDENTITY = 10;
/** How many identities' tokens are kept. */
export const IDENTITIES_WITH_TOKENS = 500;

/** A token as the dashboard shows it. */
export interface IssuedToken {
  /** The first characters of the token and an ellipsis; never the whole token. */
  readonly token: string;
  /** When it expires (the service's `expiresOn`). */
  readonly expiresOn: string;
  /** Its decoded claims (not secret: anyone holding the token can read them). */
  readonly claims: Readonly<Record<string, unknown>>;
}

interface KeptToken {
  shown: string;
  expiresOn: string;
  /** The JWT's header and claims segments: enough to decode the claims, useless as a credential. */
  unsigned: string;
}

/** Issued tokens by identity id. */
export class IssuedTokens {
  readonly #byId = new Map<string, KeptToken[]>();

  /** Keeps the token of a successful create-with-token, issue or Entra token exchange, if the outcome is one. */
  observe(outcome: Outcome): void {
    const body = outcome.reply?.body;
    if (body === undefined || outcome.reply!.status >= 300) return;
    if (outcome.operation === undefined || !TOKEN_OPERATIONS.has(outcome.operation)) return;
    // Read by position rather than parsed: this runs on every issue. A JWT and an instant hold no
    // quote, and an escaped quote inside a customId cannot form `"token":"`.
    const token = field(body, "token");
    const expiresOn = field(body, "expiresOn");
    const id = outcome.operation === "issueToken" ? outcome.id : (JSON.parse(body) as { identity?: { id?: string } }).identity?.id;
    if (id === undefined || token === undefined || expiresOn === undefined) return;
    this.#add(id, { shown: shortened(token), expiresOn, unsigned: token.slice(0, token.lastIndexOf(".")) });
  }

  /** The kept tokens of an identity, newest first. */
  of(id: string): IssuedToken[] {
    return (
      (this.#byId.get(id) ?? [])
        // "x" stands in for the signature that is not kept: decoding checks only its form.
        .map((kept) => ({ token: kept.shown, expiresOn: kept.expiresOn, claims: decodeJwtPayload(`${kept.unsigned}.x`) ?? {} }))
        .reverse()
    );
  }

  /** Forgets every token. */
  clear(): void {
    this.#byId.clear();
  }

  #add(id: string, token: KeptToken): void {
    const tokens = this.#byId.get(id) ?? [];
    if (tokens.length >= TOKENS_PER_IDENTITY) tokens.shift();
    tokens.push(token);
    // Re-inserted, so that the map's first key is the identity that least recently got a token.
    this.#byId.delete(id);
    this.#byId.set(id, tokens);
    if (this.#byId.size > IDENTITIES_WITH_TOKENS) this.#byId.delete(this.#byId.keys().next().value!);
  }
}

/** The string value of `"name":"..."` in a JSON text, when the value holds no quote. */
function field(json: string, name: string): string | undefined {
  const key = `"${name}":"`;
  const start = json.indexOf(key);
  if (start === -1) return undefined;
  const end = json.indexOf('"', start + key.length);
  return end === -1 ? undefined : json.slice(start + key.length, end);
}
