// The floor: the least a Node.js client can do to issue a token. node:http with a keep-alive
// agent, node:crypto HMAC-SHA256 signing exactly as SPEC.md says (x-ms-date, x-ms-content-sha256,
// string to sign over method, path and query, date, host and content hash), JSON in and out, and
// the expiry as a Date. No retries, no logging, no validation.
import { createHash, createHmac } from "node:crypto";
import { Agent, request } from "node:http";

/**
 * The floor's transport: sends one signed request and resolves with its status and body text.
 *
 * @param {string} connectionString - `endpoint=http://...;accesskey=<base64>`
 * @param {number} maxSockets - keep-alive connections at most.
 * @returns {{ send(method: string, path: string, bodyText: string): Promise<{ status: number, body: string }>, close(): void }}
 */
export function createSignedSender(connectionString, maxSockets = 16) {
  const parts = Object.fromEntries(
    connectionString
      .split(";")
      .filter(Boolean)
      .map((part) => {
        const at = part.indexOf("=");
        return [part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()];
      }),
  );
  const endpoint = new URL(parts.endpoint);
  const key = Buffer.from(parts.accesskey, "base64");
  const agent = new Agent({ keepAlive: true, maxSockets });

  function send(method, path, bodyText) {
    const url = new URL(path, endpoint);
    const date = new Date().toUTCString();
    const contentHash = createHash("sha256").update(bodyText, "utf8").digest("base64");
    const query = url.search ? `?${url.searchParams.toString()}` : "";
    const text = `${method}\n${url.pathname}${query}\n${date};${url.host};${contentHash}`;
    const signature = createHmac("sha256", key).update(text, "utf8").digest("base64");
    const headers = {
      accept: "application/json",
      "content-type": "application/json",
      "content-length": Buffer.byteLength(bodyText),
      "x-ms-date": date,
      "x-ms-content-sha256": contentHash,
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    };
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode, body }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(bodyText);
    });
  }

  return { send, close: () => agent.destroy() };
}

/**
 * @param {string} connectionString - `endpoint=http://...;accesskey=<base64>`
 * @returns {{ issueToken(userId: string, scopes: string[]): Promise<{ token: string, expiresOn: Date }> }}
 */
export function createBaselineClient(connectionString) {
  const { send } = createSignedSender(connectionString);
  return {
    async issueToken(userId, scopes) {
      const path = `/identities/${encodeURIComponent(userId)}/:issueAccessToken?api-version=2023-10-01`;
      const { status, body } = await send("POST", path, JSON.stringify({ scopes }));
      if (status !== 200) throw new Error(`status ${status}: ${body}`);
      const parsed = JSON.parse(body);
      return { token: parsed.token, expiresOn: new Date(parsed.expiresOn) };
    },
  };
}
