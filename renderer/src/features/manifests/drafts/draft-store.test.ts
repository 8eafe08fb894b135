import { describe, expect, it } from 'vitest';
import { createDraftStore, type Draft, type DraftLimits, type DraftStorage } from './draft-store';
import { decideRestore } from './restore-decision';

/** localStorage as the browser has it: strings only, and a quota (in characters of keys and values). */
class MemoryStorage implements DraftStorage {
  readonly items = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    const used = [...this.items].reduce((sum, [k, v]) => sum + (k === key ? 0 : k.length + v.length), 0);
    if (used + key.length + value.length > this.quota) throw new DOMException('full', 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const LIMITS: DraftLimits = { maxChars: 100, totalChars: 250, maxDrafts: 3, maxAgeMs: 1000 };
const ROOT = '/work/edge-solution';

function harness(storage = new MemoryStorage(), limits = LIMITS) {
  const clock = { now: 10_000 };
  const store = createDraftStore(storage, limits, () => clock.now);
  const draft = (path: string, text = `text of ${path}`, root = ROOT): Draft => ({ root, path, text, baseVersion: 'v1', savedAt: clock.now });
  return { storage, store, clock, draft };
}

describe('draft store', () => {
  it('keeps a draft per folder and file, and gives it back as it was', () => {
    const { store, draft } = harness();
    expect(store.save(draft('deployment.template.json'))).toBe('saved');
    expect(store.save(draft('deployment.template.json', 'other folder', '/work/other'))).toBe('saved');
    expect(store.load(ROOT, 'deployment.template.json')).toEqual(draft('deployment.template.json'));
    expect(store.load('/work/other', 'deployment.template.json')?.text).toBe('other folder');
    expect(store.load(ROOT, '.env')).toBeUndefined();
    expect(store.list(ROOT).map((d) => d.path)).toEqual(['deployment.template.json']);
  });

  it('replaces the previous draft of a file, and forgets it on remove', () => {
    const { store, draft, clock } = harness();
    store.save(draft('a.json', 'first'));
    clock.now += 10;
    store.save(draft('a.json', 'second'));
    expect(store.load(ROOT, 'a.json')?.text).toBe('second');
    expect(store.list(ROOT)).toHaveLength(1);
    store.remove(ROOT, 'a.json');
    expect(store.load(ROOT, 'a.json')).toBeUndefined();
    expect(store.list(ROOT)).toEqual([]);
  });

  it('does not keep a draft over the size limit, and drops the older one of that file', () => {
    const { store, draft } = harness();
    store.save(draft('big.json', 'small at first'));
    expect(store.save(draft('big.json', 'x'.repeat(101)))).toBe('too-large');
    expect(store.load(ROOT, 'big.json')).toBeUndefined();
  });

  it('drops the oldest drafts beyond the count and the total size', () => {
    const { store, draft, clock } = harness();
    for (const path of ['1', '2', '3', '4']) {
      store.save(draft(path));
      clock.now += 10;
    }
    expect(store.list(ROOT).map((d) => d.path)).toEqual(['2', '3', '4']);
    expect(store.load(ROOT, '1')).toBeUndefined();
    store.save(draft('big', 'y'.repeat(100)));
    store.save(draft('bigger', 'z'.repeat(100)));
    // 250 characters at most: the two big ones and nothing else fit beside a third of 100.
    expect(store.list(ROOT).map((d) => d.path)).toEqual(['4', 'big', 'bigger']);
    store.save(draft('last', 'w'.repeat(100)));
    expect(store.list(ROOT).map((d) => d.path)).toEqual(['bigger', 'last']);
  });

  it('makes room when the origin quota is full, and says when there is none', () => {
    const storage = new MemoryStorage(900); // room for the other data and about three drafts of 100
    const { store, draft, clock } = harness(storage, { ...LIMITS, totalChars: 10_000, maxDrafts: 10, maxChars: 1000 });
    storage.setItem('someone-else', 'q'.repeat(200));
    store.save(draft('a', 'a'.repeat(100)));
    clock.now += 10;
    store.save(draft('b', 'b'.repeat(100)));
    clock.now += 10;
    expect(store.save(draft('c', 'c'.repeat(100)))).toBe('saved');
    expect(store.list(ROOT).map((d) => d.path)).toEqual(['b', 'c']);
    expect(store.save(draft('d', 'd'.repeat(700)))).toBe('no-room');
    expect(store.load(ROOT, 'd')).toBeUndefined();
    expect(storage.getItem('someone-else')).toHaveLength(200);
  });

  it('drops drafts older than the age limit', () => {
    const { store, draft, clock } = harness();
    store.save(draft('old'));
    clock.now += 500;
    store.save(draft('newer'));
    clock.now += 600;
    expect(store.load(ROOT, 'old')).toBeUndefined();
    expect(store.list(ROOT).map((d) => d.path)).toEqual(['newer']);
  });

  it('ignores what it did not write (bad JSON, another shape)', () => {
    const { store, storage, draft } = harness();
    store.save(draft('a.json'));
    const key = [...storage.items.keys()].find((k) => k.includes('a.json')) ?? '';
    storage.items.set(key, '{"root": 1}');
    expect(store.load(ROOT, 'a.json')).toBeUndefined();
    storage.items.set('gatehouse.drafts.v1', 'not json');
    expect(store.list(ROOT)).toEqual([]);
    expect(store.save(draft('b.json'))).toBe('saved');
  });

  it('keeps nothing without storage', () => {
    const store = createDraftStore(null);
    expect(store.save({ root: ROOT, path: 'a', text: 'x', baseVersion: 'v', savedAt: 1 })).toBe('no-room');
    expect(store.load(ROOT, 'a')).toBeUndefined();
  });
});

describe('restore decision', () => {
  const draft: Draft = { root: ROOT, path: 'a.json', text: 'edited', baseVersion: 'v1', savedAt: 1 };
  it.each([
    ['no draft', undefined, { text: 'x', version: 'v1' }, { kind: 'none' }],
    ['the file says what the draft says', draft, { text: 'edited', version: 'v2' }, { kind: 'drop' }],
    ['the file is as the edits found it', draft, { text: 'original', version: 'v1' }, { kind: 'restore', disk: 'same' }],
    ['the file changed on disk since', draft, { text: 'changed elsewhere', version: 'v2' }, { kind: 'restore', disk: 'changed' }],
    ['the file is gone', draft, null, { kind: 'restore', disk: 'deleted' }],
    ['a draft of a deleted file, which is back', { ...draft, baseVersion: null }, { text: 'back', version: 'v3' }, { kind: 'restore', disk: 'changed' }],
  ] as const)('%s', (_what, d, disk, expected) => {
    expect(decideRestore(d, disk)).toEqual(expected);
  });
});
