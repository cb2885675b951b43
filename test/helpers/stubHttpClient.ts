import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";

export interface StubReply {
  status: number;
  body?: unknown;
}

/**
 * An `httpClient` that records every request and answers through `reply`, which may wait (to
 * hold requests in flight). An aborted request rejects with an `AbortError`, like the real one.
 */
export function stubHttpClient(reply: (request: PipelineRequest) => StubReply | Promise<StubReply>) {
  const requests: PipelineRequest[] = [];
  const httpClient: HttpClient = {
    async sendRequest(request): Promise<PipelineResponse> {
      requests.push(request);
      const answer = await new Promise<StubReply>((resolve, reject) => {
        request.abortSignal?.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
        Promise.resolve(reply(request)).then(resolve, reject);
      });
      const bodyAsText = answer.body === undefined ? "" : JSON.stringify(answer.body);
      return {
        request,
        status: answer.status,
        headers: createHttpHeaders({ "content-type": "application/json; charset=utf-8" }),
        bodyAsText,
      };
    },
  };
  return { httpClient, requests };
}

/** A promise with its resolve function outside, to hold a stubbed request in flight. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** The body of a recorded request as the text that went on the wire. */
export function bodyOf(request: PipelineRequest | undefined): string | undefined {
  return typeof request?.body === "string" ? request.body : undefined;
}
