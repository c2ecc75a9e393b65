import { describe, expect, it } from 'vitest';
import { PAGE_SLACK, pagesFor, readPages, withNextToken } from '../../../src/lib/paging.js';

/** Pages whose NextTokens are given in turn; records the token each read was asked with. */
function pages(
  ...tokens: Array<string | undefined>
): ((nextToken: string | undefined) => Promise<string | undefined>) & { asked: Array<string | undefined> } {
  const asked: Array<string | undefined> = [];
  return Object.assign(
    (nextToken: string | undefined) => {
      asked.push(nextToken);
      return Promise.resolve(tokens[asked.length - 1]);
    },
    { asked },
  );
}

describe('readPages', () => {
  it('reads every page, the first without a token and each later one with the token before it', async () => {
    const read = pages('t1', 't2', undefined);
    await expect(readPages(read, 10)).resolves.toBe(false);
    expect(read.asked).toEqual([undefined, 't1', 't2']);
  });

  it('takes an empty NextToken as the last page', async () => {
    const read = pages('t1', '', 't3');
    await expect(readPages(read, 10)).resolves.toBe(false);
    expect(read.asked).toHaveLength(2);
  });

  it('stops at the page limit and says pages were left unread', async () => {
    const read = pages('t1', 't2', 't3', undefined);
    await expect(readPages(read, 2)).resolves.toBe(true);
    expect(read.asked).toEqual([undefined, 't1']);
  });

  it('says nothing was left when the last page falls on the limit', async () => {
    const read = pages('t1', undefined);
    await expect(readPages(read, 2)).resolves.toBe(false);
    expect(read.asked).toHaveLength(2);
  });

  it('stops on a NextToken it has seen before, and says the listing was cut (issue 13, item 4)', async () => {
    const read = pages('t1', 't2', 't1', 't2', undefined);
    await expect(readPages(read, 100)).resolves.toBe(true);
    expect(read.asked).toEqual([undefined, 't1', 't2']);
  });

  it('refuses an unbounded page limit', async () => {
    await expect(readPages(pages(undefined), Infinity)).rejects.toThrow(/finite page limit/);
  });

  it('pagesFor: the pages a request can take, plus slack', () => {
    expect(pagesFor(100, 100)).toBe(1 + PAGE_SLACK);
    expect(pagesFor(101, 100)).toBe(2 + PAGE_SLACK);
    expect(pagesFor(0, 100)).toBe(PAGE_SLACK);
  });

  it('passes a failed page on', async () => {
    const boom = new Error('page 2 failed');
    let calls = 0;
    const read = (): Promise<string | undefined> => (++calls === 2 ? Promise.reject(boom) : Promise.resolve(`t${calls}`));
    await expect(readPages(read, 10)).rejects.toBe(boom);
    expect(calls).toBe(2);
  });
});

describe('withNextToken', () => {
  it('adds NextToken last, and only when there is one', () => {
    const query = { InstanceIds: '["i-1"]', MaxResults: 100 };
    expect(withNextToken(query, undefined)).toEqual(query);
    expect(Object.keys(withNextToken(query, ''))).toEqual(['InstanceIds', 'MaxResults']);
    expect(Object.entries(withNextToken(query, 'abc'))).toEqual([...Object.entries(query), ['NextToken', 'abc']]);
  });
});
