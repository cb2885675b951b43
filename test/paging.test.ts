// Paging of listEntraAssignments against a loopback server: three pages chained by nextLink
// (absolute, with a stale api-version, then relative), each requested with the client's own
// api-version and signed; byPage with a continuationToken; a next page on another origin refused
// with nothing sent there; the byPage settings checked; a request, a span and an onResponse per page.
import type { PagedAsyncIterableIterator as CorePagingIterator, PageSettings as CorePageSettings } from "@azure/core-paging";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EntraAssignment } from "../src/client/assignmentModels.js";
import type { FullOperationResponse } from "../src/client/models.js";
import { expectRequest, refusedWith, startAssignmentServer, v400, type AssignmentServer } from "./helpers/assignmentServer.js";
import { CLIENT_ID, ENTRA_LIST, TENANT_ID } from "./helpers/assignmentExamples.js";
import { startRecordingServer, type RecordingServer } from "./helpers/recordingServer.js";

const PREVIEW = "2025-03-02-preview";
const PATH = "/access/entra/assignments";
let server: AssignmentServer;
let elsewhere: RecordingServer;

const assignment = (n: number): EntraAssignment => ({
  objectId: `00000000-0000-4000-8000-00000000000${n}`,
  tenantId: TENANT_ID,
  principalType: n === 5 ? "group" : "user",
  clientIds: [CLIENT_ID],
});
const ITEMS = [1, 2, 3, 4, 5].map(assignment);

/** Page 1 links to page 2 absolutely (with another api-version), page 2 to page 3 relatively; page 3 is the last. */
function threePages(firstNextLink = () => `${server.origin}${PATH}?skipToken=2&api-version=2024-01-01`) {
  server.reply = ({ url }) => {
    if (url === `${PATH}?api-version=${PREVIEW}`) return [200, { value: ITEMS.slice(0, 2), nextLink: firstNextLink() }];
    if (url === `${PATH}?skipToken=2&api-version=${PREVIEW}`)
      return [200, { value: ITEMS.slice(2, 4), nextLink: "assignments?skipToken=3" }];
    if (url === `${PATH}?skipToken=3&api-version=${PREVIEW}`) return [200, { value: ITEMS.slice(4) }];
    return [404, { error: { code: "NotFound", message: url } }];
  };
}

const URLS = [`${PATH}?api-version=${PREVIEW}`, `${PATH}?skipToken=2&api-version=${PREVIEW}`, `${PATH}?skipToken=3&api-version=${PREVIEW}`];

beforeAll(async () => {
  server = await startAssignmentServer();
  elsewhere = await startRecordingServer((_request, response) => response.writeHead(500).end());
});
afterAll(async () => {
  await server.close();
  await elsewhere.close();
});
beforeEach(() => {
  server.received.length = 0;
  elsewhere.received.length = 0;
  threePages();
});

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("for await over the items", () => {
  it("follows nextLink through three pages, each requested with the client's api-version and signed", async () => {
    expect(await all(server.client(PREVIEW).listEntraAssignments())).toStrictEqual(ITEMS);
    expect(server.received.map(({ method, url }) => `${method} ${url}`)).toStrictEqual(URLS.map((url) => `GET ${url}`));
    for (const [index, url] of URLS.entries()) await expectRequest(server.received[index], { method: "GET", url });
  });

  it("fetches a page only when its items are wanted", async () => {
    const iterator = server.client(PREVIEW).listEntraAssignments();
    expect(server.received).toHaveLength(0);
    expect(await iterator.next()).toStrictEqual({ done: false, value: ITEMS[0] });
    expect(await iterator.next()).toStrictEqual({ done: false, value: ITEMS[1] });
    expect(server.received).toHaveLength(1);
    expect(await iterator.next()).toStrictEqual({ done: false, value: ITEMS[2] });
    expect(server.received).toHaveLength(2);
    expect(iterator[Symbol.asyncIterator]()).toBe(iterator);
  });

  it("an empty list yields nothing after one request", async () => {
    server.reply = () => [200, { value: [] }];
    expect(await all(server.client(PREVIEW).listEntraAssignments())).toStrictEqual([]);
    expect(server.received).toHaveLength(1);
  });

  it("the spec example's relative nextLink resolves against the page's URL", async () => {
    server.reply = () => [200, ENTRA_LIST];
    const pages = server.client(PREVIEW).listEntraAssignments().byPage();
    const first = (await pages.next()).value!;
    expect([...first]).toStrictEqual(ENTRA_LIST.value);
    expect(first.continuationToken).toBe(`${server.origin}/access/entra/nextLink`);
  });
});

