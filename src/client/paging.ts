/**
 * Paging as Azure SDK clients page: `for await` over the items, or `byPage()` over the pages,
 * each page followed by the service's `nextLink`. The types are a structural copy of
 * `@azure/core-paging`'s (with `ContinuablePage` from the generated clients' paging helper), so
 * that code written against those compiles here, without the dependency.
 */
import { checkOptions, refusal } from "./validation.js";

/** Where {@link PagedAsyncIterableIterator.byPage} starts. */
export interface PageSettings {
  /** A page's `continuationToken`: start at the page after it. @defaultValue the first page */
  continuationToken?: string;
  /** Not supported: the service chooses the page size; any value is refused with a `RangeError`. */
  maxPageSize?: number;
}

/** A page of items with the token that continues after it (`undefined` on the last page). */
export type ContinuablePage<TElement, TPage = TElement[]> = TPage & {
  /** The next page's link, for `byPage({ continuationToken })`; `undefined` on the last page. */
  continuationToken?: string;
};

/** Items one by one (`for await`), or page by page (`byPage()`). */
export interface PagedAsyncIterableIterator<TElement, TPage = TElement[], TPageSettings extends PageSettings = PageSettings> {
  /** The next item, part of the iteration protocol. */
  next(): Promise<IteratorResult<TElement>>;
  /** The iterator itself, so that it works with `for await`. */
  [Symbol.asyncIterator](): PagedAsyncIterableIterator<TElement, TPage, TPageSettings>;
  /**
   * The pages, each with its `continuationToken`, from the first or from `settings.continuationToken`.
   *
   * @throws TypeError or RangeError when the settings are not usable (see {@link PageSettings}).
   */
  byPage: (settings?: TPageSettings) => AsyncIterableIterator<ContinuablePage<TElement, TPage>>;
}

/**
 * The pages from `first` on: each fetched by `getPage` with the path (and query) to request, each
 * next one from the previous page's `continuationToken`, an absolute URL that must be on `origin`:
 * a request elsewhere would carry this client's signature or token there. The link's own
 * `api-version` is dropped, so that every page is requested with the client's.
 *
 * @internal
 */
export function pagedIterator<T>(
  origin: string,
  first: string,
  getPage: (path: string) => Promise<ContinuablePage<T>>,
): PagedAsyncIterableIterator<T> {
  const pathOf = (link: unknown): string => {
    if (typeof link !== "string") throw refusal(new TypeError("continuationToken must be a string: a page's continuationToken."));
    const url = URL.canParse(link) ? new URL(link) : undefined;
    if (url?.origin !== origin) {
      throw refusal(
        new RangeError(
          `A next page's link (continuationToken) must be an absolute URL on ${origin}: elsewhere, the request would carry this client's credentials.`,
        ),
      );
    }
    const query = url.search
      .slice(1)
      .split("&")
      .filter((part) => part && !part.startsWith("api-version="));
    return url.pathname + (query.length ? `?${query.join("&")}` : "");
  };
  async function* pages(path: string): AsyncGenerator<ContinuablePage<T>> {
    let page = await getPage(path);
    yield page;
    while (page.continuationToken) yield (page = await getPage(pathOf(page.continuationToken)));
  }
  async function* items(): AsyncGenerator<T> {
    for await (const page of pages(first)) yield* page;
  }
  const iterator = items();
  return {
    next: () => iterator.next(),
    [Symbol.asyncIterator]() {
      return this;
    },
    byPage(settings: PageSettings = {}) {
      checkOptions(settings);
      if (settings.maxPageSize !== undefined)
        throw refusal(new RangeError("maxPageSize is not supported: the service chooses the page size."));
      return pages(settings.continuationToken === undefined ? first : pathOf(settings.continuationToken));
    },
  };
}
