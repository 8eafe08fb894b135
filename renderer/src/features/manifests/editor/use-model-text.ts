import { useCallback, useEffect, useRef, useState } from 'react';
import { useManifests } from '../manifests-store';
import { getModel } from './models';
import type { monaco } from './monaco-setup';

/** The editor model of an open file, once its buffer exists (the Workbench's file view creates it). */
export function useOpenModel(root: string, path: string): monaco.editor.ITextModel | null {
  const hasBuffer = useManifests((s) => s.buffers[path] !== undefined);
  return hasBuffer ? getModel(root, path) : null;
}

/**
 * The live text of a model for panels that follow the editor (route graph, modules form): updated `delayMs`
 * after typing stops, so a burst of keystrokes costs one re-read. `flush` reads it now (after the panel's own
 * edit, so the form does not show the old value for a moment).
 */
export function useModelText(model: monaco.editor.ITextModel | null, delayMs = 300) {
  const [text, setText] = useState(() => model?.getValue() ?? '');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    setText(model?.getValue() ?? '');
    if (!model) return;
    const subscription = model.onDidChangeContent(() => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => !model.isDisposed() && setText(model.getValue()), delayMs);
    });
    return () => {
      clearTimeout(timer.current);
      subscription.dispose();
    };
  }, [model, delayMs]);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    if (model && !model.isDisposed()) setText(model.getValue());
  }, [model]);

  return { text, flush };
}