describe("byPage", () => {
  it("yields arrays, each with the continuationToken of the next (undefined on the last)", async () => {
    const pages = await all(server.client(PREVIEW).listEntraAssignments().byPage());
    expect(pages.map((page) => [...page])).toStrictEqual([ITEMS.slice(0, 2), ITEMS.slice(2, 4), ITEMS.slice(4)]);
    expect(pages.map((page) => page.continuationToken)).toStrictEqual([
      `${server.origin}${PATH}?skipToken=2&api-version=2024-01-01`,
      `${server.origin}${PATH}?skipToken=3`,
      undefined,
    ]);
    expect(pages.every((page) => Array.isArray(page))).toBe(true);
  });

  it("with a continuationToken, starts at that page, on a new iterator from the same or another client", async () => {
    const first = (await server.client(PREVIEW).listEntraAssignments().byPage().next()).value!;
    server.received.length = 0;
    const rest = await all(server.client(PREVIEW).listEntraAssignments().byPage({ continuationToken: first.continuationToken }));
    expect(rest.map((page) => [...page])).toStrictEqual([ITEMS.slice(2, 4), ITEMS.slice(4)]);
    expect(server.received.map(({ url }) => url)).toStrictEqual(URLS.slice(1));
    await expectRequest(server.received[0], { method: "GET", url: URLS[1]! });
  });

  it("with continuationToken undefined, starts at the first page", async () => {
    expect((await all(server.client(PREVIEW).listEntraAssignments().byPage({ continuationToken: undefined }))).flat()).toStrictEqual(ITEMS);
  });
});

describe("a next page on another origin is not followed: the request would carry the client's signature there", () => {
  const refusal = () =>
    v400(
      "RangeError",
      `A next page's link (continuationToken) must be an absolute URL on ${server.origin}: elsewhere, the request would carry this client's credentials.`,
    );

  it("for await: the first page's items come, then the iteration fails, and nothing reaches the other origin", async () => {
    threePages(() => `${elsewhere.origin}${PATH}?skipToken=2`);
    const seen: EntraAssignment[] = [];
    const error = await refusedWith(async () => {
      for await (const item of server.client(PREVIEW).listEntraAssignments()) seen.push(item);
    });
    expect(error).toStrictEqual(refusal());
    expect(seen).toStrictEqual(ITEMS.slice(0, 2));
    expect(server.received).toHaveLength(1);
    expect(elsewhere.received).toStrictEqual([]);
  });

  it.each([
    ["another port", () => `${elsewhere.origin}${PATH}`],
    ["another scheme", () => server.origin.replace("http:", "https:") + PATH],
    ["another host name for the same address", () => server.origin.replace("127.0.0.1", "localhost") + PATH],
    ["a protocol-relative link", () => `//${new URL(elsewhere.origin).host}${PATH}`],
  ])("byPage refuses a continuationToken on %s, at once", (_what, token) => {
    expect(() => server.client(PREVIEW).listEntraAssignments().byPage({ continuationToken: token() })).toThrow(RangeError);
    const error = (() => {
      try {
        server.client(PREVIEW).listEntraAssignments().byPage({ continuationToken: token() });
      } catch (caught) {
        return caught as Error & { statusCode: number; code: string };
      }
      return undefined;
    })();
    expect({ name: error?.name, message: error?.message, statusCode: error?.statusCode, code: error?.code }).toStrictEqual(refusal());
    expect(server.received).toStrictEqual([]);
    expect(elsewhere.received).toStrictEqual([]);
  });

  it("a protocol-relative nextLink from the service resolves to the other origin and is refused", async () => {
    threePages(() => `//${new URL(elsewhere.origin).host}${PATH}?skipToken=2`);
    expect(await refusedWith(() => all(server.client(PREVIEW).listEntraAssignments()))).toStrictEqual(refusal());
    expect(elsewhere.received).toStrictEqual([]);
  });
});

