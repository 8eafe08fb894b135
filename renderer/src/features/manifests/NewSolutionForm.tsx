import { Caption1, Field, Input, makeStyles, mergeClasses, Radio, RadioGroup, Spinner, Text, tokens } from '@fluentui/react-components';
import { AddRegular, FolderAddRegular, FolderRegular } from '@fluentui/react-icons';
import { useState, type FormEvent } from 'react';
import { HostButton } from '../../app/HostButton';
import { useSettings } from '../settings';
import { errorCode, errorMessage, errorReason } from './errors';
import { useCreateSolution, useTemplates } from './queries';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  templates: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  template: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundHover },
  },
  templateSelected: { border: `1px solid ${tokens.colorBrandStroke1}`, backgroundColor: tokens.colorBrandBackground2 },
  templateLabel: { display: 'flex', flexDirection: 'column', gap: '2px' },
  templateTitle: { color: tokens.colorNeutralForeground1 },
  muted: { color: tokens.colorNeutralForeground3 },
  row: { display: 'grid', gridTemplateColumns: '3fr 2fr', gap: tokens.spacingHorizontalM },
  footer: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, justifyContent: 'space-between' },
  target: { color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0, flex: 1 },
  submit: { whiteSpace: 'nowrap', flexShrink: 0 },
  missing: { marginTop: `-${tokens.spacingVerticalS}` },
});

function parentOf(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut > 0 ? trimmed.slice(0, cut) : '~';
}

/** Pick a template, a parent folder and a name; the host copies the template there and opens it. */
export function NewSolutionForm({ onCreated }: { onCreated?: () => void }) {
  const styles = useStyles();
  const templates = useTemplates();
  const recent = useSettings().data?.recentFolders ?? [];
  const [template, setTemplate] = useState<string>();
  const [parent, setParent] = useState<string>();
  const [name, setName] = useState('EdgeSolution');
  const create = useCreateSolution();

  const chosen = template ?? templates.data?.[0]?.id;
  const parentValue = parent ?? (recent[0] ? parentOf(recent[0]) : '~');
  const failure = create.isError ? create.error : undefined;
  const nameProblem = failure && errorCode(failure) === 'CONFLICT' ? 'A folder with this name already exists there and is not empty.' : undefined;
  const missingParent = failure !== undefined && errorReason(failure) === 'NO_PARENT';
  const parentProblem = failure && errorCode(failure) === 'NOT_FOUND' ? errorMessage(failure) : undefined;
  const otherProblem = failure && !nameProblem && !parentProblem ? errorMessage(failure) : undefined;

  const createIn = (createParent: boolean) => {
    if (!chosen) return;
    create.mutate({ template: chosen, parent: parentValue.trim(), name: name.trim(), ...(createParent ? { createParent } : {}) }, { onSuccess: () => onCreated?.() });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    createIn(false);
  };

  if (templates.isPending) return <Spinner size="small" label="Loading templates…" />;
  return (
    <form className={styles.form} onSubmit={submit} data-testid="new-solution-form">
      <RadioGroup value={chosen ?? ''} onChange={(_e, data) => setTemplate(data.value)} aria-label="Template" className={styles.templates}>
        {(templates.data ?? []).map((t) => (
          <Radio
            key={t.id}
            value={t.id}
            className={mergeClasses(styles.template, chosen === t.id && styles.templateSelected)}
            data-testid={`template-${t.id}`}
            label={
              <span className={styles.templateLabel}>
                <Text weight="semibold" className={styles.templateTitle}>
                  {t.title}
                </Text>
                <Caption1 className={styles.muted}>{t.description}</Caption1>
              </span>
            }
          />
        ))}
      </RadioGroup>
      <div className={styles.row}>
        <Field label="Create in folder" validationState={parentProblem ? 'error' : 'none'} validationMessage={parentProblem}>
          <Input value={parentValue} onChange={(_e, data) => setParent(data.value)} contentBefore={<FolderRegular />} data-testid="solution-parent" />
        </Field>
        <Field label="Solution name" validationState={nameProblem ? 'error' : 'none'} validationMessage={nameProblem}>
          <Input value={name} onChange={(_e, data) => setName(data.value)} data-testid="solution-name" />
        </Field>
      </div>
      {missingParent && (
        <div className={styles.missing}>
          <HostButton appearance="secondary" size="small" icon={<FolderAddRegular />} onClick={() => createIn(true)} disabled={create.isPending} data-testid="create-parent">
            Create this folder and the solution in it
          </HostButton>
        </div>
      )}
      {otherProblem && (
        <Text role="alert" className={styles.muted}>
          {otherProblem}
        </Text>
      )}
      <div className={styles.footer}>
        <Caption1 className={styles.target} title={`${parentValue}/${name}`}>
          Creates {parentValue.replace(/[\\/]+$/, '')}/{name || '…'}
        </Caption1>
        <HostButton type="submit" appearance="primary" className={styles.submit} icon={<AddRegular />} disabled={!chosen || !name.trim() || !parentValue.trim() || create.isPending} data-testid="create-solution">
          Create solution
        </HostButton>
      </div>
    </form>
  );
}
