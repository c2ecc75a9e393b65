/**
 * The one NextToken paging loop. `readPage` reads one page (without a token for the first), takes its items, and
 * returns the page's NextToken: absent or empty means that was the last page. At most `maxPages` pages are read,
 * and a NextToken seen before ends the loop (a server that hands the same token back would page forever); the
 * answer is true when the listing was cut: pages were left unread, or a token repeated.
 *
 * `maxPages` is required and finite: each caller computes it from what its request can return (`pagesFor`).
 */
export async function readPages(
  readPage: (nextToken: string | undefined) => Promise<string | undefined>,
  maxPages: number,
): Promise<boolean> {
  if (!Number.isFinite(maxPages) || maxPages < 1) throw new RangeError(`readPages needs a finite page limit, not ${maxPages}`);
  const seen = new Set<string>();
  let nextToken: string | undefined;
  let read = 0;
  do {
    nextToken = (await readPage(nextToken)) || undefined;
    read += 1;
    if (nextToken !== undefined) {
      if (seen.has(nextToken)) return true;
      seen.add(nextToken);
    }
  } while (nextToken !== undefined && read < maxPages);
  return nextToken !== undefined;
}

/** Pages beyond the expected count a listing may take before it counts as cut: one for rounding, one spare. */
export const PAGE_SLACK = 2;

/** The page limit for a listing of at most `expectedItems` items in pages of `pageSize`: ceil(n / size) + slack. */
export function pagesFor(expectedItems: number, pageSize: number): number {
  return Math.ceil(Math.max(0, expectedItems) / pageSize) + PAGE_SLACK;
}

/** A page's query: the first page's as given, a later page's with `NextToken` added last. */
export function withNextToken<Q extends Record<string, unknown>>(query: Q, nextToken: string | undefined): Q & { NextToken?: string } {
  return nextToken ? { ...query, NextToken: nextToken } : query;
}
