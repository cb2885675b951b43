// One app instance of the surge benchmark (bench/surge.mjs): a minimal login handler,
// GET /login?user=<id> -> 200 {"expiresOn"} with a chat token for that known user, or 500. Forked
// with the variant, the connection string and, for "redis", the Redis port and key prefix. Every
// variant sends through the same counting HttpClient (core-rest-pipeline's default), so "requests
// sent to the service" and "429s" are counted alike. Answers { stats: true } with its counts.
import { createServer } from "node:http";
import { argv } from "node:process";
import { createDefaultHttpClient } from "@azure/core-rest-pipeline";

const [variant, connectionString, redisPort, prefix] = argv.slice(2);
const SCOPES = ["chat"];
const CACHE_KEY = Buffer.alloc(32, 5);

/** Counts sends and 429s; keeps the send time of every issue the service did not throttle. */
const inner = createDefaultHttpClient();
const counts = { sent: 0, throttled: 0, admittedIssueTimes: [] };
const wire = {
  async sendRequest(request) {
    counts.sent += 1;
    const sentAt = Date.now();
    const response = await inner.sendRequest(request);
    if (response.status === 429) counts.throttled += 1;
    else if (request.url.includes(":issueAccessToken")) counts.admittedIssueTimes.push(sentAt);
    return response;
  },
};

/** @returns {Promise<(userId: string) => Promise<{ token: string, expiresOn: Date }>>} */
async function createLogin() {
  if (variant === "official") {
    const { CommunicationIdentityClient } = await import("@azure/communication-identity");
    const client = new CommunicationIdentityClient(connectionString, { allowInsecureConnection: true, httpClient: wire });
    return (userId) => client.getToken({ communicationUserId: userId }, SCOPES);
  }
  const { CommunicationIdentityClient } = await import("acs-identity");
  if (variant === "plain") {
    const client = new CommunicationIdentityClient(connectionString, { httpClient: wire });
    return (userId) => client.getToken(userId, SCOPES);
  }
  const { SurgeGuard } = await import("acs-identity/surge");
  let store;
  if (variant === "redis") {
    const { Redis } = await import("ioredis");
    const { RedisSurgeStore } = await import("acs-identity/redis");
    const redis = new Redis({ host: "127.0.0.1", port: Number(redisPort), enableOfflineQueue: false, lazyConnect: true });
    await redis.connect();
    store = new RedisSurgeStore({ redis, encryptionKey: CACHE_KEY, prefix, instances: 4 });
  } else if (variant !== "memory") {
    throw new Error(`unknown variant ${variant}`);
  }
  const guard = new SurgeGuard({ rateLimits: "service", ...(store ? { store } : {}) });
  const client = new CommunicationIdentityClient(connectionString, { httpClient: guard.httpClient(wire) });
  const tokens = guard.tokenCache(client);
  return (userId) => tokens.getToken(userId, SCOPES);
}

const login = await createLogin();
const server = createServer(async (req, res) => {
  const userId = new URL(req.url, "http://app.invalid").searchParams.get("user");
  try {
    const { expiresOn } = await login(userId);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ expiresOn }));
  } catch (error) {
    // The error's name and status only: never a token.
    res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: error?.name, status: error?.statusCode }));
  }
});
server.keepAliveTimeout = 120_000;
server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
process.on("message", (message) => {
  if (message.stats) process.send({ stats: counts });
});
