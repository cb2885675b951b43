/**
 * The emulator's HTTPS settings from its `tls` option: the caller's certificate and key, or a
 * self-signed certificate made at start. With a data directory the key and certificate are kept
 * there, so that clients told to trust the certificate file keep trusting it across restarts; the
 * certificate is made again (same key, same file) only when it no longer fits: expired or about to,
 * or not for the host the emulator listens on.
 */
import { createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from "node:crypto";
import { rm } from "node:fs/promises";
import { isIP } from "node:net";
import { join } from "node:path";
import { keptFile } from "../store/dataDirFiles.js";
import type { EmulatorOptions } from "../types.js";
import { createSelfSignedCertificate } from "./selfSignedCertificate.js";

/** The certificate a client trusts (`NODE_EXTRA_CA_CERTS`), kept in the data directory. */
export const TLS_CERTIFICATE_FILE = "tls-certificate.pem";
/** Its private key (PKCS#8 PEM), readable by the owner only. */
export const TLS_KEY_FILE = "tls-key.pem";
/** The names and addresses every generated certificate is for. */
export const TLS_HOSTS = ["localhost", "127.0.0.1", "::1"] as const;
/** How long a generated certificate is valid. */
export const TLS_CERTIFICATE_DAYS = 365;

/** A certificate is made again at start when it would expire within this time. */
const RENEW_BEFORE_MS = 24 * 3_600_000;

/** The `tls` option of `startEmulator`: `true` for a generated certificate, or the caller's own PEMs. */
type TlsOption = EmulatorOptions["tls"];

/** What the HTTPS listener serves, and where the certificate is kept (only with a data directory and a generated certificate). */
export interface EmulatorTls {
  cert: string;
  key: string;
  certificatePath: string | undefined;
}

/**
 * The TLS settings for `option`, or `undefined` for plain HTTP.
 *
 * @param host - the address the emulator listens on; a generated certificate names it too.
 * @throws TypeError when given PEMs are not a certificate and its matching private key; Error
 * when the kept key is damaged or the data directory cannot be written.
 */
export async function emulatorTls(option: TlsOption, dataDir: string | undefined, host: string): Promise<EmulatorTls | undefined> {
  if (option === undefined || option === false) return undefined;
  if (option === true) return generatedTls(dataDir, host);
  return { ...checkedPair(option), certificatePath: undefined };
}

function checkedPair(option: unknown): { cert: string; key: string } {
  const { cert, key } = (option ?? {}) as { cert?: unknown; key?: unknown };
  const help = "tls must be true (a generated certificate) or { cert, key } with a PEM certificate and its PEM private key.";
  if (typeof cert !== "string" || typeof key !== "string") throw new TypeError(help);
  let certificate: X509Certificate;
  let privateKey: KeyObject;
  try {
    certificate = new X509Certificate(cert);
    privateKey = createPrivateKey(key);
  } catch {
    throw new TypeError(`${help} One of them could not be read.`);
  }
  if (!certificate.checkPrivateKey(privateKey)) throw new TypeError("tls.key is not the private key of tls.cert.");
  return { cert, key };
}

async function generatedTls(dataDir: string | undefined, host: string): Promise<EmulatorTls> {
  const hosts: string[] = [...TLS_HOSTS];
  if (!hosts.includes(host)) hosts.push(host);
  const make = (key: KeyObject) => createSelfSignedCertificate({ hosts, privateKey: key, now: Date.now(), days: TLS_CERTIFICATE_DAYS });
  if (dataDir === undefined) {
    const key = newKey();
    return { cert: make(key), key: pkcs8(key), certificatePath: undefined };
  }
  const keyPem = await keptFile(dataDir, TLS_KEY_FILE, () => pkcs8(newKey()));
  const key = ecKeyOf(keyPem);
  if (key === undefined) {
    throw new Error(
      `The TLS key in ${dataDir} (${TLS_KEY_FILE}) is damaged; delete it and ${TLS_CERTIFICATE_FILE} to make a new certificate (clients must then trust the new one).`,
    );
  }
  let cert = await keptFile(dataDir, TLS_CERTIFICATE_FILE, () => make(key));
  if (!fits(cert, key, host)) {
    await rm(join(dataDir, TLS_CERTIFICATE_FILE), { force: true });
    cert = await keptFile(dataDir, TLS_CERTIFICATE_FILE, () => make(key));
  }
  return { cert, key: keyPem, certificatePath: join(dataDir, TLS_CERTIFICATE_FILE) };
}

/** Whether a kept certificate can serve on: readable, of this key, for this host, and not about to expire. */
function fits(cert: string, key: KeyObject, host: string): boolean {
  try {
    const certificate = new X509Certificate(cert);
    const forHost = isIP(host) === 0 ? certificate.checkHost(host) !== undefined : certificate.checkIP(host) !== undefined;
    return certificate.checkPrivateKey(key) && forHost && Date.parse(certificate.validTo) - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

function newKey(): KeyObject {
  return generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
}

function pkcs8(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

function ecKeyOf(pem: string): KeyObject | undefined {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyDetails?.namedCurve === "prime256v1" ? key : undefined;
  } catch {
    return undefined;
  }
}
