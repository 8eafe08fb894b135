import { useEffect, useRef, useState } from 'react';
import { type Diagnostic, type ManifestKind, type QuickFix, type Severity } from '../../../../../shared/manifest';
import type { ExpandDiagnostic } from '../../../../../shared/ipc/workspace.contract';
import { judgeFile, mayBeManifest } from '../file-kinds';
import { useManifests } from '../manifests-store';
import { applyFix } from './apply-fix';
import { minimalEdit } from './minimal-edit';
import { monaco } from './monaco-setup';

/** One line of the Problems panel: a marker of the model (ours or the JSON worker's), with our fix if any. */
export interface Problem {
  readonly key: string;
  readonly source: string;
  readonly severity: Severity;
  readonly message: string;
  readonly code?: string;
  readonly line: number;
  readonly column: number;
  readonly fix?: QuickFix;
}

export const OWNER = 'gatehouse';
/** Why the template would not expand for Apply (asked of the host: its .env and modules' module.json). */
export const EXPAND_OWNER = 'gatehouse-expand';
const DEBOUNCE_MS = 250;
/** Expanding reads the folder on the host: asked once typing has settled, and only of a template with no errors. */
const EXPAND_DEBOUNCE_MS = 700;

/** Expands the template text on the host; resolves to the diagnostics that stopped it (none: it expands). */
export type ExpandCheck = (text: string) => Promise<readonly ExpandDiagnostic[]>;
/**
 * Syntax errors: on a manifest ours (GH1001, which says what is expected and why) stand in the Problems panel instead
 * of the JSON worker's generic ones; on another JSON file only the worker's show.
 */
const SYNTAX = 'GH1001';

const TO_MARKER: Record<Severity, monaco.MarkerSeverity> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
};

function fromMarker(severity: monaco.MarkerSeverity): Severity {
  if (severity === monaco.MarkerSeverity.Error) return 'error';
  if (severity === monaco.MarkerSeverity.Warning) return 'warning';
  return 'info';
}

type Located = Pick<Diagnostic, 'severity' | 'message' | 'line' | 'column' | 'endLine' | 'endColumn'> & { readonly code: string };

function toMarker(d: Located, source = 'Gatehouse'): monaco.editor.IMarkerData {
  const zeroWidth = d.line === d.endLine && d.column === d.endColumn;
  return {
    severity: TO_MARKER[d.severity],
    message: d.message,
    code: d.code,
    source,
    startLineNumber: d.line,
    startColumn: d.column,
    endLineNumber: d.endLine,
    endColumn: zeroWidth ? d.endColumn + 1 : d.endColumn,
  };
}

/** The last diagnostics of each checked model, for the code actions (keyed by model URI). */
const lastDiagnostics = new Map<string, readonly Diagnostic[]>();

/**
 * Our quick fixes as Monaco code actions (the lightbulb, Ctrl+.): each is titled by what it changes (the fix's
 * title, "Use "1.1"", "Add a $edgeHub twin…") and edits only the text it changes.
 */
monaco.languages.registerCodeActionProvider('json', {
  provideCodeActions(model, _range, context) {
    const known = lastDiagnostics.get(model.uri.toString()) ?? [];
    const actions: monaco.languages.CodeAction[] = [];
    for (const marker of context.markers) {
      if (marker.source !== 'Gatehouse') continue;
      const code = typeof marker.code === 'string' ? marker.code : marker.code?.value;
      const fix = known.find((d) => d.code === code && d.line === marker.startLineNumber && d.column === marker.startColumn)?.fix;
      if (!fix) continue;
      const text = model.getValue();
      let edit;
      try {
        edit = minimalEdit(text, applyFix(text, fix));
      } catch {
        continue;
      }
      const start = model.getPositionAt(edit.start);
      const end = model.getPositionAt(edit.end);
      actions.push({
        title: fix.title,
        kind: 'quickfix',
        diagnostics: [marker],
        isPreferred: true,
        edit: {
          edits: [
            {
              resource: model.uri,
              versionId: model.getVersionId(),
              textEdit: { range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column), text: edit.text },
            },
          ],
        },
      });
    }
    return { actions, dispose: () => undefined };
  },
});

/**
 * Live diagnostics of the open file. Manifests are checked with the shared validateManifest (debounced, the same
 * code main runs before any apply; a template with the variables of its `.env`, `env`) and marked in the editor;
 * the panel lists every marker of the model.
 */
