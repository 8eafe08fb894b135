import { useEffect, useRef, useState } from 'react';
import { validateManifest, type Diagnostic, type ManifestKind, type QuickFix, type Severity } from '../../../../../shared/manifest';
import { isManifestPath } from '../file-kinds';
import { useManifests } from '../manifests-store';
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
const DEBOUNCE_MS = 250;
/** The JSON worker already marks syntax errors; ours would say the same thing twice. */
const WORKER_COVERS = new Set(['GH1001']);

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

function toMarker(d: Diagnostic): monaco.editor.IMarkerData {
  const zeroWidth = d.line === d.endLine && d.column === d.endColumn;
  return {
    severity: TO_MARKER[d.severity],
    message: d.message,
    code: d.code,
    source: 'Gatehouse',
    startLineNumber: d.line,
    startColumn: d.column,
    endLineNumber: d.endLine,
    endColumn: zeroWidth ? d.endColumn + 1 : d.endColumn,
  };
}

/**
 * Live diagnostics of the open file. Manifests are checked with the shared validateManifest (debounced, the same
 * code main runs before any apply) and marked in the editor; the panel lists every marker of the model.
 */
export function useProblems(model: monaco.editor.ITextModel | null, path: string | null) {
  const [problems, setProblems] = useState<readonly Problem[]>([]);
  const [kind, setKind] = useState<ManifestKind | undefined>();
  const diagnostics = useRef<readonly Diagnostic[]>([]);

  useEffect(() => {
    setProblems([]);
    setKind(undefined);
    diagnostics.current = [];
    if (!model || !path) return;
    const collect = () => {
      const markers = monaco.editor.getModelMarkers({ resource: model.uri });
      const list = markers
        .map((m, i): Problem => {
          // The JSON worker's codes are internal numbers: only ours (GH…) mean something to a reader.
          const code = m.owner === OWNER ? (typeof m.code === 'string' ? m.code : m.code?.value) : undefined;
          const fix = m.owner === OWNER ? diagnostics.current.find((d) => d.code === code && d.line === m.startLineNumber && d.column === m.startColumn)?.fix : undefined;
          return { key: `${m.owner}:${i}`, source: m.owner === OWNER ? 'Gatehouse' : 'JSON', severity: fromMarker(m.severity), message: m.message, line: m.startLineNumber, column: m.startColumn, ...(code ? { code } : {}), ...(fix ? { fix } : {}) };
        })
        .sort((a, b) => a.line - b.line || a.column - b.column);
      setProblems(list);
    };
    const validate = () => {
      if (model.isDisposed()) return;
      const report = validateManifest(model.getValue(), { fileName: path });
      diagnostics.current = report.diagnostics;
      setKind(report.kind);
      useManifests.getState().setKind(path, report.kind);
      monaco.editor.setModelMarkers(model, OWNER, report.diagnostics.filter((d) => !WORKER_COVERS.has(d.code)).map(toMarker));
      collect();
    };
    const markersSub = monaco.editor.onDidChangeMarkers((uris) => {
      if (uris.some((u) => u.toString() === model.uri.toString())) collect();
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const contentSub = isManifestPath(path)
      ? model.onDidChangeContent(() => {
          clearTimeout(timer);
          timer = setTimeout(validate, DEBOUNCE_MS);
        })
      : undefined;
    if (isManifestPath(path)) validate();
    else collect();
    return () => {
      clearTimeout(timer);
      markersSub.dispose();
      contentSub?.dispose();
    };
  }, [model, path]);

  return { problems, kind };
}
