/**
 * The public shapes of the emulator: its options, the handle `startEmulator` returns, the records
 * it keeps, and the faults a test can inject. Kept apart from the code so every module can import
 * them without cycles.
 */
import type { KeyObject } from "node:crypto";
import type { RateLimits } from "../limits/rateLimits.js";

/** Options of {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port to listen on; `0` picks any free port. @default 0 */
  port?: number;
  /** Loopback address to listen on (`127.0.0.1` or `::1`). @default "127.0.0.1" */
  host?: string;
  /** The access key: base64 or base64url, padded or not. @default a random 64-byte key, kept in `dataDir` when there is one */
  accessKey?: string;
  /** Accept any non-empty `Authorization: Bearer <token>`, to test Entra ID code paths. @default false */
  allowBearer?: boolean;
  /**
   * The web origins (`scheme://host[:port]`) whose pages may call the emulator (CORS); others get
   * no `Access-Control-Allow-Origin`, and `*` is never sent. @default every loopback origin:
   * `http(s)://localhost`, `127.x.x.x` and `[::1]`, any port
   */
  corsOrigins?: readonly string[];
  /**
   * Directory for the journal that makes identities, custom ids, revocations and deletions survive
   * a restart. Created when missing. @default undefined (in memory only)
   */
  dataDir?: string;
  /** The resource GUID that identity ids carry (`8:acs:<resourceId>_...`). @default a random GUID, or the one stored in `dataDir` */
  resourceId?: string;
  /** The `resourceLocation` claim of issued tokens. @default "unitedstates" */
  resourceLocation?: string;
  /** The clock, in milliseconds since the epoch; inject one to freeze time in tests. @default Date.now */
  now?: () => number;
  /**
   * Serve the dashboard at `/_emulator/` and its JSON admin API at `/_emulator/api/`, and keep the
   * request log they show; `false` turns all three off (those paths are then 404 like any unknown
   * path). @default true
   */
  dashboard?: boolean;
  /**
   * Rate limits, as the service enforces them per resource: over the limit an operation answers
   * `429 TooManyRequests` with `Retry-After` (whole seconds). `"service"` is Microsoft's documented
   * figures per 30 seconds (create 1,000; issue 1,000; createWithToken 1,000; delete 500; revoke
   * 500; exchange 500) over a sliding window; figures such as `"issue=100/10s,create=5/500ms"`
   * (windows in `ms`, `s` or `m`) set others, and `"service,issue=100/10s"` mixes both. Every
   * authenticated request counts, also a throttled one. The dashboard shows each window, and its
   * admin API changes the limits while the emulator runs (`PUT /_emulator/api/limits`).
   * @default undefined (no limits)
   */
  limits?: string | RateLimits;
  /**
   * Serve HTTPS instead of HTTP, as Microsoft's credentials and Chat's pipeline require (they
   * refuse `http:` endpoints). `true` makes a self-signed certificate (EC P-256, valid 365 days)
   * for `localhost`, `127.0.0.1`, `::1` and `host`; with `dataDir` its key and certificate are kept
   * there (`tls-key.pem`, owner-only, and `tls-certificate.pem`, see
   * {@link Emulator.certificatePath}) so that clients keep trusting it across restarts, and it is
   * made again (same key) only when it would expire within a day. `{ cert, key }` (PEM strings)
   * serves the caller's own. Clients trust {@link Emulator.certificate}: `tlsOptions: { ca }` for
   * this package's client, `NODE_EXTRA_CA_CERTS=<certificatePath>` for any Node.js process.
   * @default false
   */
  tls?: boolean | { readonly cert: string; readonly key: string };
}

/** An identity as the emulator stores it. Times are milliseconds since the epoch. */
export interface IdentityRecord {
  /** The full id, `8:acs:<resourceId>_<uuid>`. */
  readonly id: string;
  /** The caller's own key for the identity (api-version 2025-03-02-preview and 2025-06-30). */
  readonly customId?: string;
  /** When the identity was created. */
  readonly createdAt: number;
  /** When a token was last issued for it. */
  readonly lastTokenIssuedAt?: number;
  /** When its tokens were last revoked (deleting an identity also revokes them). */
  readonly revokedAt?: number;
}

