/**
 * Monaco, bundled: no CDN loader, no eval, workers from our own origin (CSP: script-src 'self',
 * worker-src 'self' blob:). This module is imported only by the lazily loaded editor chunk.
 */
import { webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import 'monaco-editor/languages/definitions/cpp/register';
import 'monaco-editor/languages/definitions/csharp/register';
import 'monaco-editor/languages/definitions/dockerfile/register';
import 'monaco-editor/languages/definitions/go/register';
import 'monaco-editor/languages/definitions/ini/register';
import 'monaco-editor/languages/definitions/java/register';
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/markdown/register';
import 'monaco-editor/languages/definitions/powershell/register';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/rust/register';
import 'monaco-editor/languages/definitions/shell/register';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/xml/register';
import 'monaco-editor/languages/definitions/yaml/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';

export { monaco };

self.MonacoEnvironment = {
  getWorker: (_workerId: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};

// @monaco-editor/react would fetch Monaco from a CDN; hand it this bundled instance instead.
loader.config({ monaco });

/** Files the deployment schema applies to (completion and hover docs; validation is the shared manifest checks). */
export const MANIFEST_FILE_MATCH = ['deployment*.json', '*.template.json', '*.template.*.json', 'layered*.json', '*.deployment.json'];
const SCHEMA_BASE = 'https://gatehouse.local/schemas/';

const schemaFiles = import.meta.glob<Record<string, unknown>>('../../../../../resources/schemas/*.schema.json', { eager: true, import: 'default' });

export const SCHEMAS = Object.entries(schemaFiles).map(([file, schema]) => {
  const name = file.slice(file.lastIndexOf('/') + 1);
  return { uri: SCHEMA_BASE + name, schema, ...(name === 'deployment.schema.json' ? { fileMatch: MANIFEST_FILE_MATCH } : {}) };
});

jsonDefaults.setDiagnosticsOptions({
  validate: true,
  // Syntax only: schema problems, comments and trailing commas of manifests come from validateManifest (with codes
  // and fixes), so they are not reported twice.
  schemaValidation: 'ignore',
  comments: 'ignore',
  trailingCommas: 'ignore',
  allowComments: true,
  enableSchemaRequest: false,
  schemas: SCHEMAS,
});

function hex(value: string): string | undefined {
  return /^#[0-9a-f]{3,8}$/i.test(value) ? value : undefined;
}

function colorsOf(theme: Theme): Record<string, string> {
  const pick = (entries: Record<string, string>) => Object.fromEntries(Object.entries(entries).flatMap(([k, v]) => (hex(v) ? [[k, v]] : [])));
  return pick({
    'editor.background': theme.colorNeutralBackground1,
    'editorGutter.background': theme.colorNeutralBackground1,
    'editor.lineHighlightBackground': theme.colorNeutralBackground1Hover,
    'editorLineNumber.foreground': theme.colorNeutralForeground4,
    'editorLineNumber.activeForeground': theme.colorNeutralForeground2,
    'editorWidget.background': theme.colorNeutralBackground1,
    'editorWidget.border': theme.colorNeutralStroke1,
    'editorHoverWidget.background': theme.colorNeutralBackground1,
    'editorHoverWidget.border': theme.colorNeutralStroke1,
    'editorSuggestWidget.background': theme.colorNeutralBackground1,
    'editorSuggestWidget.border': theme.colorNeutralStroke1,
    focusBorder: theme.colorBrandStroke1,
    'editorCursor.foreground': theme.colorBrandForeground1,
    'scrollbarSlider.background': `${theme.colorNeutralStroke1}80`,
  });
}

monaco.editor.defineTheme('gatehouse-light', { base: 'vs', inherit: true, rules: [], colors: colorsOf(webLightTheme) });
monaco.editor.defineTheme('gatehouse-dark', { base: 'vs-dark', inherit: true, rules: [], colors: colorsOf(webDarkTheme) });

export const EDITOR_FONT = "'Cascadia Code', 'Cascadia Mono', Consolas, 'DejaVu Sans Mono', 'Liberation Mono', 'Courier New', monospace";

export const BASE_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  automaticLayout: true,
  fontFamily: EDITOR_FONT,
  fontSize: 13,
  lineHeight: 20,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  renderLineHighlight: 'line',
  tabSize: 2,
  insertSpaces: true,
  fixedOverflowWidgets: true,
  padding: { top: 8, bottom: 8 },
  scrollbar: { verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
  stickyScroll: { enabled: false },
  glyphMargin: false,
  folding: true,
  lineNumbersMinChars: 3,
};
