import { Button, Field, makeStyles, Textarea, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { ModulePatch } from './module-edits';
import type { CreateOptionsReading, ModuleEntry } from './module-entries';
import { useDraft } from './use-draft';

const useStyles = makeStyles({
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, lineHeight: tokens.lineHeightBase200, whiteSpace: 'pre', tabSize: 2 },
  hint: { display: 'flex', alignItems: 'baseline', gap: tokens.spacingHorizontalS },
});

/** Why a createOptions draft cannot be written, or undefined (blank = remove createOptions). */
export function createOptionsProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'createOptions must be a JSON object.';
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
}

function describeForm({ form, keys }: CreateOptionsReading, template: boolean): string {
  switch (form) {
    case 'object':
      return 'Written as a JSON object; the tools serialize it when they expand the template.';
    case 'string':
      return 'Written as one JSON string, as edgeAgent reads it; cut into chunks past 512 characters.';
    case 'chunks':
      return `Written as ${keys.length} string chunks (${keys[0]} … ${keys[keys.length - 1]}), joined here and re-cut when written.`;
    case 'none':
      return `Not set. Type a JSON object to add it (written as ${template ? 'an object' : 'a string'}).`;
  }
}

export interface CreateOptionsFieldProps {
  readonly module: ModuleEntry;
  readonly template: boolean;
  readonly disabled: boolean;
  readonly onPatch: (patch: ModulePatch) => string | undefined;
}

/**
 * createOptions as a small JSON editor: the form the file uses (object, string, chunks) is joined and
 * pretty-printed here, validated as typed, and written back in the same form once it is a JSON object.
 */
export function CreateOptionsField({ module, template, disabled, onPatch }: CreateOptionsFieldProps) {
  const styles = useStyles();
  const [refused, setRefused] = useState<string>();
  const field = useDraft(
    module.createOptions.text,
    (draft) => {
      if (createOptionsProblem(draft) === undefined) setRefused(onPatch({ createOptions: draft }));
    },
    700,
    (draft) => createOptionsProblem(draft) !== undefined,
  );
  const problem = createOptionsProblem(field.draft) ?? refused;
  const rows = Math.min(12, Math.max(3, field.draft.split('\n').length));
  return (
    <Field
      label="Create options"
      size="small"
      validationState={problem ? 'error' : 'none'}
      validationMessage={
        problem ? (
          <span className={styles.hint}>
            {problem}
            <Button size="small" appearance="transparent" 
              onClick={() => {
                setRefused(undefined);
                field.reset();
              }}
            >
              Revert
            </Button>
          </span>
        ) : (
          describeForm(module.createOptions, template)
        )
      }
    >
      <Textarea resize="vertical" rows={rows} disabled={disabled} textarea={{ className: styles.code, spellCheck: false }} {...field.props} data-testid={`module-${module.name}-createOptions`} />
    </Field>
  );
}
