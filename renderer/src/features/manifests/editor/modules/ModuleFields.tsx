import { Button, Caption1, Field, Input, makeStyles, MessageBar, MessageBarBody, Select, tokens } from '@fluentui/react-components';
import { DeleteRegular } from '@fluentui/react-icons';
import { CreateOptionsField } from './CreateOptionsField';
import { EnvRows } from './EnvRows';
import type { ModulePatch, ModuleStatus, RestartPolicy } from './module-edits';
import { MODULE_STATUSES, RESTART_POLICIES, type ModuleEntry } from './module-entries';
import { useDraft } from './use-draft';

const useStyles = makeStyles({
  fields: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, padding: `${tokens.spacingVerticalXS} 0 ${tokens.spacingVerticalM}` },
  trio: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1.25fr) minmax(0, 0.8fr)', gap: tokens.spacingHorizontalS },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  // Grid cells shrink to their track: the controls must not keep their intrinsic width.
  fill: { width: '100%', minWidth: 0 },
  fillInput: { width: '100%', minWidth: 0 },
  note: { color: tokens.colorNeutralForeground3 },
  footer: { display: 'flex', justifyContent: 'flex-end' },
  danger: { color: tokens.colorStatusDangerForeground1 },
});

export interface ModuleFieldsProps {
  readonly module: ModuleEntry;
  readonly template: boolean;
  readonly disabled: boolean;
  /** Applies a change to the text; returns why it could not, if it could not. */
  readonly onPatch: (patch: ModulePatch) => string | undefined;
  readonly onRemove: () => void;
  /** The last change this module's form could not make. */
  readonly error?: string;
}

/** Startup order as typed: blank removes it; anything else must be a whole number. */
function parseOrder(text: string): number | null | undefined {
  if (text.trim() === '') return null;
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/**
 * One module's settings: image, status, restart policy, startup order, env and createOptions. edgeHub (a
 * system module) has no status, policy or order to choose: IoT Edge always runs it.
 */
export function ModuleFields({ module, template, disabled, onPatch, onRemove, error }: ModuleFieldsProps) {
  const styles = useStyles();
  const id = `module-${module.name}`;
  const image = useDraft(module.image, (text) => void onPatch({ image: text }));
  const order = useDraft(module.startupOrder === undefined ? '' : String(module.startupOrder), (text) => {
    const parsed = parseOrder(text);
    if (parsed !== undefined) onPatch({ startupOrder: parsed });
  });
  const orderProblem = parseOrder(order.draft) === undefined ? 'A whole number' : undefined;

  return (
    <div className={styles.fields} data-testid={`${id}-fields`}>
      {error && (
        <MessageBar intent="warning">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      <Field label="Image" size="small">
        <Input size="small" input={{ className: styles.mono, spellCheck: false }} disabled={disabled} {...image.props} data-testid={`${id}-image`} />
      </Field>
      {module.system ? (
        <Caption1 className={styles.note}>A system module: IoT Edge always runs edgeHub (status running, restart policy always).</Caption1>
      ) : (
        <div className={styles.trio}>
          <Field label="Status" size="small">
            <Select size="small" className={styles.fill} value={module.status ?? ''} disabled={disabled} onChange={(_e, d) => onPatch({ status: d.value as ModuleStatus })} data-testid={`${id}-status`}>
              {module.status === undefined && <option value="">(not set)</option>}
              {module.status !== undefined && !(MODULE_STATUSES as readonly string[]).includes(module.status) && <option>{module.status}</option>}
              {MODULE_STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </Select>
          </Field>
          <Field label="Restart policy" size="small">
            <Select size="small" className={styles.fill} value={module.restartPolicy ?? ''} disabled={disabled} onChange={(_e, d) => onPatch({ restartPolicy: d.value as RestartPolicy })} data-testid={`${id}-restartPolicy`}>
              {module.restartPolicy === undefined && <option value="">(not set)</option>}
              {module.restartPolicy !== undefined && !(RESTART_POLICIES as readonly string[]).includes(module.restartPolicy) && <option>{module.restartPolicy}</option>}
              {RESTART_POLICIES.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </Select>
          </Field>
          <Field label="Startup order" size="small" validationState={orderProblem ? 'error' : 'none'} validationMessage={orderProblem}>
            <Input size="small" className={styles.fill} input={{ className: styles.fillInput }} inputMode="numeric" placeholder="none" disabled={disabled} {...order.props} data-testid={`${id}-startupOrder`} />
          </Field>
        </div>
      )}
      <Field label="Environment variables" size="small">
        <EnvRows module={module} disabled={disabled} onPatch={onPatch} />
      </Field>
      <CreateOptionsField module={module} template={template} disabled={disabled} onPatch={onPatch} />
      {!module.system && (
        <div className={styles.footer}>
          <Button size="small" appearance="subtle" className={styles.danger} icon={<DeleteRegular />} disabled={disabled} onClick={onRemove} data-testid={`${id}-remove`}>
            Remove {module.name}
          </Button>
        </div>
      )}
    </div>
  );
}
