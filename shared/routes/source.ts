/**
 * Route sources. edgeHub turns the source text into a prefix (`CustomMessageSource.Create` + `BaseMessageSource`):
 * trim, drop trailing `*`, then trailing `/` (unless the text is a single character), and append exactly one
 * `/`. A message matches when its own source plus one trailing `/` starts with that prefix, ignoring case.
 * So `*` is not a glob: only trailing stars are removed, and `/messages/modules/m1` does NOT match module
 * `m10` (the appended `/` stops it), while `/messages/modules/m*` matches only a module named `m`.
 */
import type { RouteNode } from './ast';
import { withSingleTrailingSlash } from './message-context';
import { equalsIgnoreCase, foldCase } from './text';
import type { RouteSource, RouteWarning } from './types';

/** The prefix edgeHub matches message sources against, e.g. `/messages/modules/m1/`. */
export function normalizeSource(text: string): string {
  let source = text.trim().replace(/\*+$/, '');
  if (source.length > 1) source = source.replace(/\/+$/, '');
  return withSingleTrailingSlash(source);
}

/** Describes what a normalized prefix selects. */
export function classifySource(text: string): RouteSource {
  const prefix = normalizeSource(text);
  const parts = prefix.split('/').filter((p) => p !== '');
  const is = (i: number, word: string) => parts[i] !== undefined && equalsIgnoreCase(parts[i] as string, word);
  const base = { text, prefix, foldedPrefix: foldCase(prefix) };
  if (parts.some((p) => p.includes('*'))) return { ...base, kind: 'other' };
  if (parts.length === 0) return { ...base, kind: 'all' };
  if (parts.length === 1 && is(0, 'twinChangeNotifications')) return { ...base, kind: 'twinChangeNotifications' };
  if (!is(0, 'messages')) return { ...base, kind: 'other' };
  if (parts.length === 1) return { ...base, kind: 'allMessages' };
  if (!is(1, 'modules')) return { ...base, kind: 'other' };
  const module = parts[2];
  if (module === undefined) return { ...base, kind: 'allModules' };
  if (parts.length === 3) return { ...base, kind: 'module', module };
  if (!is(3, 'outputs')) return { ...base, kind: 'other' };
  const output = parts[4];
  if (output === undefined) return { ...base, kind: 'moduleOutputs', module };
  if (parts.length === 5) return { ...base, kind: 'moduleOutput', module, output };
  return { ...base, kind: 'other' };
}

/** Whether a message source (with one trailing slash, case-folded) is selected by a case-folded prefix. */
export function sourceMatches(foldedPrefix: string, foldedMessageSource: string): boolean {
  const n = foldedPrefix.length; // >= 1, ends with '/'
  if (n > foldedMessageSource.length || foldedMessageSource.charCodeAt(n - 1) !== 47) return false;
  if (n > 1 && foldedMessageSource.charCodeAt(n - 2) !== foldedPrefix.charCodeAt(n - 2)) return false;
  return foldedMessageSource.lastIndexOf(foldedPrefix, 0) === 0; // starts-with; faster than startsWith in V8
}

/** Warnings for sources that compile but can never (or not as written) match. */
export function sourceWarnings(source: RouteSource, node: RouteNode): RouteWarning[] {
  const column = node.sourceStart + 1;
  const length = node.sourceEnd - node.sourceStart;
  const warnings: RouteWarning[] = [];
  const innerStar = node.pathItems.slice(0, -1).some((item) => item.text.includes('*'))
    || /\*[^*]+$/.test(node.pathItems[node.pathItems.length - 1]?.text ?? '');
  if (innerStar) {
    warnings.push({ message: `'*' in '${source.text}' is not a wildcard: edgeHub only strips trailing '*' and matches the rest literally`, column, length });
  } else if (source.kind === 'other') {
    warnings.push({
      message: `source '${source.text}' never matches: edgeHub message sources are /messages, /messages/modules/<module>, /messages/modules/<module>/outputs/<output> and /twinChangeNotifications`,
      column,
      length,
    });
  }
  const last = node.pathItems[node.pathItems.length - 1]?.text ?? '';
  if (!innerStar && last.length > 1 && last.endsWith('*')) {
    warnings.push({ message: `'${last}' is not a prefix match: edgeHub drops the trailing '*' and matches '${last.replace(/\*+$/, '')}' exactly`, column, length });
  }
  return warnings;
}
