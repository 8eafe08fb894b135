import { describe, expect, it } from 'vitest';
import { applyReportedPatch, applyServiceChange, diffSections, emptyTwin, mergeSection, parseServiceTwinBody, setAtPath } from './twin-state';

const NOW = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-01T00:00:05.000Z';

describe('mergeSection', () => {
  const cases: { name: string; section: Record<string, unknown>; patch: Record<string, unknown>; expected: Record<string, unknown> }[] = [
    { name: 'adds keys', section: {}, patch: { a: 1 }, expected: { a: 1 } },
    { name: 'merges nested objects', section: { a: { b: 1, c: 2 } }, patch: { a: { c: 3 } }, expected: { a: { b: 1, c: 3 } } },
    { name: 'null deletes a key', section: { a: { b: 1, c: 2 } }, patch: { a: { b: null } }, expected: { a: { c: 2 } } },
    { name: 'a value replaces an object', section: { a: { b: 1 } }, patch: { a: 5 }, expected: { a: 5 } },
    { name: 'an object replaces a value', section: { a: 5 }, patch: { a: { b: 1 } }, expected: { a: { b: 1 } } },
    { name: 'arrays are values', section: { a: [1, 2] }, patch: { a: [3] }, expected: { a: [3] } },
    { name: 'deleting a missing key is harmless', section: { a: 1 }, patch: { z: null }, expected: { a: 1 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.section);
      expect(mergeSection(c.section, { $lastUpdated: NOW }, c.patch, LATER).section).toEqual(c.expected);
      expect(c.section).toEqual(before);
    });
  }

  it('stamps $metadata on touched keys only, with $lastUpdatedVersion when given', () => {
    const first = mergeSection({}, { $lastUpdated: NOW }, { a: 1, b: { c: 2 } }, NOW, 2);
    const second = mergeSection(first.section, first.metadata, { b: { d: 3 } }, LATER, 3);
    expect(second.metadata).toMatchObject({
      $lastUpdated: LATER,
      $lastUpdatedVersion: 3,
      a: { $lastUpdated: NOW, $lastUpdatedVersion: 2 },
      b: { $lastUpdated: LATER, $lastUpdatedVersion: 3, c: { $lastUpdated: NOW }, d: { $lastUpdated: LATER, $lastUpdatedVersion: 3 } },
    });
  });
});

describe('diffSections', () => {
  it('is the merge patch from one section to another', () => {
    const from = { a: 1, b: { c: 2, d: 3 }, e: 'x' };
    const to = { a: 1, b: { c: 4 }, f: [1] };
    const patch = diffSections(from, to);
    expect(patch).toEqual({ b: { c: 4, d: null }, e: null, f: [1] });
    expect(mergeSection(from, { $lastUpdated: NOW }, patch, NOW).section).toEqual(to);
  });
});

describe('service changes', () => {
  it('PATCH bumps version and desired $version, pushes the difference; tags do not touch desired', () => {
    const twin = emptyTwin(NOW);
    const tagged = applyServiceChange(twin, { tags: { env: 'prod' } }, 'merge', LATER);
    expect(tagged.desiredPush).toBeUndefined();
    expect(tagged.twin).toMatchObject({ version: 2, desiredVersion: 1, tags: { env: 'prod' } });
    const desired = applyServiceChange(tagged.twin, { desired: { a: { b: 1 } } }, 'merge', LATER);
    expect(desired.twin).toMatchObject({ version: 3, desiredVersion: 2, desired: { a: { b: 1 } } });
    expect(desired.desiredPush).toEqual({ a: { b: 1 }, $version: 2 });
  });

  it('PUT replaces tags and desired wholesale', () => {
    const start = applyServiceChange(emptyTwin(NOW), { tags: { a: 1, b: 2 }, desired: { x: 1, y: 2 } }, 'merge', NOW).twin;
    const replaced = applyServiceChange(start, { tags: { a: 9 }, desired: { y: 3 } }, 'replace', LATER);
    expect(replaced.twin.tags).toEqual({ a: 9 });
    expect(replaced.twin.desired).toEqual({ y: 3 });
    expect(replaced.desiredPush).toEqual({ x: null, y: 3, $version: 3 });
  });

  it('parses bodies: null sections clear, reported and non-objects are refused, echoed $ keys dropped', () => {
    expect(parseServiceTwinBody({ tags: null, properties: { desired: null } })).toEqual({ ok: true, value: { tags: null, desired: null } });
    expect(parseServiceTwinBody({ properties: { desired: { $version: 4, $metadata: {}, a: 1 } } })).toEqual({ ok: true, value: { desired: { a: 1 } } });
    expect(parseServiceTwinBody({ properties: { reported: { a: 1 } } }).ok).toBe(false);
    expect(parseServiceTwinBody({ tags: [1] }).ok).toBe(false);
    expect(parseServiceTwinBody('x').ok).toBe(false);
    expect(parseServiceTwinBody({ properties: { desired: { a: { $bad: 1 } } } }).ok).toBe(false);
  });
});

describe('reported and layered paths', () => {
  it('reported patches bump the reported $version and the twin version', () => {
    const twin = applyReportedPatch(emptyTwin(NOW), { a: 1, $version: 99 }, LATER);
    expect(twin).toMatchObject({ reported: { a: 1 }, reportedVersion: 2, version: 2, desiredVersion: 1 });
  });

  it('setAtPath writes below existing objects without touching siblings', () => {
    expect(setAtPath({ routes: { r1: 'x' }, other: 1 }, ['routes', 'r2'], 'y')).toEqual({ routes: { r1: 'x', r2: 'y' }, other: 1 });
    expect(setAtPath({ a: 5 }, ['a', 'b'], 1)).toEqual({ a: { b: 1 } });
  });
});
