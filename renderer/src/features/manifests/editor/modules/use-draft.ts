import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * A form field over a value that lives in the editor's text. While the field has focus it shows what is being
 * typed; otherwise it follows the text (an edit in the editor, an undo). What is typed is written to the text
 * when typing pauses (`idleMs`; null = only on blur or Enter) and on blur, so a burst of keys is one edit.
 * `hold(draft)` keeps a draft on screen after blur (an invalid JSON the user still has to fix).
 */
export function useDraft(value: string, commit: (draft: string) => void, idleMs: number | null = 500, hold: (draft: string) => boolean = () => false) {
  const [draft, setDraft] = useState(value);
  const [focused, setFocused] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const commitRef = useRef(commit);
  const holdRef = useRef(hold);
  const draftRef = useRef(draft);
  commitRef.current = commit;
  holdRef.current = hold;
  draftRef.current = draft;

  // Follow the text when it changes or focus leaves (not when the draft changes: that is the user typing).
  useEffect(() => {
    if (!focused && !holdRef.current(draftRef.current)) setDraft(value);
  }, [value, focused]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const flush = useCallback(
    (text: string) => {
      clearTimeout(timer.current);
      if (text !== value) commitRef.current(text);
    },
    [value],
  );

  return {
    draft,
    /** Resets the field to the text's value (e.g. "Revert" on an invalid draft). */
    reset: () => setDraft(value),
    props: {
      value: draft,
      onChange: (_event: unknown, data: { value: string }) => {
        setDraft(data.value);
        clearTimeout(timer.current);
        if (idleMs !== null) timer.current = setTimeout(() => flush(data.value), idleMs);
      },
      onFocus: () => setFocused(true),
      onBlur: () => {
        flush(draft);
        setFocused(false);
      },
      onKeyDown: (event: { key: string; target: unknown }) => {
        if (event.key === 'Enter' && !(event.target instanceof HTMLTextAreaElement)) flush(draft);
      },
    },
  };
}
