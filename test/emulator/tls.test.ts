/**
 * The emulator over HTTPS: the generated certificate (read back with node:crypto and checked by
 * real TLS handshakes), our client and Microsoft's official one over it, the certificate kept in a
 * data directory, the caller's own certificate, and everything else (auth, CORS, dashboard) as over HTTP.
 */
import { execFile } from "node:child_process";
import { createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { connect as tcpConnect } from "node:net";
import { join } from "node:path";
import { connect as tlsConnect, type PeerCertificate } from "node:tls";
import { promisify } from "node:util";
import { isRestError } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/client/communicationIdentityClient.js";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.js";
import { createSelfSignedCertificate } from "../../src/emulator/tls/selfSignedCertificate.js";
import { tlsFixture } from "../helpers/identityServer.js";
import { tempDirEachTest } from "../helpers/tempDir.js";
import { decodeJwt, send, signedSend } from "./helpers.js";

const DAY_MS = 24 * 3_600_000;
const SAN = "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1";

let running: Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((emulator) => emulator.close()));
  running = [];
});

async function start(options: EmulatorOptions): Promise<Emulator> {
  const emulator = await startEmulator(options);
  running.push(emulator);
  return emulator;
}

/** A TLS handshake with the emulator; resolves with the peer's certificate, rejects with the handshake's error. */
function handshake(emulator: Emulator, options: { host?: string; servername?: string; ca?: string }): Promise<PeerCertificate> {
  const url = new URL(emulator.endpoint);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: options.host ?? url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port),
      ...(options.servername === undefined ? {} : { servername: options.servername }),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    socket.once("secureConnect", () => {
      const certificate = socket.getPeerCertificate();
      socket.destroy();
      resolve(certificate);
    });
    socket.once("error", reject);
  });
}

