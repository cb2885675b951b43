/**
 * A self-signed X.509 v3 certificate for the emulator's HTTPS listener, built here (DER through
 * `der.ts`, signed with node:crypto) so that HTTPS needs neither a dependency nor an openssl
 * binary. It is a server certificate (not a CA: `basicConstraints` without `cA`, `extKeyUsage`
 * serverAuth) for the loopback names and addresses in its subjectAltName; a client trusts it by
 * trusting exactly this certificate (`tlsOptions: { ca }`, `NODE_EXTRA_CA_CERTS`).
 */
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from "node:crypto";
import { isIP } from "node:net";
import * as der from "./der.js";

/** What the certificate says. */
export interface CertificateOptions {
  /** Host names and IP addresses it is for (subjectAltName), e.g. `["localhost", "127.0.0.1", "::1"]`. */
  hosts: readonly string[];
  /** The EC P-256 private key that signs it; its public key is the certificate's. */
  privateKey: KeyObject;
  /** When it starts being valid, milliseconds since the epoch (an hour earlier is written, for clock skew). */
  now: number;
  /** How many days it is valid. */
  days: number;
}

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  subjectKeyIdentifier: "2.5.29.14",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

/** The subject and issuer common name. */
export const CERTIFICATE_NAME = "acs-identity emulator (localhost)";

const HOUR_MS = 3_600_000;

/**
 * Makes and signs the certificate.
 *
 * @returns the certificate, PEM.
 * @throws TypeError when the key is not an EC P-256 private key or a host is empty.
 */
export function createSelfSignedCertificate(options: CertificateOptions): string {
  const { privateKey, hosts, now, days } = options;
  if (privateKey.type !== "private" || privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new TypeError("The certificate key must be an EC P-256 private key.");
  }
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const algorithm = der.sequence(der.oid(OID.ecdsaWithSha256));
  const name = der.sequence(der.set(der.sequence(der.oid(OID.commonName), der.utf8String(CERTIFICATE_NAME))));
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(serialNumber()),
    algorithm,
    name,
    der.sequence(der.time(new Date(now - HOUR_MS)), der.time(new Date(now + days * 24 * HOUR_MS))),
    name,
    spki,
    der.explicit(
      3,
      der.sequence(
        extension(OID.basicConstraints, true, der.sequence()),
        extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth))),
        extension(OID.subjectAltName, false, der.sequence(...hosts.map(generalName))),
        // RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the key, so clients can build the chain.
        extension(OID.subjectKeyIdentifier, false, der.octetString(createHash("sha256").update(spki).digest().subarray(0, 20))),
      ),
    ),
  );
  const signature = sign("sha256", tbs, privateKey);
  return pem(der.sequence(tbs, algorithm, der.bitString(signature)));
}

/** 16 random bytes, the first kept non-zero so the serial number has its full length. */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes;
}

function extension(id: string, critical: boolean, value: Uint8Array): Buffer {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

/** A subjectAltName entry: `iPAddress` `[7]` for an address, `dNSName` `[2]` for a name. */
function generalName(host: string): Buffer {
  if (host === "") throw new TypeError("A certificate host must not be empty.");
  const version = isIP(host);
  if (version === 0) return der.implicitPrimitive(2, Buffer.from(host, "ascii"));
  return der.implicitPrimitive(7, version === 4 ? Buffer.from(host.split(".").map(Number)) : ipv6Bytes(host));
}

/** The 16 bytes of an IPv6 address: `::` expanded, and a dotted IPv4 last part (`::ffff:127.0.0.1`) as its two groups. */
function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const groups = (part: string | undefined) => (part ? part.split(":").flatMap(ipv4Groups) : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, index) => bytes.writeUInt16BE(parseInt(group, 16), index * 2));
  return bytes;
}

/** A group as it is, or a dotted IPv4 address as the two 16-bit groups it stands for. */
function ipv4Groups(group: string): string[] {
  if (!group.includes(".")) return [group];
  const [a, b, c, d] = group.split(".").map(Number) as [number, number, number, number];
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

function pem(bytes: Buffer): string {
  const lines = bytes.toString("base64").match(/.{1,64}/g)!;
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