describe("byPage settings, checked when byPage is called", () => {
  const byPage = (settings: unknown) => () =>
    server
      .client(PREVIEW)
      .listEntraAssignments()
      .byPage(settings as never);
  it.each([
    [
      "a continuationToken that is not a string",
      { continuationToken: 2 },
      v400("TypeError", "continuationToken must be a string: a page's continuationToken."),
    ],
    ["maxPageSize", { maxPageSize: 10 }, v400("RangeError", "maxPageSize is not supported: the service chooses the page size.")],
    ["settings that are not an object", "next", v400("TypeError", "Options must be an object (or left out).")],
  ])("%s", async (_what, settings, expected) => {
    expect(await refusedWith(byPage(settings))).toStrictEqual(expected);
    expect(server.received).toStrictEqual([]);
  });

  it.each(["", "nextLink", "/access/entra/assignments?skipToken=2", "not a url at all"])(
    "a continuationToken that is not an absolute URL: %j",
    async (token) => {
      expect(await refusedWith(byPage({ continuationToken: token }))).toStrictEqual(
        v400(
          "RangeError",
          `A next page's link (continuationToken) must be an absolute URL on ${server.origin}: elsewhere, the request would carry this client's credentials.`,
        ),
      );
      expect(server.received).toStrictEqual([]);
    },
  );
});

describe("the service's answers", () => {
  it.each([
    [5, "a nextLink that is not a URL"],
    [{ href: "x" }, "a nextLink that is not a URL"],
    ["http://[", "a nextLink that is not a URL"],
  ])("a nextLink of %j fails the page with PARSE_ERROR", async (nextLink, what) => {
    server.reply = () => [200, { value: ITEMS, nextLink }];
    const error = (await all(server.client(PREVIEW).listEntraAssignments()).catch((caught: unknown) => caught)) as {
      message: string;
      code: string;
    };
    expect({ message: error.message, code: error.code }).toStrictEqual({
      message: `The service answered 200 with ${what}; this client cannot read it.`,
      code: "PARSE_ERROR",
    });
  });

  it("an empty or null nextLink ends the list", async () => {
    for (const nextLink of ["", null]) {
      server.reply = () => [200, { value: ITEMS, nextLink }];
      const pages = await all(server.client(PREVIEW).listEntraAssignments().byPage());
      expect(pages.map((page) => [...page])).toStrictEqual([ITEMS]);
    }
  });

  it("a failed page rejects the iteration with the service's error, after the earlier pages' items", async () => {
    server.reply = ({ url }) =>
      url === URLS[0]
        ? [200, { value: ITEMS.slice(0, 2), nextLink: "assignments?skipToken=2" }]
        : [503, { error: { code: "Busy", message: "busy" } }];
    const seen: EntraAssignment[] = [];
    const error = (await (async () => {
      for await (const item of server.client(PREVIEW).listEntraAssignments()) seen.push(item);
    })().catch((caught: unknown) => caught)) as { statusCode: number; code: string };
    expect(seen).toStrictEqual(ITEMS.slice(0, 2));
    expect({ statusCode: error.statusCode, code: error.code }).toStrictEqual({ statusCode: 503, code: "Busy" });
  });
});

describe("options apply to every page", () => {
  it("onResponse is called once per page, with that page's response", async () => {
    const calls: Array<[string, unknown]> = [];
    const onResponse = (raw: FullOperationResponse) => void calls.push([raw.request.url, raw.parsedBody?.value?.length]);
    await all(server.client(PREVIEW).listEntraAssignments({ onResponse }));
    expect(calls).toStrictEqual(URLS.map((url, index) => [`${server.origin}${url}`, [2, 2, 1][index]]));
  });

  it("requestOptions.customHeaders go with every page", async () => {
    await all(server.client(PREVIEW).listEntraAssignments({ requestOptions: { customHeaders: { "x-app-tag": "pages" } } }));
    expect(server.received.map(({ headers }) => headers["x-app-tag"])).toStrictEqual(["pages", "pages", "pages"]);
  });

  it("abortSignal stops the iteration before the next page is sent", async () => {
    const controller = new AbortController();
    const iterator = server.client(PREVIEW).listEntraAssignments({ abortSignal: controller.signal });
    await iterator.next();
    await iterator.next();
    controller.abort();
    const error = (await iterator.next().catch((caught: unknown) => caught)) as Error;
    expect(error.name).toBe("AbortError");
    expect(server.received).toHaveLength(1);
  });
});

describe("the types", () => {
  it("are those of @azure/core-paging: its iterator type takes ours (tsconfig.test.json type-checks this)", async () => {
    const iterator: CorePagingIterator<EntraAssignment, EntraAssignment[], CorePageSettings> = server
      .client(PREVIEW)
      .listEntraAssignments();
    const pages: EntraAssignment[][] = [];
    for await (const page of iterator.byPage({ continuationToken: undefined })) pages.push(page);
    expect(pages.flat()).toStrictEqual(ITEMS);
  });
});