describe("tls: true", () => {
  it("makes a self-signed P-256 certificate for localhost, 127.0.0.1 and ::1, valid 365 days", async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const emulator = await start({ tls: true });
    const after = Date.now();
    expect(emulator.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.connectionString).toBe(`endpoint=${emulator.endpoint}/;accesskey=${emulator.accessKey}`);
    expect(emulator.certificatePath).toBeUndefined();
    const certificate = new X509Certificate(emulator.certificate!);
    expect(certificate.subjectAltName).toBe(SAN);
    expect(certificate.subject).toBe("CN=acs-identity emulator (localhost)");
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkIssued(certificate)).toBe(true);
    expect(certificate.ca).toBe(false);
    expect(certificate.keyUsage).toStrictEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(certificate.publicKey.asymmetricKeyDetails).toStrictEqual({ namedCurve: "prime256v1" });
    const validFrom = Date.parse(certificate.validFrom);
    expect(validFrom).toBeGreaterThanOrEqual(before - 3_600_000);
    expect(validFrom).toBeLessThanOrEqual(after - 3_600_000);
    expect(Date.parse(certificate.validTo) - validFrom).toBe(365 * DAY_MS + 3_600_000);
  });

  it("completes a handshake for each name in the certificate, and verifies the host name", async () => {
    const v4 = await start({ tls: true });
    const fingerprint = new X509Certificate(v4.certificate!).fingerprint256;
    expect((await handshake(v4, { ca: v4.certificate! })).fingerprint256).toBe(fingerprint);
    expect((await handshake(v4, { ca: v4.certificate!, servername: "localhost" })).fingerprint256).toBe(fingerprint);
    await expect(handshake(v4, { ca: v4.certificate!, servername: "elsewhere.test" })).rejects.toMatchObject({
      code: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
    const v6 = await start({ tls: true, host: "::1" });
    expect(v6.endpoint).toMatch(/^https:\/\/\[::1\]:\d+$/);
    expect(new X509Certificate((await handshake(v6, { ca: v6.certificate! })).raw).subjectAltName).toBe(SAN);
  });

  it("names another loopback address it listens on in the certificate", async () => {
    const emulator = await start({ tls: true, host: "127.0.0.2" });
    expect(new X509Certificate(emulator.certificate!).subjectAltName).toBe(`${SAN}, IP Address:127.0.0.2`);
    await handshake(emulator, { ca: emulator.certificate! });
  });

  it("refuses the handshake of a client that does not trust the certificate", async () => {
    const emulator = await start({ tls: true });
    await expect(handshake(emulator, {})).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    const error = await new CommunicationIdentityClient(emulator.connectionString).createUser().catch((e: unknown) => e);
    expect(isRestError(error) && error.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(emulator.identities()).toStrictEqual([]);
  });

  it("serves our client, HMAC-signed, with tlsOptions: { ca }", async () => {
    const emulator = await start({ tls: true });
    const client = new CommunicationIdentityClient(emulator.connectionString, { tlsOptions: { ca: emulator.certificate! } });
    const { user, token } = await client.createUserAndToken(["chat"]);
    expect(emulator.identity(user.communicationUserId)).toBeDefined();
    expect(decodeJwt(token).payload.skypeid).toBe(user.communicationUserId.slice(2));
    await client.revokeTokens(user.communicationUserId);
    await client.deleteUser(user.communicationUserId);
    expect(emulator.identities()).toStrictEqual([]);
  });

  it("pages the Entra assignments with https nextLinks, which our client follows to all 101", async () => {
    const emulator = await start({ tls: true });
    const client = new CommunicationIdentityClient(emulator.connectionString, {
      apiVersion: "2025-03-02-preview",
      tlsOptions: { ca: emulator.certificate! },
    });
    const ids = Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const tenantId = "c70d068c-2f32-484d-9455-73070cd5aadd";
    await client.updateEntraAssignments(Object.fromEntries(ids.map((id) => [id, { tenantId, principalType: "user", clientIds: [] }])));
    const first = await signedSend(
      { endpoint: emulator.endpoint, accessKey: emulator.accessKey, ca: emulator.certificate! },
      { method: "GET", path: "/access/entra/assignments?api-version=2025-03-02-preview" },
    );
    expect(first.json.nextLink).toBe(`${emulator.endpoint}/access/entra/assignments?api-version=2025-03-02-preview&skipToken=${ids[99]}`);
    const pages: number[] = [];
    for await (const page of client.listEntraAssignments().byPage()) pages.push(page.length);
    expect(pages).toStrictEqual([100, 1]);
    const listed: string[] = [];
    for await (const assignment of client.listEntraAssignments()) listed.push(assignment.objectId);
    expect(listed).toStrictEqual(ids);
  });

  it("keeps the loopback Host rule, CORS and the dashboard's own-origin rule over HTTPS", async () => {
    const emulator = await start({ tls: true, allowBearer: true });
    const ca = emulator.certificate!;
    const host = new URL(emulator.endpoint).host;
    const create = { method: "POST", path: "/identities?api-version=2023-10-01", body: "{}", ca };
    const bearer = { authorization: "Bearer anything", "content-type": "application/json" };
    expect((await send(emulator.endpoint, { ...create, headers: bearer })).status).toBe(201);
    expect((await send(emulator.endpoint, { ...create, headers: { ...bearer, host: "rebound.test" } })).status).toBe(401);
    const signed = await signedSend(
      { endpoint: emulator.endpoint, accessKey: emulator.accessKey, ca },
      { method: "POST", path: create.path, body: {} },
    );
    expect(signed.status).toBe(201);
    const preflight = await send(emulator.endpoint, {
      method: "OPTIONS",
      path: create.path,
      ca,
      headers: { origin: "https://localhost:5173", "access-control-request-method": "POST" },
    });
    expect(preflight.headers["access-control-allow-origin"]).toBe("https://localhost:5173");
    const api = (origin: string) => send(emulator.endpoint, { method: "GET", path: "/_emulator/api/identities", ca, headers: { origin } });
    expect((await api(`https://${host}`)).json.total).toBe(2);
    expect((await api(`http://${host}`)).status).toBe(403);
    expect(emulator.dashboardUrl).toBe(`${emulator.endpoint}/_emulator/`);
  });

  it("closes at once with a connection whose handshake never started", async () => {
    const emulator = await startEmulator({ tls: true });
    const url = new URL(emulator.endpoint);
    const socket = tcpConnect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once("connect", resolve));
    const closed = new Promise((resolve) => socket.once("close", resolve));
    const started = Date.now();
    await emulator.close();
    await closed;
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("tls: true with a data directory", () => {
  const dir = tempDirEachTest("acs-emulator-tls-");

  it("keeps the key (owner-only) and the certificate, and serves the same certificate after a restart", async () => {
    const first = await startEmulator({ tls: true, dataDir: dir.path });
    const certificate = first.certificate!;
    await first.close();
    const path = join(dir.path, "tls-certificate.pem");
    expect(first.certificatePath).toBe(path);
    expect(await readFile(path, "utf8")).toBe(certificate);
    expect((await stat(join(dir.path, "tls-key.pem"))).mode & 0o777).toBe(0o600);
    const second = await start({ tls: true, dataDir: dir.path });
    expect(second.certificate).toBe(certificate);
    expect((await handshake(second, { ca: certificate })).fingerprint256).toBe(new X509Certificate(certificate).fingerprint256);
  });

  it("makes the certificate again, with the same key, when it is about to expire or is for another address", async () => {
    await (await startEmulator({ tls: true, dataDir: dir.path })).close();
    const key = createPrivateKey(await readFile(join(dir.path, "tls-key.pem"), "utf8"));
    const expiring = createSelfSignedCertificate({ hosts: ["localhost"], privateKey: key, now: Date.now() - 300 * DAY_MS, days: 300 });
    await writeFile(join(dir.path, "tls-certificate.pem"), expiring);
    const renewed = await startEmulator({ tls: true, dataDir: dir.path });
    await renewed.close();
    const certificate = new X509Certificate(renewed.certificate!);
    expect(renewed.certificate).not.toBe(expiring);
    expect(certificate.checkPrivateKey(key)).toBe(true);
    expect(Date.parse(certificate.validTo) - Date.now()).toBeGreaterThan(364 * DAY_MS);
    expect(await readFile(join(dir.path, "tls-certificate.pem"), "utf8")).toBe(renewed.certificate);
    const elsewhere = await start({ tls: true, dataDir: dir.path, host: "127.0.0.3" });
    expect(new X509Certificate(elsewhere.certificate!).subjectAltName).toBe(`${SAN}, IP Address:127.0.0.3`);
  });

  it("refuses a damaged key, saying what to delete", async () => {
    await writeFile(join(dir.path, "tls-key.pem"), "not a key");
    await expect(startEmulator({ tls: true, dataDir: dir.path })).rejects.toThrow(
      `The TLS key in ${dir.path} (tls-key.pem) is damaged; delete it and tls-certificate.pem to make a new certificate (clients must then trust the new one).`,
    );
  });

  it("serves Microsoft's official client in a process that trusts the file through NODE_EXTRA_CA_CERTS", async () => {
    const emulator = await start({ tls: true, dataDir: dir.path });
    const script = `
      import { CommunicationIdentityClient } from "@azure/communication-identity";
      const client = new CommunicationIdentityClient(process.env.CONNECTION_STRING, { retryOptions: { maxRetries: 0 } });
      try {
        const { user, token } = await client.createUserAndToken(["chat"]);
        console.log(JSON.stringify({ id: user.communicationUserId, token }));
      } catch (error) {
        console.log(JSON.stringify({ code: error.code }));
      }`;
    const run = async (env: Record<string, string>) => {
      const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
        env: { PATH: process.env["PATH"] ?? "", CONNECTION_STRING: emulator.connectionString, ...env },
      });
      return JSON.parse(stdout) as { id?: string; token?: string; code?: string };
    };
    const trusted = await run({ NODE_EXTRA_CA_CERTS: emulator.certificatePath! });
    expect(emulator.identity(trusted.id!)).toBeDefined();
    expect(decodeJwt(trusted.token!).payload.skypeid).toBe(trusted.id!.slice(2));
    expect(await run({})).toStrictEqual({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
  });
});

describe("createSelfSignedCertificate", () => {
  it("writes IPv6 addresses with an embedded IPv4 part as their 16 bytes: checkIP finds each", () => {
    const privateKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    const hosts = ["::ffff:127.0.0.1", "64:ff9b::192.0.2.33", "::1"];
    const certificate = new X509Certificate(createSelfSignedCertificate({ hosts, privateKey, now: Date.now(), days: 1 }));
    expect(certificate.subjectAltName).toBe(
      "IP Address:0:0:0:0:0:FFFF:7F00:1, IP Address:64:FF9B:0:0:0:0:C000:221, IP Address:0:0:0:0:0:0:0:1",
    );
    expect(hosts.map((host) => certificate.checkIP(host))).toStrictEqual(hosts);
  });
});

describe("tls: { cert, key }", () => {
  it("serves the caller's certificate", async () => {
    const cert = tlsFixture("loopback").toString();
    const emulator = await start({ tls: { cert, key: tlsFixture("key").toString() } });
    expect(emulator.certificate).toBe(cert);
    expect(emulator.certificatePath).toBeUndefined();
    expect((await handshake(emulator, { ca: cert })).fingerprint256).toBe(new X509Certificate(cert).fingerprint256);
  });

  it.each([
    [{ cert: 1, key: "k" }, "tls must be true (a generated certificate) or { cert, key } with a PEM certificate and its PEM private key."],
    [
      { cert: "not a certificate", key: "k" },
      "tls must be true (a generated certificate) or { cert, key } with a PEM certificate and its PEM private key. One of them could not be read.",
    ],
  ])("refuses %j with a TypeError", async (tls, message) => {
    await expect(startEmulator({ tls: tls as never })).rejects.toThrow(new TypeError(message));
  });

  it("refuses a key that is not the certificate's", async () => {
    const other = await startEmulator({ tls: true });
    await other.close();
    await expect(startEmulator({ tls: { cert: other.certificate!, key: tlsFixture("key").toString() } })).rejects.toThrow(
      new TypeError("tls.key is not the private key of tls.cert."),
    );
  });
});
