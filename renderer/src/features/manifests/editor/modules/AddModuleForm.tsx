import { Button, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { checkModuleName } from './module-edits';
import type { ModuleEntry } from './module-entries';

const useStyles = makeStyles({
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, justifyContent: 'flex-end' },
});

export interface AddModuleFormProps {
  readonly modules: readonly ModuleEntry[];
  readonly template: boolean;
  /** Adds the module to the text; returns why it could not, if it could not. */
  readonly onAdd: (name: string, image: string) => string | undefined;
  readonly onCancel: () => void;
}

/** Name and image of a new module (running, restart always, empty createOptions); the rest is edited below. */
export function AddModuleForm({ modules, template, onAdd, onCancel }: AddModuleFormProps) {
  const styles = useStyles();
  const [name, setName] = useState('');
  const [image, setImage] = useState('');
  const [refused, setRefused] = useState<string>();
  const [touched, setTouched] = useState(false);
  const nameProblem = touched ? checkModuleName(name.trim(), modules) : undefined;
  const submit = () => {
    setTouched(true);
    if (checkModuleName(name.trim(), modules)) return;
    setRefused(onAdd(name.trim(), image.trim()));
  };
  return (
    <form
      className={styles.form}
      data-testid="add-module-form"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
    >
      <Field label="Module name" size="small" required validationState={nameProblem || refused ? 'error' : 'none'} validationMessage={nameProblem ?? refused}>
        <Input size="small" autoFocus value={name} onChange={(_e, d) => setName(d.value)} onBlur={() => name !== '' && setTouched(true)} data-testid="add-module-name" />
      </Field>
      <Field label="Image" size="small" hint={template ? 'e.g. ${MODULES.mymodule} for a module of this solution' : 'e.g. mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5'}>
        <Input size="small" input={{ className: styles.mono, spellCheck: false }} value={image} onChange={(_e, d) => setImage(d.value)} data-testid="add-module-image" />
      </Field>
      <div className={styles.buttons}>
        <Button size="small" appearance="subtle" onClick={onCancel}>
          Cancel
        </Button>
        <Button size="small" appearance="primary" type="submit" data-testid="add-module-submit">
          Add module
        </Button>
      </div>
    </form>
  );
}
