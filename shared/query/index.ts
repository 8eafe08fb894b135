/**
 * The IoT Hub query language (twin queries, deployment target conditions, deployment metric queries), pure:
 *
 *   const q = parseQuery("SELECT deviceId, tags.site FROM devices WHERE capabilities.iotEdge = true");
 *   if (!q.ok) return badRequest(q.error.message);           // e.g. "expected FROM at 14, found 'x'"
 *   const rows = runQuery(q.value, twins);                   // [{deviceId, site}, …] in input order
 *
 *   const c = parseCondition("tags.env='prod' AND properties.reported.lastDesiredStatus.code = 200");
 *   if (c.ok && matchesCondition(c.value, twin)) …;          // '*' matches every document
 *
 * Errors carry a 0-based `offset` and a `length` into the text (squiggles, 400 bodies). Semantics: keywords and
 * function names are case-insensitive; three-valued logic (a missing property or a comparison across JSON types
 * is undefined: neither it nor its NOT matches; IS_DEFINED tells); `<`-style comparisons order numbers and
 * strings only. Texts over 8 KiB and nesting over 64 levels are refused.
 */
export { parseCondition, parseQuery, MAX_NESTING, MAX_QUERY_BYTES } from './parser';
export { matchesCondition, resolvePath } from './evaluate';
export { runQuery } from './run-query';
export type {
  CallExpr, CompareExpr, CompareOp, Condition, Expr, FunctionName, InExpr, Literal, LiteralExpr, LogicalExpr, NotExpr,
  ParsedQuery, PathExpr, QueryError, QuerySource, SelectItem,
} from './ast';
