import { Button, Caption1, Input, makeStyles, tokens, Tooltip } from '@fluentui/react-components';
import { AddRegular, DeleteRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';
import type { ModulePatch } from './module-edits';
import type { EnvVar, ModuleEntry } from './module-entries';
import { useDraft } from './use-draft';

const useStyles = makeStyles({
  rows: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  row: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1.3fr) auto', gap: tokens.spacingHorizontalXS, alignItems: 'center' },
  key: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, width: '100%', minWidth: 0 },
  fill: { width: '100%', minWidth: 0 },
  empty: { color: tokens.colorNeutralForeground3 },
  add: { alignSelf: 'flex-start' },
});

/** A free variable name for a new row: NEW_VARIABLE, NEW_VARIABLE_2, … */
function freeKey(env: readonly EnvVar[]): string {
  const taken = new Set(env.map((v) => v.key));
  for (let i = 1; ; i++) {
    const key = i === 1 ? 'NEW_VARIABLE' : `NEW_VARIABLE_${i}`;
    if (!taken.has(key)) return key;
  }
}

export interface EnvRowsProps {
  readonly module: ModuleEntry;
  readonly disabled: boolean;
  /** Applies a change to the text; returns why it could not, if it could not. */
  readonly onPatch: (patch: ModulePatch) => string | undefined;
}

/** The module's env as name/value rows: rename in place, change, remove, add (a new row gets a free name, selected). */
export function EnvRows({ module, disabled, onPatch }: EnvRowsProps) {
  const styles = useStyles();
  const [focusKey, setFocusKey] = useState<string>();
  const add = () => {
    const key = freeKey(module.env);
    if (onPatch({ env: [{ op: 'set', key, value: '' }] }) === undefined) setFocusKey(key);
  };
  return (
    <div className={styles.rows} data-testid={`module-${module.name}-env`}>
      {module.env.length === 0 && <Caption1 className={styles.empty}>No environment variables.</Caption1>}
      {module.env.map((variable, index) => (
        <EnvRow key={index} module={module.name} index={index} variable={variable} disabled={disabled} focus={variable.key === focusKey} onPatch={onPatch} onFocused={() => setFocusKey(undefined)} />
      ))}
      <Button className={styles.add} size="small" appearance="subtle" icon={<AddRegular />} disabled={disabled} onClick={add} data-testid={`module-${module.name}-env-add`}>
        Add variable
      </Button>
    </div>
  );
}

interface EnvRowProps {
  readonly module: string;
  readonly index: number;
  readonly variable: EnvVar;
  readonly disabled: boolean;
  readonly focus: boolean;
  readonly onPatch: (patch: ModulePatch) => string | undefined;
  readonly onFocused: () => void;
}

function EnvRow({ module, index, variable, disabled, focus, onPatch, onFocused }: EnvRowProps) {
  const styles = useStyles();
  const keyInput = useRef<HTMLInputElement>(null);
  // Names are renamed when the field is left (a half-typed name could collide with another variable).
  const name = useDraft(variable.key, (key) => void onPatch({ env: [{ op: 'rename', from: variable.key, to: key }] }), null);
  const value = useDraft(variable.value, (text) => void onPatch({ env: [{ op: 'set', key: variable.key, value: text }] }));
  useEffect(() => {
    if (!focus || !keyInput.current) return;
    keyInput.current.focus();
    keyInput.current.select();
    onFocused();
  }, [focus, onFocused]);
  const id = `module-${module}-env-${index}`;
  return (
    <div className={styles.row}>
      <Input size="small" className={styles.fill} input={{ ref: keyInput, className: styles.key, spellCheck: false }} aria-label={`Name of variable ${index + 1} of ${module}`} disabled={disabled} {...name.props} data-testid={`${id}-key`} />
      <Input size="small" className={styles.fill} input={{ className: styles.fill }} aria-label={`Value of ${variable.key} in ${module}`} disabled={disabled} {...value.props} data-testid={`${id}-value`} />
      <Tooltip content={`Remove ${variable.key} from ${module}`} relationship="label">
        <Button size="small" appearance="subtle" icon={<DeleteRegular />} disabled={disabled} onClick={() => onPatch({ env: [{ op: 'remove', key: variable.key }] })} data-testid={`${id}-remove`} />
      </Tooltip>
    </div>
  );
}
