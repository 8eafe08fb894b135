import type { Draft } from './draft-store';

/**
 * What to do with a file's draft when its editor buffer is first created (after a reload, a crash, a restart):
 *   none     no draft;
 *   drop     the draft says what the file says now: nothing to restore, the draft goes;
 *   restore  put the draft in the editor as unsaved edits, and say what happened on disk meanwhile:
 *            same (still the version the edits started from), changed (another version now: compare, keep mine
 *            or discard), deleted (the file is gone: saving writes it again).
 */
export type RestoreDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'restore'; readonly disk: 'same' | 'changed' | 'deleted' };

/** `disk` is the file as read now, or null when it no longer exists. */
export function decideRestore(draft: Draft | undefined, disk: { readonly text: string; readonly version: string } | null): RestoreDecision {
  if (!draft) return { kind: 'none' };
  if (!disk) return { kind: 'restore', disk: 'deleted' };
  if (draft.text === disk.text) return { kind: 'drop' };
  return { kind: 'restore', disk: draft.baseVersion === disk.version ? 'same' : 'changed' };
}
