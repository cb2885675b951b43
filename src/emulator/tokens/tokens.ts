/**
 * Access tokens: RS256 JWTs with the service's header and claims, signed with an RSA-2048 key
 * pair generated when the emulator starts, or kept in its data directory so that tokens verify
 * across restarts. The private key stays in this module's closure and the signing thread; the
 * public key is published as a JWKS document.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, randomUUID, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { keptFile, SIGNING_KEY_FILE } from "../store/dataDirFiles.js";
import type { Jwks } from "./jwks.js";
import { createRsaSigner } from "./rsaSigner.js";

/** The `scp` claim of every token the service issues. */
export const TOKEN_SCP = 1792;

/** What a token is issued for. Times are milliseconds since the epoch. */
export interface TokenRequest {
  /** The identity id, with its `8:` prefix (`8:acs:...`, `8:orgid:...`). */
  id: string;
  /** The scopes, in the order asked. */
  scopes: readonly string[];
  /** When it is issued. */
  issuedAt: number;
  /** When it expires. */
  expiresAt: number;
}

/** A token as the service returns it. */
export interface AccessToken {
  /** The JWT. */
  token: string;
  /** The expiry, ISO-8601 with up to 7 fractional digits (no trailing zeros) and `+00:00`. */
  expiresOn: string;
}

/** Mints tokens with one key pair. */
export interface TokenMinter {
  /** The public key that verifies the tokens. */
  readonly publicKey: KeyObject;
  /** The `kid` header: the key's SHA-1 thumbprint, upper-case hex. */
  readonly keyId: string;
  /** The public key as a JWKS document (RFC 7517), as a resource server fetches it. */
  readonly jwks: Jwks;
  /** Issues one token. */
  mint(request: TokenRequest): Promise<AccessToken>;
  /** Stops the signing thread. */
  close(): Promise<void>;
}

/** The location and resource that every token names. */
export interface TokenMinterOptions {
  /** The `resourceId` claim. */
  resourceId: string;
  /** The `resourceLocation` claim. */
  resourceLocation: string;
  /** The RSA private key that signs. @default a new RSA-2048 key */
  privateKey?: KeyObject;
}

const generateRsaKeyPair = promisify(generateKeyPair);

/**
 * Returns a minter for `options.privateKey`, or for a key pair generated off the main thread. The
 * key object is created once (re-parsing a PEM on every signature would cost more than the
 * signature) and signing happens on a worker thread (see `rsaSigner.ts`).
 */
export async function createTokenMinter(options: TokenMinterOptions): Promise<TokenMinter> {
  const privateKey = options.privateKey ?? (await generateSigningKey());
  const publicKey = createPublicKey(privateKey);
  const thumbprint = createHash("sha1")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest();
  const keyId = thumbprint.toString("hex").toUpperCase();
  const x5t = thumbprint.toString("base64url");
  const header = base64UrlJson({ alg: "RS256", kid: keyId, x5t, typ: "JWT" });
  const signer = createRsaSigner(privateKey);
  return {
    publicKey,
    keyId,
    jwks: { keys: [{ ...publicKey.export({ format: "jwk" }), kid: keyId, x5t, use: "sig", alg: "RS256" }] },
    async mint(request) {
      const signingInput = `${header}.${base64UrlJson(claimsOf(request, options))}`;
      const signature = await signer.sign(signingInput);
      return { token: `${signingInput}.${signature}`, expiresOn: formatExpiresOn(request.expiresAt) };
    },
    close: () => signer.close(),
  };
}

/**
 * The signing key: a new one without a data directory; with one, the key kept there (created at
 * the first start), so that tokens verify and `kid` stays the same across restarts.
 *
 * @throws Error when the kept key cannot be read or parsed, or cannot be written.
 */
export async function signingKeyFor(dataDir: string | undefined): Promise<KeyObject> {
  if (dataDir === undefined) return generateSigningKey();
  const pem = await keptFile(dataDir, SIGNING_KEY_FILE, async () =>
    (await generateSigningKey()).export({ type: "pkcs8", format: "pem" }).toString(),
  );
  const key = rsaKeyOf(pem);
  if (key === undefined) {
    throw new Error(
      `The token signing key in ${dataDir} (${SIGNING_KEY_FILE}) is damaged; delete the file to start with a new key (tokens issued before will no longer verify).`,
    );
  }
  return key;
}

function rsaKeyOf(pem: string): KeyObject | undefined {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === "rsa" ? key : undefined;
  } catch {
    return undefined;
  }
}

async function generateSigningKey(): Promise<KeyObject> {
  return (await generateRsaKeyPair("rsa", { modulusLength: 2048 })).privateKey;
}

/** The claims, in the order the service writes them, then a unique `jti`: no two tokens are ever equal. */
function claimsOf(request: TokenRequest, options: TokenMinterOptions): Record<string, unknown> {
  const iat = Math.floor(request.issuedAt / 1000);
  return {
    skypeid: request.id.replace(/^8:/, ""),
    scp: TOKEN_SCP,
    csi: String(iat),
    exp: Math.floor(request.expiresAt / 1000),
    acsScope: request.scopes.join(","),
    resourceId: options.resourceId,
    resourceLocation: options.resourceLocation,
    iat,
    jti: randomUUID(),
  };
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/**
 * An instant as the service writes `expiresOn`: the fraction without trailing zeros (the service
 * writes up to 7 digits and was recorded with 6 when the 7th was 0) and an explicit offset.
 *
 * @example
 * ```ts
 * formatExpiresOn(Date.UTC(2023, 9, 10, 21, 39, 39, 320)) === "2023-10-10T21:39:39.32+00:00"
 * ```
 */
export function formatExpiresOn(time: number): string {
  return new Date(time).toISOString().replace(/\.?0*Z$/, "+00:00");
}
