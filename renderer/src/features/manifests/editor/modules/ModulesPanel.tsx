import { Accordion, AccordionHeader, AccordionItem, AccordionPanel, Badge, Button, Caption1, makeStyles, MessageBar, MessageBarBody, Spinner, Text, tokens } from '@fluentui/react-components';
import { AddRegular, CubeRegular } from '@fluentui/react-icons';
import type { Edit } from 'jsonc-parser';
import { useCallback, useMemo, useState } from 'react';
import type { Result } from '../../../../../../shared/errors';
import type { WorkspaceInfo } from '../../../../../../shared/ipc/workspace.contract';
import { useManifests } from '../../manifests-store';
import { applyJsonEdits, getModel } from '../models';
import { SidePanel } from '../SidePanel';
import { useModelText, useOpenModel } from '../use-model-text';
import { AddModuleForm } from './AddModuleForm';
import { addModule, editModule, removeModule } from './module-edits';
import { readModules, type ModuleEntry, type ModulesReading } from './module-entries';
import { ModuleFields } from './ModuleFields';

const useStyles = makeStyles({
  desired: { color: tokens.colorNeutralForeground3, whiteSpace: 'nowrap', flexShrink: 0 },
  body: { flex: 1, minHeight: 0, overflowY: 'auto', display: 'flex', flexDirection: 'column' },
  note: { margin: tokens.spacingHorizontalS },
  list: { padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalXS}` },
  item: { borderBottom: `1px solid ${tokens.colorNeutralStroke3}` },
  header: { display: 'flex', flexDirection: 'column', minWidth: 0, textAlign: 'start', padding: `${tokens.spacingVerticalXS} 0` },
  headline: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  image: { color: tokens.colorNeutralForeground3, fontFamily: tokens.fontFamilyMonospace, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', maxWidth: '290px' },
  panel: { marginLeft: tokens.spacingHorizontalM, marginRight: tokens.spacingHorizontalS },
  empty: { padding: tokens.spacingHorizontalM, color: tokens.colorNeutralForeground3 },
  center: { margin: 'auto' },
});

type Readable = Extract<ModulesReading, { ok: true }>;

function statusBadge(module: ModuleEntry, styles: ReturnType<typeof useStyles>) {
  if (module.system) return <Badge size="small" appearance="tint" color="informative">system</Badge>;
  // What the file asks for, not what runs: plain muted text, never a badge in the live colours of the Runtime area.
  return (
    <Caption1 className={styles.desired} title="The status this file asks for; the Runtime area shows what runs" data-testid={`desired-status-${module.name}`}>
      {module.status ? `desired: ${module.status}` : 'no status'}
    </Caption1>
  );
}

/**
 * The `$edgeAgent` modules of the file open in the editor, as a form kept in step with the text both ways:
 * every form change is one minimal JSON edit on the editor's model (undo and the dirty dot work as for typing);
 * every text change re-reads the form. While the text is not valid JSON the last readable form stays, disabled.
 */
export function ModulesPanel({ workspace, path }: { workspace: WorkspaceInfo; path: string }) {
  const styles = useStyles();
  const { root } = workspace;
  const model = useOpenModel(root, path);
  const { text, flush } = useModelText(model, 250);
  const reading = useMemo(() => readModules(text), [text]);
  const [good, setGood] = useState<Readable | undefined>(reading.ok ? reading : undefined);
  if (reading.ok && reading !== good) setGood(reading);
  const [openItems, setOpenItems] = useState<string[]>();
  const [adding, setAdding] = useState(false);
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});

  /** Runs an edit on the model's current text; returns why it could not, if it could not. */
  const run = useCallback(
    (key: string, make: (text: string) => Result<Edit[], string>): string | undefined => {
      const current = getModel(root, path);
      if (!current) return 'The file is no longer open.';
      const result = make(current.getValue());
      setErrors(({ [key]: _old, ...rest }) => (result.ok ? rest : { ...rest, [key]: result.error }));
      if (!result.ok) return result.error;
      applyJsonEdits(current, result.value);
      flush();
      return undefined;
    },
    [root, path, flush],
  );

  if (!model || !good) {
    return (
      <SidePanel title="Modules" icon={<CubeRegular />} path={path} onClose={() => useManifests.getState().togglePanel('modules', false)} testId="modules-panel">
        {model && !reading.ok ? <BrokenNote reading={reading} /> : <Spinner className={styles.center} size="small" />}
      </SidePanel>
    );
  }

  const disabled = !reading.ok;
  const open = openItems ?? good.modules.filter((m) => !m.system).slice(0, 1).map((m) => m.name);
  const addButton = (
    <Button size="small" appearance="subtle" icon={<AddRegular />} disabled={disabled || adding} onClick={() => setAdding(true)} data-testid="add-module">
      Add module
    </Button>
  );

  return (
    <SidePanel title="Modules" icon={<CubeRegular />} path={path} onClose={() => useManifests.getState().togglePanel('modules', false)} testId="modules-panel" actions={addButton}>
      <div className={styles.body}>
        {!reading.ok && <BrokenNote reading={reading} />}
        {adding && (
          <AddModuleForm
            modules={good.modules}
            template={good.template}
            onCancel={() => setAdding(false)}
            onAdd={(name, image) => {
              const problem = run('', (t) => addModule(t, name, image));
              if (problem === undefined) {
                setAdding(false);
                setOpenItems([...open, name]);
              }
              return problem;
            }}
          />
        )}
        {good.modules.length === 0 && !adding && <Text className={styles.empty}>No modules in this file yet. Add one, or type it in the editor.</Text>}
        <Accordion className={styles.list} multiple collapsible openItems={open} onToggle={(_e, data) => setOpenItems(data.openItems as string[])}>
          {good.modules.map((module) => (
            <AccordionItem key={`${module.system ? 'system' : 'custom'}:${module.name}`} value={module.name} className={styles.item} data-testid={`module-${module.name}`}>
              <AccordionHeader size="small" expandIconPosition="end">
                <span className={styles.header}>
                  <span className={styles.headline}>
                    <Text weight="semibold">{module.name}</Text>
                    {statusBadge(module, styles)}
                  </span>
                  <Caption1 className={styles.image} title={module.image}>
                    {module.image || 'no image'}
                  </Caption1>
                </span>
              </AccordionHeader>
              <AccordionPanel className={styles.panel}>
                <ModuleFields
                  module={module}
                  template={good.template}
                  disabled={disabled}
                  error={errors[module.name]}
                  onPatch={(patch) => run(module.name, (t) => editModule(t, module.name, patch))}
                  onRemove={() => {
                    if (run(module.name, (t) => removeModule(t, module.name)) === undefined) {
                      useManifests.getState().notify(path, `Removed module ${module.name}. Undo (Ctrl+Z) in the editor brings it back.`);
                    }
                  }}
                />
              </AccordionPanel>
            </AccordionItem>
          ))}
        </Accordion>
      </div>
    </SidePanel>
  );
}

function BrokenNote({ reading }: { reading: Extract<ModulesReading, { ok: false }> }) {
  const styles = useStyles();
  return (
    <MessageBar intent="warning" className={styles.note} data-testid="modules-broken">
      <MessageBarBody>
        The text has a JSON error at line {reading.line}, column {reading.column} ({reading.message}). The form shows the last readable state; fix the text to edit here.
      </MessageBarBody>
    </MessageBar>
  );
}
