/**
 * A local emulator of the Azure Communication Services Identity API that speaks the real
 * protocol: HMAC-signed requests, the service's routes, status codes and error bodies, RS256
 * tokens, repeatable creates, CORS, optional persistence, and fault injection for tests.
 * Node.js only (`acs-identity/emulator`).
 *
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { isBase64Key, KEY_CHARACTERS } from "../auth/signing.js";
import { createAuthenticator } from "./auth/auth.js";
import { createCorsHeaders } from "./auth/cors.js";
import { createDashboard, DASHBOARD_PATH } from "./admin/dashboard.js";
import { DASHBOARD_ASSETS } from "./admin/dashboardPage.js";
import { ACCESS_KEY_FILE, keptFile } from "./store/dataDirFiles.js";
import { FaultInjector } from "./pipeline/faults.js";
import { IssuedTokens } from "./tokens/issuedTokens.js";
import { jwksReply } from "./tokens/jwks.js";
import { RateLimiter } from "./pipeline/limits.js";
import { createPipeline } from "./pipeline/pipeline.js";
import { DEFAULT_REPEATABILITY_LIMITS, RepeatabilityCache } from "./routes/repeatability.js";
import { loggedPipeline, RequestLog } from "./pipeline/requestLog.js";
import { listen } from "./server.js";
import { emulatorTls } from "./tls/emulatorTls.js";
import { IdentityStore } from "./store/store.js";
import { createTokenMinter, signingKeyFor, type TokenMinter } from "./tokens/tokens.js";
import type { Emulator, EmulatorOptions } from "./types.js";
import { isGuid } from "../client/guid.js";

export type { Emulator, EmulatorOptions, FaultSpec, Faults, IdentityRecord, Operation } from "./types.js";
export type { LimitedOperation, RateLimit, RateLimits } from "../limits/rateLimits.js";
export { SUPPORTED_API_VERSIONS } from "./routes/apiVersion.js";
export { mintEntraTestToken, type EntraTestToken, type EntraTestTokenOptions } from "./entra/entraTestTokens.js";
export { EntraTestCredential, type EntraTestCredentialOptions } from "./entra/entraTestCredential.js";

/**
 * Starts an emulator and resolves once it listens.
 *
 * @param options - see {@link EmulatorOptions}; all optional.
 * @returns the running emulator; call `close()` when done.
 * @throws TypeError for an option of the wrong form (a non-loopback host, a key that is not
 * base64, a resource id that is not a GUID, a CORS origin that is not one, `tls` PEMs that are not
 * a certificate and its key); RangeError for `limits`
 * that are not understood; Error when the port is
 * taken, `dataDir` holds another resource's journal or a damaged key (signing or TLS), or cannot be written. Damaged
 * journal lines do not stop the start: they are skipped and described on stderr.
 * @example
 * ```ts
 * const emulator = await startEmulator();
 * const client = new CommunicationIdentityClient(emulator.connectionString);
 * // ...
 * await emulator.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  checkOptions(options, host);
  const cors = createCorsHeaders(options.corsOrigins);
  const now = options.now ?? Date.now;
  // Checked before anything is opened: a typo in the limits is a TypeError or RangeError at once.
  // Always there (without limits it admits everything at once), so the admin API can set some.
  const limiter = new RateLimiter(options.limits ?? {}, now);
  const store = await IdentityStore.open({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.resourceId === undefined ? {} : { resourceId: options.resourceId.toLowerCase() }),
  });
  if (store.damageReport !== undefined) process.stderr.write(`${store.damageReport}\n`);
  let minter: TokenMinter | undefined;
  // Set once the server listens, before any request can reach an operation.
  let endpoint = "";
  try {
    const accessKey = options.accessKey ?? (await generatedAccessKey(options.dataDir));
    minter = await createTokenMinter({
      resourceId: store.resourceId,
      resourceLocation: options.resourceLocation ?? "unitedstates",
      privateKey: await signingKeyFor(options.dataDir),
    });
    const faults = new FaultInjector();
    const log = new RequestLog();
    const repeatability = new RepeatabilityCache(DEFAULT_REPEATABILITY_LIMITS, now);
    const tokens = new IssuedTokens();
    const tls = await emulatorTls(options.tls, options.dataDir, host);
    const pipeline = createPipeline({
      authenticator: createAuthenticator({ accessKey, allowBearer: options.allowBearer ?? false, now }),
      context: { store, minter, now, endpoint: () => endpoint },
      faults,
      repeatability,
      repeatabilityLimits: DEFAULT_REPEATABILITY_LIMITS,
      jwks: jwksReply(minter.jwks),
      limiter,
    });
    // Without the dashboard nobody reads the log: the pipeline runs unwrapped.
    const dashboard =
      options.dashboard === false
        ? undefined
        : createDashboard({ log, tokens, store, faults, repeatability, limiter, now }, DASHBOARD_ASSETS);
    const handle = dashboard ? loggedPipeline(pipeline, log, now, (outcome) => tokens.observe(outcome)) : pipeline;
    const server = await listen(handle, options.port ?? 0, host, cors, dashboard?.intercept, tls);
    endpoint = `${tls ? "https" : "http"}://${isIP(host) === 6 ? `[${host}]` : host}:${server.port}`;
    return {
      endpoint,
      connectionString: `endpoint=${endpoint}/;accesskey=${accessKey}`,
      certificate: tls?.cert,
      certificatePath: tls?.certificatePath,
      accessKey,
      dashboardUrl: dashboard && `${endpoint}${DASHBOARD_PATH}`,
      resourceId: store.resourceId,
      tokenPublicKey: minter.publicKey,
      tokenKeyId: minter.keyId,
      faults,
      // Identities minted by exchange too: a test sees who exchanged and whether that was revoked.
      identities: () => [...store.list(), ...store.assignments.listExchanged()].sort((a, b) => a.createdAt - b.createdAt),
      identity: (id) => store.get(id) ?? store.assignments.exchanged(id),
      close: async () => {
        dashboard?.close();
        await server.close();
        await minter?.close();
        await store.close();
      },
    };
  } catch (error) {
    await minter?.close();
    await store.close();
    throw error;
  }
}

/**
 * A random access key; with a data directory, the one generated there at the first start, so that
 * the printed connection string keeps working across restarts.
 */
async function generatedAccessKey(dataDir: string | undefined): Promise<string> {
  const generate = () => randomBytes(64).toString("base64");
  if (dataDir === undefined) return generate();
  const key = (await keptFile(dataDir, ACCESS_KEY_FILE, () => `${generate()}\n`)).trim();
  if (!isBase64Key(key)) {
    throw new Error(`The access key kept in ${dataDir} (${ACCESS_KEY_FILE}) is damaged; delete the file to generate a new key.`);
  }
  return key;
}

function checkOptions(options: EmulatorOptions, host: string): void {
  if (!isLoopback(host)) throw new TypeError("The emulator listens on loopback only: use host 127.0.0.1, ::1 or localhost.");
  const { accessKey } = options;
  if (accessKey !== undefined && !isBase64Key(accessKey))
    throw new TypeError(`The access key must be ${KEY_CHARACTERS}, e.g. 64 random bytes encoded.`);
  if (options.resourceId !== undefined && !isGuid(options.resourceId))
    throw new TypeError("The resourceId must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).");
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError("The port must be an integer from 0 to 65535 (0 picks a free port).");
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || (isIP(host) === 4 && host.startsWith("127."));
}
