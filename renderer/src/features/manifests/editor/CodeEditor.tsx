import { Spinner } from '@fluentui/react-components';
import Editor from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import type { WorkspaceInfo } from '../../../../../shared/ipc/workspace.contract';
import { useManifests, type RevealRequest } from '../manifests-store';
import { fileUri } from './models';
import { BASE_OPTIONS, monaco } from './monaco-setup';
import { useThemeMode } from './use-theme-mode';

/** Puts the cursor at a reveal request, or selects its range (a route clicked in the graph). */
function reveal(editor: monaco.editor.IStandaloneCodeEditor, request: RevealRequest): void {
  if (request.end) {
    const range = new monaco.Range(request.line, request.column, request.end.line, request.end.column);
    editor.setSelection(range);
    editor.revealRangeInCenterIfOutsideViewport(range);
  } else {
    editor.setPosition({ lineNumber: request.line, column: request.column });
    editor.revealPositionInCenter({ lineNumber: request.line, column: request.column });
  }
}

/**
 * The Monaco editor on the model of the active file (the model outlives the widget). Ctrl/Cmd+S saves; a
 * reveal request (a click in Problems, a route in the graph) moves the cursor or selects there. The current
 * selection is mirrored in `data-selection` ("line:column-line:column") for tests and tools.
 */
export function CodeEditor({ workspace, path, onSave }: { workspace: WorkspaceInfo; path: string; onSave: (path: string) => void }) {
  const mode = useThemeMode();
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const pathRef = useRef(path);
  const saveRef = useRef(onSave);
  pathRef.current = path;
  saveRef.current = onSave;
  const request = useManifests((s) => s.reveal);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !request || request.path !== path) return;
    reveal(editor, request);
    editor.focus();
    useManifests.getState().consumeReveal();
  }, [request, path]);

  return (
    // `nokey`: the route graph (React Flow) takes Space and Backspace on the document for its own use unless the
    // key comes from inside an element with this class; Monaco's input is not a textarea it would recognise.
    <div ref={boxRef} className="nokey" style={{ height: '100%', minHeight: 0 }} data-testid="code-editor" data-path={path}>
      <Editor
        path={fileUri(workspace.root, path).toString()}
        keepCurrentModel
        theme={mode === 'dark' ? 'gatehouse-dark' : 'gatehouse-light'}
        // Said by screen readers on entering the editor: how to leave it with Tab, and where the commands are.
        options={{ ...BASE_OPTIONS, ariaLabel: `${path}. Ctrl+M: Tab moves the focus out of the editor. Ctrl+K: command palette.` }}
        loading={<Spinner size="small" label="Starting the editor…" />}
        onMount={(editor) => {
          editorRef.current = editor;
          editor.addAction({
            id: 'gatehouse.save',
            label: 'Save',
            keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS],
            run: () => saveRef.current(pathRef.current),
          });
          editor.onDidChangeCursorSelection(({ selection: s }) => {
            if (boxRef.current) boxRef.current.dataset.selection = `${s.startLineNumber}:${s.startColumn}-${s.endLineNumber}:${s.endColumn}`;
          });
          const pending = useManifests.getState().reveal;
          if (pending && pending.path === pathRef.current) {
            reveal(editor, pending);
            useManifests.getState().consumeReveal();
          }
          editor.focus();
        }}
      />
    </div>
  );
}
