/**
 * The assignment operations in real Chromium, on the browser build's path (Web Crypto signing,
 * the page's URL parsing and async generators), with an `httpClient` in the page that answers as
 * the service's examples: the end-to-end run against the emulator comes with its routes.
 */
import { createHttpHeaders, type HttpClient, type PipelineRequest } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "../../src/index.js";

const ENDPOINT = "https://contoso.communication.azure.com";
const KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==";
const TENANT_ID = "c70d068c-2f32-484d-9455-73070cd5aadd";
const CLIENT_ID = "617d08b5-f35b-4270-87d6-56833d2dee1b";
const assignment = (n: number) => ({
  objectId: `00000000-0000-4000-8000-00000000000${n}`,
  tenantId: TENANT_ID,
  principalType: "user",
  clientIds: [CLIENT_ID],
});

/** A client whose requests `answer` answers, recorded in `sent`. */
function clientAnswering(answer: (request: PipelineRequest) => [number, unknown?]) {
  const sent: PipelineRequest[] = [];
  const httpClient: HttpClient = {
    async sendRequest(request) {
      sent.push(request);
      const [status, body] = answer(request);
      return {
        request,
        status,
        headers: createHttpHeaders({ "content-type": "application/json" }),
        bodyAsText: body === undefined ? "" : JSON.stringify(body),
      };
    },
  };
  const client = new CommunicationIdentityClient(`endpoint=${ENDPOINT}/;accesskey=${KEY}`, {
    apiVersion: "2025-03-02-preview",
    httpClient,
  });
  return { client, sent };
}

describe("in the browser", () => {
  it("lists three pages through nextLink, each signed, and refuses a page on another origin", async () => {
    const { client, sent } = clientAnswering(({ url }) => {
      const page = Number(new URL(url).searchParams.get("page") ?? "1");
      const nextLink = page < 3 ? `${ENDPOINT}/access/entra/assignments?page=${page + 1}` : undefined;
      return [200, { value: [assignment(page)], nextLink }];
    });
    const items = [];
    for await (const item of client.listEntraAssignments()) items.push(item);
    expect(items).toStrictEqual([1, 2, 3].map(assignment));
    expect(sent.map(({ url }) => url)).toStrictEqual([
      `${ENDPOINT}/access/entra/assignments?api-version=2025-03-02-preview`,
      `${ENDPOINT}/access/entra/assignments?page=2&api-version=2025-03-02-preview`,
      `${ENDPOINT}/access/entra/assignments?page=3&api-version=2025-03-02-preview`,
    ]);
    for (const request of sent)
      expect(request.headers.get("authorization")).toMatch(/^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=/);
    expect(() => client.listEntraAssignments().byPage({ continuationToken: "https://elsewhere.example/access/entra/assignments" })).toThrow(
      `A next page's link (continuationToken) must be an absolute URL on ${ENDPOINT}: elsewhere, the request would carry this client's credentials.`,
    );
  });

  it("updates with a JSON merge patch and sets a Teams extension assignment", async () => {
    const { client, sent } = clientAnswering(({ method }) =>
      method === "PATCH" ? [204] : [201, { objectId: assignment(1).objectId, tenantId: TENANT_ID, principalType: "resourceAccount" }],
    );
    expect(await client.updateEntraAssignments({ [assignment(1).objectId]: null })).toStrictEqual([]);
    expect(await client.setTeamsExtensionAssignment(TENANT_ID, assignment(1).objectId, { principalType: "resourceAccount" })).toStrictEqual(
      {
        objectId: assignment(1).objectId,
        tenantId: TENANT_ID,
        principalType: "resourceAccount",
      },
    );
    expect(sent.map(({ method, headers, body }) => [method, headers.get("content-type"), body])).toStrictEqual([
      ["PATCH", "application/merge-patch+json", `{"${assignment(1).objectId}":null}`],
      ["PUT", "application/json", '{"principalType":"resourceAccount"}'],
    ]);
  });
});
