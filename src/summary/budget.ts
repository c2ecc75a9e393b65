/**
 * Keeping a rendered document under a size limit, whatever the fleet size: the job summary (1 MiB per step)
 * and a PR comment (65,536 characters). Pure: the caller renders the parts, this decides how many items of
 * each list fit and says so visibly where some were left out.
 */

/** A list that may be cut: a heading (and table header), items in order of importance, a note for the rest. */
export interface Section {
  /** Always kept: heading, table header. */
  head: string;
  /** Kept from the start while they fit. */
  items: readonly string[];
  /** Between the head and the first item, and between items: "\n" for table rows, "\n\n" for blocks. */
  separator?: string;
  /** The visible note when `omitted` of the items did not fit. */
  more: (omitted: number, total: number) => string;
  /** Always kept, after the items and the note (such as a closing `</details>`). */
  tail?: string;
}

/** A fixed string (always kept) or a section. */
export type Part = string | Section;

/** GitHub rejects a step summary over 1 MiB; keep a margin for what else a step may append. */
export const SUMMARY_BUDGET_BYTES = 1024 * 1024 - 32 * 1024;
/** GitHub rejects a comment body over 65,536 characters; keep a small margin. */
export const COMMENT_BUDGET_CHARS = 65_536 - 512;

export type Measure = (text: string) => number;
export const utf8Bytes: Measure = (text) => Buffer.byteLength(text, 'utf8');
export const characters: Measure = (text) => text.length;

const PART_SEPARATOR = '\n\n';

/**
 * Joins the parts with blank lines, keeping every fixed part and as many items of each section as fit in
 * `budget`. Space is shared fairly: a section that needs less than an equal share gets all it needs, the
 * rest split what is left. The result never measures more than `budget`.
 */
export function fitToBudget(parts: readonly Part[], budget: number, measure: Measure = utf8Bytes): string {
  const sections = parts.filter((p): p is Section => typeof p !== 'string');
  const sepLen = measure(PART_SEPARATOR);
  let fixed = Math.max(0, parts.length - 1) * sepLen;
  for (const p of parts) {
    if (typeof p === 'string') fixed += measure(p);
    else fixed += measure(p.head) + measure(PART_SEPARATOR + p.more(p.items.length, p.items.length)) + tailCost(p, measure);
  }
  const itemCosts = sections.map((s) => s.items.map((item) => measure(item) + measure(s.separator ?? '\n')));
  const allowances = share(
    itemCosts.map((costs) => costs.reduce((a, b) => a + b, 0)),
    Math.max(0, budget - fixed),
  );
  const kept = new Map<Section, number>();
  sections.forEach((s, i) => {
    const costs = itemCosts[i] ?? [];
    let used = 0;
    let n = 0;
    while (n < costs.length && used + (costs[n] ?? 0) <= (allowances[i] ?? 0)) used += costs[n++] ?? 0;
    kept.set(s, n);
  });
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const n = kept.get(p) ?? 0;
      const sep = p.separator ?? '\n';
      const body = p.items.slice(0, n);
      const rendered = body.length > 0 ? `${p.head}${sep}${body.join(sep)}` : p.head;
      const noted = n < p.items.length ? `${rendered}${PART_SEPARATOR}${p.more(p.items.length - n, p.items.length)}` : rendered;
      return p.tail === undefined ? noted : `${noted}${PART_SEPARATOR}${p.tail}`;
    })
    .join(PART_SEPARATOR);
  return measure(text) <= budget ? text : hardCut(text, budget, measure);
}

function tailCost(section: Section, measure: Measure): number {
  return section.tail === undefined ? 0 : measure(PART_SEPARATOR + section.tail);
}

/** Water-filling: each need gets at most an equal share of what is left; unused share goes to the others. */
export function share(needs: readonly number[], available: number): number[] {
  const out = needs.map(() => 0);
  const order = needs.map((need, i) => ({ need, i })).sort((a, b) => a.need - b.need);
  let left = available;
  order.forEach(({ need, i }, k) => {
    const fair = Math.floor(left / (order.length - k));
    const given = Math.min(need, fair);
    out[i] = given;
    left -= given;
  });
  return out;
}

const CUT_NOTE = '\n\n**… cut here: the document reached its size limit. The report file has everything.**\n';

/** Last resort when even the fixed parts are too big: cut on a code point boundary and say so. */
function hardCut(text: string, budget: number, measure: Measure): string {
  const room = budget - measure(CUT_NOTE);
  if (room <= 0) return '';
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(chars.slice(0, mid).join('')) <= room) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('') + CUT_NOTE;
}