/** The operations of the service, as named in faults and logs. */
export type Operation =
  | "createUser"
  | "issueToken"
  | "revokeTokens"
  | "deleteUser"
  | "exchangeTeamsToken"
  | "getUser"
  | "getTeamsExtensionAssignment"
  | "setTeamsExtensionAssignment"
  | "deleteTeamsExtensionAssignment"
  | "exchangeTeamsExtensionToken"
  | "listEntraAssignments"
  | "updateEntraAssignments"
  | "getEntraAssignment"
  | "setEntraAssignment"
  | "deleteEntraAssignment"
  | "exchangeEntraToken";

/**
 * A fault to inject into matching requests. Without `status`, `drop` or `latencyMs` it answers 503.
 *
 * @example
 * ```ts
 * emulator.faults.add({ status: 503, retryAfterSeconds: 0, count: 2 })
 * ```
 */
export interface FaultSpec {
  /** Answer with this HTTP status and an error body instead of processing the request. */
  status?: number;
  /** Send `Retry-After: <seconds>` with the status. */
  retryAfterSeconds?: number;
  /** Send `retry-after-ms: <ms>` (and `x-ms-retry-after-ms`) with the status. */
  retryAfterMs?: number;
  /** How many matching requests the fault affects; `Infinity` for all. @default 1 */
  count?: number;
  /** Only requests for this operation match. @default any operation */
  operation?: Operation;
  /**
   * Destroy the connection without an answer: `"before"` the request is processed, or `"after"`
   * it was processed, whatever the outcome (a valid create IS done), which makes the outcome
   * unknown to the client.
   */
  drop?: "before" | "after";
  /** Wait this long (milliseconds) before doing anything else. */
  latencyMs?: number;
  /** The error body to send with `status`. @default `{"error":{"code":...,"message":...}}` */
  body?: unknown;
}

/** The fault injection controls of a running emulator. */
export interface Faults {
  /** Adds a fault; faults are tried in the order they were added. */
  add(fault: FaultSpec): void;
  /** Removes every fault. */
  clear(): void;
  /** How many injections are left in total (`Infinity` when one is unbounded). */
  remaining(): number;
}

/** A running emulator, as {@link startEmulator} returns it. */
export interface Emulator {
  /** The base URL, e.g. `http://127.0.0.1:8089` (`https://` with the `tls` option). */
  readonly endpoint: string;
  /** `endpoint=http://127.0.0.1:8089/;accesskey=<key>`, ready for a client. */
  readonly connectionString: string;
  /**
   * The PEM certificate the emulator serves HTTPS with, for clients to trust (`tlsOptions: { ca }`);
   * `undefined` without the `tls` option.
   */
  readonly certificate: string | undefined;
  /**
   * The file holding {@link Emulator.certificate}, for `NODE_EXTRA_CA_CERTS`: with `tls: true` and
   * `dataDir`, `<dataDir>/tls-certificate.pem`; otherwise `undefined`.
   */
  readonly certificatePath: string | undefined;
  /** The base64 access key that requests must be signed with. */
  readonly accessKey: string;
  /** The dashboard's URL, e.g. `http://127.0.0.1:8089/_emulator/`; `undefined` with `dashboard: false`. */
  readonly dashboardUrl: string | undefined;
  /** The resource GUID in identity ids and token claims. */
  readonly resourceId: string;
  /** The RSA public key that verifies issued tokens (RS256). */
  readonly tokenPublicKey: KeyObject;
  /** The `kid` header of issued tokens. With `dataDir`, the key and so the `kid` stay the same across restarts. */
  readonly tokenKeyId: string;
  /** Fault injection for tests. */
  readonly faults: Faults;
  /**
   * A snapshot of the live (not deleted) identities, oldest first, with those minted by a token
   * exchange (`createdAt` their first exchange; `revokedAt` set when an assignment they went
   * through was deleted).
   */
  identities(): IdentityRecord[];
  /** One identity by id (also one minted by exchange), or `undefined` when unknown or deleted. */
  identity(id: string): IdentityRecord | undefined;
  /**
   * Stops accepting connections, lets in-flight requests finish, closes keep-alive sockets and
   * releases the port. Resolves when all of that is done; calling it again is harmless.
   */
  close(): Promise<void>;
}
