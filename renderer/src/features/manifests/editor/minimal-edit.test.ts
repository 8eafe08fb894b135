import { describe, expect, it } from 'vitest';
import { minimalEdit } from './minimal-edit';

function apply(text: string, edit: ReturnType<typeof minimalEdit>): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

describe('minimalEdit', () => {
  it.each([
    ['{ "a": "1.0" }', '{ "a": "1.1" }', { start: 10, end: 11, text: '1' }],
    ['abc', 'abc', { start: 3, end: 3, text: '' }],
    ['{\n  "a": 1\n}', '{\n  "a": 1,\n  "b": 2\n}', { start: 10, end: 10, text: ',\n  "b": 2' }],
    ['aaa', 'aa', { start: 2, end: 3, text: '' }],
    ['', 'x', { start: 0, end: 0, text: 'x' }],
  ])('%j → %j', (before, after, expected) => {
    const edit = minimalEdit(before, after);
    expect(edit).toEqual(expected);
    expect(apply(before, edit)).toBe(after);
  });
});
