/**
 * Routes under hostile input (issue 9, part 8): the cost of a route must not grow with what follows its
 * first error, nor faster than its length. Shapes are generated, not stored.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileCondition, compileRoute } from './index';
import { Lexer, tokenize } from './lexer';

afterEach(() => vi.restoreAllMocks());

describe('the lexer stops at the first error', () => {
  it.each([
    ['a keyword out of place', `INTO ${'a '.repeat(200_000)}`, 1],
    ['a source that is not a path', `FROM nowhere ${'/* '.repeat(100_000)}`, 6],
    ['a condition that ends early', `FROM /messages WHERE a = ${'/* '.repeat(100_000)}`, 26],
  ])('%s: only the tokens the parser looked at are lexed', (_, route, column) => {
    const next = vi.spyOn(Lexer.prototype, 'next');
    const compiled = compileRoute(route);
    expect(compiled.ok).toBe(false);
    expect(compiled.ok ? 0 : compiled.error.column).toBe(column);
    expect(next.mock.calls.length).toBeLessThan(10);
  });

  it('a condition is lexed lazily too', () => {
    const next = vi.spyOn(Lexer.prototype, 'next');
    expect(compileCondition(`) ${'x '.repeat(100_000)}`).ok).toBe(false);
    expect(next.mock.calls.length).toBeLessThan(5);
  });
});

describe('linear in the route length', () => {
  it('100,000 unclosed comment openers after the sink: ignored text, warned about, lexed once', () => {
    // Each `/*` used to search the rest of the text for `*/`: quadratic (40,000 took 5 s).
    const compiled = compileRoute(`FROM /messages INTO $upstream ${'/* '.repeat(100_000)}`);
    expect(compiled.ok).toBe(true);
    expect(compiled.ok && compiled.value.warnings[0]?.message).toMatch(/text after the sink at column 31 is ignored/);
  });

  it('a comment still runs to the first closing */', () => {
    const kinds = (text: string) => tokenize(text).map((t) => `${t.kind}:${t.text}`);
    expect(kinds('a /* x */ b /* y')).toEqual(['ID:a', 'ID:b', 'DIV:/', 'MUL:*', 'ID:y', 'EOF:']);
    expect(kinds('a /* /* x */ b */')).toEqual(['ID:a', 'ID:b', 'MUL:*', 'DIV:/', 'EOF:']);
    expect(kinds('*/ a /* b')).toEqual(['MUL:*', 'DIV:/', 'ID:a', 'DIV:/', 'MUL:*', 'ID:b', 'EOF:']);
    expect(kinds('/*/ a')).toEqual(['DIV:/', 'MUL:*', 'DIV:/', 'ID:a', 'EOF:']);
  });

  it('16,000 routes naming undeployed modules compile one by one', () => {
    for (let i = 0; i < 16_000; i++) {
      const compiled = compileRoute(`FROM /messages/modules/ghost${i}/outputs/* INTO BrokeredEndpoint("/modules/phantom${i}/inputs/in")`);
      expect(compiled.ok && compiled.value.references.sourceModule).toBe(`ghost${i}`);
    }
  });
});
