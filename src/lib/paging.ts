/**
 * The one NextToken paging loop. `readPage` reads one page (without a token for the first), takes its items, and
 * returns the page's NextToken: absent or empty means that was the last page. At most `maxPages` pages are read;
 * the answer is true when pages were left unread.
 */
export async function readPages(
  readPage: (nextToken: string | undefined) => Promise<string | undefined>,
  maxPages = Infinity,
): Promise<boolean> {
  let nextToken: string | undefined;
  let read = 0;
  do {
    nextToken = (await readPage(nextToken)) || undefined;
    read += 1;
  } while (nextToken !== undefined && read < maxPages);
  return nextToken !== undefined;
}

/** A page's query: the first page's as given, a later page's with `NextToken` added last. */
export function withNextToken<Q extends Record<string, unknown>>(query: Q, nextToken: string | undefined): Q & { NextToken?: string } {
  return nextToken ? { ...query, NextToken: nextToken } : query;
}
