/**
 * Runs a parsed query over documents: WHERE filter, then projection (`*`, fields keyed by alias or last path
 * segment; missing properties are left out), `COUNT()`, or GROUP BY (one row per group, in order of first
 * appearance, with the grouped properties and the counts). `SELECT *` rows are the input documents themselves
 * (not copies). The caller passes the documents of the query's `source` (device twins or module twins).
 */
import type { ParsedQuery, SelectItem } from './ast';
import { matchesCondition, resolvePath } from './evaluate';

function project(items: readonly SelectItem[], doc: unknown, count: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const item of items) {
    const value = item.kind === 'count' ? count : resolvePath(doc, item.path.segments);
    if (value !== undefined) row[item.alias] = value;
  }
  return row;
}

/** A key telling groups apart: the JSON of each grouped value (`undefined` for a missing one). */
function groupKey(values: readonly unknown[]): string {
  return values.map((v) => (v === undefined ? 'undefined' : JSON.stringify(v))).join('\u0000');
}

/** Filter + projection / COUNT / GROUP BY, in input order. */
export function runQuery(query: ParsedQuery, docs: Iterable<unknown>): unknown[] {
  const matching: unknown[] = [];
  for (const doc of docs) if (query.where === undefined || matchesCondition(query.where, doc)) matching.push(doc);
  const limit = (rows: unknown[]): unknown[] => (query.top === undefined ? rows : rows.slice(0, query.top));
  const { select, groupBy } = query;
  if (select === 'all') return limit(matching);
  if (groupBy !== undefined) {
    const groups = new Map<string, { first: unknown; count: number }>();
    for (const doc of matching) {
      const key = groupKey(groupBy.map((g) => resolvePath(doc, g.segments)));
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { first: doc, count: 1 });
      else group.count++;
    }
    return limit([...groups.values()].map((g) => project(select, g.first, g.count)));
  }
  if (select.some((item) => item.kind === 'count')) return limit([project(select, undefined, matching.length)]);
  return limit(matching.map((doc) => project(select, doc, 0)));
}
