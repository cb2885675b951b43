import { createHttpHeaders, createPipelineRequest, type PipelinePolicy, type PipelineRequest } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import * as browser from "../src/nodePolicies-browser.js";
import * as node from "../src/nodePolicies.js";

async function headersAfter(policy: PipelinePolicy, preset: Record<string, string> = {}): Promise<PipelineRequest["headers"]> {
  const request = createPipelineRequest({ url: "https://contoso.communication.azure.com/identities", headers: createHttpHeaders(preset) });
  await policy.sendRequest(request, async (r) => ({ request: r, status: 200, headers: createHttpHeaders() }));
  return request.headers;
}

describe("the user agent", () => {
  it("in Node.js starts User-Agent with the prefix", async () => {
    const headers = await headersAfter(node.userAgentPolicyFor("app/1 acs-identity/0.1.0", {}));
    expect(headers.get("user-agent")).toMatch(/^app\/1 acs-identity\/0\.1\.0 /);
  });

  it("in browsers sends x-ms-useragent, never User-Agent, and keeps a caller's own value", async () => {
    const headers = await headersAfter(browser.userAgentPolicyFor("acs-identity/0.1.0", {}));
    expect(headers.get("x-ms-useragent")).toBe("acs-identity/0.1.0");
    expect(headers.has("user-agent")).toBe(false);
    const preset = await headersAfter(browser.userAgentPolicyFor("acs-identity/0.1.0", {}), { "x-ms-useragent": "mine" });
    expect(preset.get("x-ms-useragent")).toBe("mine");
  });
});

describe("platform policies", () => {
  it("browsers add none", () => {
    const added: unknown[] = [];
    browser.addNodePolicies({ addPolicy: (policy: unknown) => added.push(policy) } as never, { agent: {} as never });
    expect(added).toEqual([]);
  });
});
