/**
 * A twin in Monaco, read-only or editable. Loaded lazily (TwinsPanel), with the Manifests area's Monaco set-up:
 * the same bundled instance and loader configuration (no CDN), themes and base options.
 */
import Editor from '@monaco-editor/react';
import { BASE_OPTIONS } from '../manifests/editor/monaco-setup';
import { useThemeMode } from '../manifests/editor/use-theme-mode';

export default function TwinEditor({ path, value, readOnly, onChange, label, testId }: { path: string; value: string; readOnly: boolean; onChange?: (text: string) => void; label: string; testId: string }) {
  const mode = useThemeMode();
  return (
    <div className="nokey" style={{ height: '100%', minHeight: 0 }} data-testid={testId}>
      <Editor
        path={path}
        language="json"
        value={value}
        theme={mode === 'dark' ? 'gatehouse-dark' : 'gatehouse-light'}
        onChange={(text) => onChange?.(text ?? '')}
        options={{ ...BASE_OPTIONS, readOnly, domReadOnly: readOnly, ariaLabel: `${label}. Ctrl+K: command palette.`, renderValidationDecorations: readOnly ? 'off' : 'on' }}
      />
    </div>
  );
}
