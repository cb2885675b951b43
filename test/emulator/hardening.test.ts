/**
 * Regressions from a review of the emulator: repeated signing headers, non-canonical signatures,
 * sockets that never sent a request, and a drop-after fault on a failing request.
 */
import { connect, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { API, send, signedHeaders } from "./helpers.js";

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(() => emulator.close());

/** Writes a raw request and resolves with the status line, or "closed" when the socket ends first. */
function raw(text: string): Promise<string> {
  const { port } = new URL(emulator.endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.end(text));
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString()));
    socket.on("close", () => resolve(received.split("\r\n", 1)[0] || "closed"));
    socket.on("error", reject);
  });
}

async function signedCreate(): Promise<{ headers: Record<string, string>; body: string }> {
  const body = "{}";
  const url = `${emulator.endpoint}/identities?api-version=${API}`;
  return { headers: await signedHeaders({ key: emulator.accessKey, method: "POST", url, body }), body };
}

function requestText(headers: Array<[string, string]>, body: string): string {
  const lines = headers.map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `POST /identities?api-version=${API} HTTP/1.1\r\n${lines}content-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;
}

describe("signing headers", () => {
  it("accepts the signed request as sent (the control)", async () => {
    const { headers, body } = await signedCreate();
    const host = new URL(emulator.endpoint).host;
    expect(await raw(requestText([["host", host], ...Object.entries(headers)], body))).toBe("HTTP/1.1 201 Created");
  });

  it("denies a request with a second Host", async () => {
    const { headers, body } = await signedCreate();
    const host = new URL(emulator.endpoint).host;
    expect(await raw(requestText([["host", host], ["host", "evil.example"], ...Object.entries(headers)], body))).toBe(
      "HTTP/1.1 401 Unauthorized",
    );
  });

  it("denies a request with a second Authorization", async () => {
    const { headers, body } = await signedCreate();
    const host = new URL(emulator.endpoint).host;
    const second: [string, string] = ["authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA"];
    expect(await raw(requestText([["host", host], ...Object.entries(headers), second], body))).toBe("HTTP/1.1 401 Unauthorized");
  });

  it("denies a signature that decodes to the right bytes but is not canonical base64", async () => {
    const { headers, body } = await signedCreate();
    const signature = headers["authorization"]!.split("Signature=")[1]!;
    const last = signature.at(-2)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    // The final character of a 32-byte digest carries 4 unused bits: flipping one keeps the bytes.
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const altered = `${signature.slice(0, -2)}${sibling}=`;
    expect(Buffer.from(altered, "base64")).toEqual(Buffer.from(signature, "base64"));
    const tampered = { ...headers, authorization: headers["authorization"]!.replace(signature, altered) };
    const response = await send(emulator.endpoint, { method: "POST", path: `/identities?api-version=${API}`, body, headers: tampered });
    expect(response.status).toBe(401);
    const unpadded = { ...headers, authorization: headers["authorization"]!.replace(signature, signature.slice(0, -1)) };
    expect(
      (await send(emulator.endpoint, { method: "POST", path: `/identities?api-version=${API}`, body, headers: unpadded })).status,
    ).toBe(401);
  });
});

describe("closing", () => {
  it("does not wait for a socket that connected but never sent a whole request", async () => {
    const { port } = new URL(emulator.endpoint);
    const sockets: Socket[] = [];
    for (const partial of ["", "POST /identities HTTP/1.1\r\nhost: x\r\n"]) {
      const socket = connect(Number(port), "127.0.0.1", () => socket.write(partial));
      socket.on("error", () => undefined);
      sockets.push(socket);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(1000);
    sockets.forEach((socket) => socket.destroy());
  });
});

describe("a drop-after fault", () => {
  it("drops the connection of a request that failed too, and is used up by it", async () => {
    emulator.faults.add({ drop: "after", count: 1 });
    const host = new URL(emulator.endpoint).host;
    expect(await raw(requestText([["host", host]], "{}"))).toBe("closed");
    expect(emulator.faults.remaining()).toBe(0);
  });
});

describe("bearer tokens and DNS rebinding", () => {
  /** A bearer create as a page would send it, with the Host its browser puts on it. */
  async function bearerCreate(bearerEmulator: Emulator, host: string): Promise<string> {
    const { port } = new URL(bearerEmulator.endpoint);
    const text = `POST /identities?api-version=${API} HTTP/1.1\r\nhost: ${host.replace("PORT", port)}\r\nauthorization: Bearer any-token\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`;
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => socket.end(text));
      let received = "";
      socket.on("data", (chunk) => (received += chunk.toString()));
      socket.on("close", () => resolve(received.split("\r\n", 1)[0]!));
      socket.on("error", reject);
    });
  }

  it("refuses a bearer token whose Host is not loopback (a page rebound to 127.0.0.1), and takes it for loopback hosts", async () => {
    const bearerEmulator = await startEmulator({ allowBearer: true });
    try {
      expect(await bearerCreate(bearerEmulator, "evil.example:PORT")).toBe("HTTP/1.1 401 Unauthorized");
      expect(await bearerCreate(bearerEmulator, "evil.example")).toBe("HTTP/1.1 401 Unauthorized");
      expect(await bearerCreate(bearerEmulator, "127.0.0.1:PORT")).toBe("HTTP/1.1 201 Created");
      expect(await bearerCreate(bearerEmulator, "localhost:PORT")).toBe("HTTP/1.1 201 Created");
      expect(await bearerCreate(bearerEmulator, "[::1]:PORT")).toBe("HTTP/1.1 201 Created");
      expect(bearerEmulator.identities()).toHaveLength(3);
    } finally {
      await bearerEmulator.close();
    }
  });
});
