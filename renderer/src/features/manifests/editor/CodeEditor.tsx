import { Spinner } from '@fluentui/react-components';
import Editor from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import type { WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { useManifests } from '../manifests-store';
import { fileUri } from './models';
import { BASE_OPTIONS, monaco } from './monaco-setup';
import { useThemeMode } from './use-theme-mode';

/**
 * The Monaco editor on the model of the active file (the model outlives the widget). Ctrl/Cmd+S saves; a
 * reveal request (a click in Problems) moves the cursor there.
 */
export function CodeEditor({ workspace, path, onSave }: { workspace: WorkspaceInfo; path: string; onSave: (path: string) => void }) {
  const mode = useThemeMode();
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const pathRef = useRef(path);
  const saveRef = useRef(onSave);
  pathRef.current = path;
  saveRef.current = onSave;
  const reveal = useManifests((s) => s.reveal);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !reveal || reveal.path !== path) return;
    editor.setPosition({ lineNumber: reveal.line, column: reveal.column });
    editor.revealPositionInCenter({ lineNumber: reveal.line, column: reveal.column });
    editor.focus();
    useManifests.getState().consumeReveal();
  }, [reveal, path]);

  return (
    <div style={{ height: '100%', minHeight: 0 }} data-testid="code-editor" data-path={path}>
      <Editor
        path={fileUri(workspace.root, path).toString()}
        keepCurrentModel
        theme={mode === 'dark' ? 'gatehouse-dark' : 'gatehouse-light'}
        options={BASE_OPTIONS}
        loading={<Spinner size="small" label="Starting the editor…" />}
        onMount={(editor) => {
          editorRef.current = editor;
          editor.addAction({
            id: 'gatehouse.save',
            label: 'Save',
            keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS],
            run: () => saveRef.current(pathRef.current),
          });
          const pending = useManifests.getState().reveal;
          if (pending && pending.path === pathRef.current) {
            editor.setPosition({ lineNumber: pending.line, column: pending.column });
            editor.revealPositionInCenter({ lineNumber: pending.line, column: pending.column });
            useManifests.getState().consumeReveal();
          }
          editor.focus();
        }}
      />
    </div>
  );
}