export function useProblems(model: monaco.editor.ITextModel | null, path: string | null, expand?: ExpandCheck, env?: Readonly<Record<string, string>>) {
  const [problems, setProblems] = useState<readonly Problem[]>([]);
  const [kind, setKind] = useState<ManifestKind | undefined>();
  const diagnostics = useRef<readonly Diagnostic[]>([]);
  const expandRef = useRef(expand);
  expandRef.current = expand;
  // The template's variables (the .env beside it): checked again when they change.
  const envRef = useRef(env);
  envRef.current = env;
  const envKey = env === undefined ? '' : JSON.stringify(env);

  useEffect(() => {
    setProblems([]);
    setKind(undefined);
    diagnostics.current = [];
    if (!model || !path) return;
    const collect = () => {
      const ours = diagnostics.current.some((d) => d.code === SYNTAX);
      const markers = monaco.editor.getModelMarkers({ resource: model.uri }).filter((m) => m.owner !== 'json' || !ours);
      const list = markers
        .map((m, i): Problem => {
          // The JSON worker's codes are internal numbers: only ours (GH…) mean something to a reader.
          const ours = m.owner === OWNER || m.owner === EXPAND_OWNER;
          const code = ours ? (typeof m.code === 'string' ? m.code : m.code?.value) : undefined;
          const fix = m.owner === OWNER ? diagnostics.current.find((d) => d.code === code && d.line === m.startLineNumber && d.column === m.startColumn)?.fix : undefined;
          return { key: `${m.owner}:${i}`, source: m.owner === OWNER ? 'Gatehouse' : m.owner === EXPAND_OWNER ? 'Expansion' : 'JSON', severity: fromMarker(m.severity), message: m.message, line: m.startLineNumber, column: m.startColumn, ...(code ? { code } : {}), ...(fix ? { fix } : {}) };
        })
        .sort((a, b) => a.line - b.line || a.column - b.column);
      setProblems(list);
      useManifests.getState().setCounts(path, { errors: list.filter((p) => p.severity === 'error').length, warnings: list.filter((p) => p.severity === 'warning').length });
    };
    // Every JSON file is judged by its content (as the CLI judges it): a manifest whatever its name is checked.
    const validate = () => {
      if (model.isDisposed()) return;
      const { report } = judgeFile(path, model.getValue(), envRef.current);
      diagnostics.current = report?.diagnostics ?? [];
      lastDiagnostics.set(model.uri.toString(), diagnostics.current);
      setKind(report?.kind);
      useManifests.getState().setKind(path, report?.kind);
      monaco.editor.setModelMarkers(model, OWNER, (report?.diagnostics ?? []).map((d) => toMarker(d)));
      collect();
      // A template that checks clean must also expand, or Apply fails: the host's reasons are problems too.
      clearTimeout(expandTimer);
      if (report?.kind === 'template' && report.ok && expandRef.current) expandTimer = setTimeout(() => void checkExpansion(), EXPAND_DEBOUNCE_MS);
      else monaco.editor.setModelMarkers(model, EXPAND_OWNER, []);
    };
    const checkExpansion = async () => {
      const check = expandRef.current;
      if (!check || model.isDisposed()) return;
      const version = model.getVersionId();
      const found = await check(model.getValue()).catch(() => []);
      if (model.isDisposed() || model.getVersionId() !== version) return;
      monaco.editor.setModelMarkers(model, EXPAND_OWNER, found.map((d) => toMarker({ ...d, endLine: d.line, endColumn: d.column }, 'Gatehouse (expansion)')));
    };
    let expandTimer: ReturnType<typeof setTimeout> | undefined;
    const markersSub = monaco.editor.onDidChangeMarkers((uris) => {
      if (uris.some((u) => u.toString() === model.uri.toString())) collect();
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const contentSub = mayBeManifest(path)
      ? model.onDidChangeContent(() => {
          clearTimeout(timer);
          timer = setTimeout(validate, DEBOUNCE_MS);
        })
      : undefined;
    if (mayBeManifest(path)) validate();
    else collect();
    return () => {
      clearTimeout(timer);
      clearTimeout(expandTimer);
      lastDiagnostics.delete(model.uri.toString());
      markersSub.dispose();
      contentSub?.dispose();
    };
  }, [model, path, envKey]);

  return { problems, kind };
}
