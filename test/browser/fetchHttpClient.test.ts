/**
 * The lean fetch HttpClient (src/transport/fetchHttpClient.ts) in real Chromium against the emulator, side
 * by side with the pipeline's own fetch client that it replaces in browser bundles: every outcome
 * the rest of the code relies on (answers, aborts, timeouts, network failures, refusals) is the
 * same, with exact values; and the progress callbacks report what was sent and received.
 */
import {
  createDefaultHttpClient,
  createPipelineRequest,
  isRestError,
  type HttpClient,
  type PipelineRequestOptions,
  type TransferProgressEvent,
} from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, inject, it } from "vitest";
import { commands } from "vitest/browser";
import { createFetchHttpClient } from "../../src/transport/fetchHttpClient.js";
import { CommunicationIdentityClient, type AbortSignalLike, type FullOperationResponse } from "../../src/index.js";

const connectionString = inject("connectionString");
const endpoint = /endpoint=(http:\/\/[^/;]+)/.exec(connectionString)![1]!;
const url = `${endpoint}/identities?api-version=2023-10-01`;
const clients: Array<[name: string, client: HttpClient]> = [
  ["lean", createFetchHttpClient()],
  ["pipeline's", createDefaultHttpClient()],
];

function request(options: Partial<PipelineRequestOptions> = {}) {
  return createPipelineRequest({ url, method: "POST", allowInsecureConnection: true, ...options });
}

/** What a send came to: the answer, or the error's name, message, code and whether it is a RestError. */
async function outcome(client: HttpClient, options: Partial<PipelineRequestOptions> = {}): Promise<Record<string, unknown>> {
  try {
    const response = await client.sendRequest(request(options));
    return { status: response.status, contentType: response.headers.get("Content-Type"), body: response.bodyAsText };
  } catch (error) {
    const { name, message, code } = error as Error & { code?: string };
    return { name, message, code, restError: isRestError(error) };
  }
}

/** An `AbortSignalLike` that is not a native `AbortSignal`, with its listeners in view. */
function signalLike(): { signal: AbortSignalLike; listeners: Set<(event: { type: "abort" }) => void>; abort: () => void } {
  const listeners = new Set<(event: { type: "abort" }) => void>();
  const signal = {
    aborted: false,
    addEventListener: (_type: "abort", listener: (event: { type: "abort" }) => void) => listeners.add(listener),
    removeEventListener: (_type: "abort", listener: (event: { type: "abort" }) => void) => listeners.delete(listener),
  };
  const abort = () => {
    signal.aborted = true;
    for (const listener of [...listeners]) listener({ type: "abort" });
  };
  return { signal, listeners, abort };
}

afterEach(async () => {
  await commands.clearFaults();
});

describe.each(clients)("the %s fetch client", (_name, client) => {
  it("returns the status, the headers and the body as text", async () => {
    await commands.addFault({ status: 503, body: { error: { code: "Busy", message: "Try later." } } });
    expect(await outcome(client, { body: "{}" })).toStrictEqual({
      status: 503,
      contentType: "application/json",
      body: '{"error":{"code":"Busy","message":"Try later."}}',
    });
  });

  it("rejects a signal that already fired with an AbortError, before sending", async () => {
    expect(await outcome(client, { abortSignal: AbortSignal.abort() })).toStrictEqual({
      name: "AbortError",
      message: "The operation was aborted. Request has already been canceled.",
      code: undefined,
      restError: false,
    });
  });

  it("stops at an abort in flight from any AbortSignalLike, and leaves no listener behind", async () => {
    await commands.addFault({ latencyMs: 5000 });
    const { signal, listeners, abort } = signalLike();
    const started = Date.now();
    setTimeout(abort, 100);
    expect(await outcome(client, { abortSignal: signal })).toStrictEqual({
      name: "AbortError",
      message: "signal is aborted without reason",
      code: 20,
      restError: false,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(listeners.size).toBe(0);
  });

  it("stops at the timeout with an AbortError", async () => {
    await commands.addFault({ latencyMs: 5000 });
    const started = Date.now();
    expect(await outcome(client, { timeout: 100 })).toStrictEqual({
      name: "AbortError",
      message: "signal is aborted without reason",
      code: 20,
      restError: false,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("reports a dropped connection as a RestError with REQUEST_SEND_ERROR, which the retry policy retries", async () => {
    await commands.addFault({ drop: "before" });
    expect(await outcome(client)).toStrictEqual({
      name: "RestError",
      message: "Error sending request: Failed to fetch",
      code: "REQUEST_SEND_ERROR",
      restError: true,
    });
  });

  it("refuses plain http unless allowed, and the Expect header, before sending", async () => {
    expect(await outcome(client, { allowInsecureConnection: false })).toStrictEqual({
      name: "Error",
      message: `Cannot connect to ${url} while allowInsecureConnection is false.`,
      code: undefined,
      restError: false,
    });
    const expect100 = request();
    expect100.headers.set("Expect", "100-continue");
    await expect(client.sendRequest(expect100)).rejects.toThrow(new Error("The Expect header is not supported by the Fetch HttpClient."));
  });
});

describe("the lean fetch client as the browser's default", () => {
  it("reports the body's size once it is sent, and the bytes received so far as they arrive", async () => {
    const client = new CommunicationIdentityClient(connectionString);
    const { communicationUserId } = await client.createUser();
    const uploaded: TransferProgressEvent[] = [];
    const downloaded: TransferProgressEvent[] = [];
    let raw: FullOperationResponse | undefined;
    await client.issueToken(communicationUserId, ["chat"], {
      requestOptions: { onUploadProgress: (event) => uploaded.push(event), onDownloadProgress: (event) => downloaded.push(event) },
      onResponse: (response) => (raw = response),
    });
    expect(uploaded).toStrictEqual([{ loadedBytes: JSON.stringify({ scopes: ["chat"] }).length }]);
    expect(downloaded.length).toBeGreaterThanOrEqual(1);
    expect(downloaded.at(-1)).toStrictEqual({ loadedBytes: new TextEncoder().encode(raw!.bodyAsText!).length });
    expect(raw!.parsedBody).toMatchObject({ token: expect.any(String) });
  });
});
