import { z } from 'zod';

/**
 * Unsaved edits of workspace files kept in the browser (localStorage of the console's origin; in Electron, of
 * app://), so that a reload, a crash or a restarted console does not lose them. One item per file, keyed by
 * folder root and path, with the content version the edits started from; a small index lists them for the
 * bounds: a draft over `maxChars` is not kept, the oldest go first beyond `maxDrafts` or `totalChars`, and
 * drafts older than `maxAgeMs` are dropped. Storage is a boundary: what is read back is validated.
 */
export interface Draft {
  readonly root: string;
  readonly path: string;
  readonly text: string;
  /** The content version on disk the edits started from; null when the file was deleted on disk. */
  readonly baseVersion: string | null;
  /** When the draft was written (epoch ms). */
  readonly savedAt: number;
}

export interface DraftInfo {
  readonly root: string;
  readonly path: string;
  readonly savedAt: number;
}

export type SaveOutcome = 'saved' | 'too-large' | 'no-room';

export interface DraftStore {
  /** Keeps `draft`, replacing the file's previous one; a draft too large to keep removes the previous one. */
  save(draft: Draft): SaveOutcome;
  load(root: string, path: string): Draft | undefined;
  remove(root: string, path: string): void;
  /** The drafts of one folder, oldest first. */
  list(root: string): readonly DraftInfo[];
}

/** What the store needs of `localStorage` (the tests pass a fake with a quota). */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface DraftLimits {
  readonly maxChars: number;
  readonly totalChars: number;
  readonly maxDrafts: number;
  readonly maxAgeMs: number;
}

/** localStorage holds about 5 M characters per origin: drafts take at most 3 M of it. Manifests are a few KB. */
export const DRAFT_LIMITS: DraftLimits = { maxChars: 1_000_000, totalChars: 3_000_000, maxDrafts: 20, maxAgeMs: 30 * 24 * 3600_000 };

const INDEX_KEY = 'gatehouse.drafts.v1';
const itemKey = (root: string, path: string) => `gatehouse.draft.v1:${JSON.stringify([root, path])}`;

const StoredDraft = z.object({ root: z.string(), path: z.string(), text: z.string(), baseVersion: z.string().nullable(), savedAt: z.number() });
const IndexEntry = z.object({ root: z.string(), path: z.string(), savedAt: z.number(), size: z.number().int().nonnegative() });
type IndexEntry = z.infer<typeof IndexEntry>;
const StoredIndex = z.array(IndexEntry);

function parse<T>(schema: z.ZodType<T>, text: string | null): T | undefined {
  if (text === null) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** `storage` null (storage disabled or unavailable): a store that keeps nothing. */
export function createDraftStore(storage: DraftStorage | null, limits: DraftLimits = DRAFT_LIMITS, now: () => number = Date.now): DraftStore {
  if (!storage) return { save: () => 'no-room', load: () => undefined, remove: () => undefined, list: () => [] };
  const store = storage;
  const same = (e: IndexEntry, root: string, path: string) => e.root === root && e.path === path;

  /** The index without expired drafts (whose items go too). */
  function readIndex(): IndexEntry[] {
    const entries = parse(StoredIndex, store.getItem(INDEX_KEY)) ?? [];
    const oldest = now() - limits.maxAgeMs;
    const expired = entries.filter((e) => e.savedAt < oldest);
    for (const e of expired) store.removeItem(itemKey(e.root, e.path));
    return expired.length ? entries.filter((e) => e.savedAt >= oldest) : entries;
  }

  function writeIndex(entries: readonly IndexEntry[]): boolean {
    try {
      if (entries.length === 0) store.removeItem(INDEX_KEY);
      else store.setItem(INDEX_KEY, JSON.stringify(entries));
      return true;
    } catch {
      return false;
    }
  }

  /** Drops the oldest draft to make room; false when there is none left to drop. */
  function evictOldest(entries: IndexEntry[]): boolean {
    if (entries.length === 0) return false;
    const oldest = entries.reduce((a, b) => (b.savedAt < a.savedAt ? b : a));
    entries.splice(entries.indexOf(oldest), 1);
    store.removeItem(itemKey(oldest.root, oldest.path));
    return true;
  }

  function remove(root: string, path: string): void {
    store.removeItem(itemKey(root, path));
    const entries = readIndex();
    const rest = entries.filter((e) => !same(e, root, path));
    if (rest.length !== entries.length) writeIndex(rest);
  }

  return {
    save(draft) {
      if (draft.text.length > limits.maxChars) {
        remove(draft.root, draft.path);
        return 'too-large';
      }
      const entries = readIndex().filter((e) => !same(e, draft.root, draft.path));
      const size = draft.text.length;
      const full = () => entries.length >= limits.maxDrafts || entries.reduce((sum, e) => sum + e.size, 0) + size > limits.totalChars;
      while (full() && evictOldest(entries));
      const key = itemKey(draft.root, draft.path);
      const value = JSON.stringify({ root: draft.root, path: draft.path, text: draft.text, baseVersion: draft.baseVersion, savedAt: draft.savedAt });
      for (;;) {
        try {
          store.setItem(key, value);
          break;
        } catch {
          // Over the origin's quota (other data shares it): make room, or give up.
          if (!evictOldest(entries)) {
            store.removeItem(key);
            writeIndex(entries);
            return 'no-room';
          }
        }
      }
      entries.push({ root: draft.root, path: draft.path, savedAt: draft.savedAt, size });
      if (writeIndex(entries)) return 'saved';
      store.removeItem(key);
      return 'no-room';
    },
    load(root, path) {
      const draft = parse(StoredDraft, store.getItem(itemKey(root, path)));
      if (!draft || draft.root !== root || draft.path !== path) return undefined;
      if (draft.savedAt < now() - limits.maxAgeMs) {
        remove(root, path);
        return undefined;
      }
      return draft;
    },
    remove,
    list(root) {
      return readIndex()
        .filter((e) => e.root === root)
        .sort((a, b) => a.savedAt - b.savedAt)
        .map(({ root: r, path, savedAt }) => ({ root: r, path, savedAt }));
    },
  };
}

/** Where localStorage works; null where it is disabled (the store then keeps nothing). */
export function browserStorage(): DraftStorage | null {
  try {
    const storage = window.localStorage;
    storage.getItem(INDEX_KEY);
    return storage;
  } catch {
    return null;
  }
}
