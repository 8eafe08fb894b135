import {
  Button,
  Caption1,
  Dropdown,
  Field,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Option,
  Spinner,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, EditRegular, SaveRegular } from '@fluentui/react-icons';
import { lazy, Suspense, useMemo, useState } from 'react';
import { HostButton } from '../../app/HostButton';
import { twinSides } from '../../../../shared/twin';
import { useFleet } from './fleet-store';
import { hubProblem } from './hub-error';
import { PendingTable } from './PendingTable';
import { useFleetActions, useTwin } from './queries';
import { editableTwinText, twinPatchFromText } from './twin-edit';

const TwinEditor = lazy(() => import('./TwinEditor'));

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minWidth: 0 },
  bar: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  picker: { minWidth: '220px' },
  grow: { flex: 1 },
  editor: { height: '360px', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, overflow: 'hidden' },
  muted: { color: tokens.colorNeutralForeground2 },
});

const SYSTEM = new Set(['$edgeAgent', '$edgeHub']);

/** The device twin and its module twins in Monaco (read-only); desired properties and tags editable with the etag. */
export function TwinsPanel({ deviceId, moduleIds }: { deviceId: string; moduleIds: readonly string[] }) {
  const styles = useStyles();
  const moduleId = useFleet((s) => s.twinModule);
  const setTwinModule = useFleet((s) => s.setTwinModule);
  const twin = useTwin(deviceId, moduleId || undefined);
  const { updateTwin } = useFleetActions();
  const [draft, setDraft] = useState<string>();
  const [invalid, setInvalid] = useState<string>();
  const what = moduleId ? `${deviceId}/${moduleId}` : deviceId;
  const text = useMemo(() => (twin.data ? JSON.stringify(twin.data, null, 2) : ''), [twin.data]);
  const sides = useMemo(() => twinSides(twin.data), [twin.data]);
  const etag = typeof twin.data?.etag === 'string' ? twin.data.etag : undefined;
  const conflict = updateTwin.error && hubProblem(updateTwin.error).code === 'CONFLICT';

  const startEditing = () => {
    updateTwin.reset();
    setInvalid(undefined);
    setDraft(editableTwinText(twin.data));
  };
  const apply = () => {
    if (draft === undefined) return;
    const result = twinPatchFromText(twin.data, draft);
    if (!result.ok) return setInvalid(result.message);
    setInvalid(undefined);
    if (result.changes === 0) return setInvalid('Nothing changed: edit tags or desired properties first.');
    updateTwin
      .mutateAsync({ deviceId, ...(moduleId ? { moduleId } : {}), patch: result.patch, etag: etag ?? '*' })
      .then(() => setDraft(undefined))
      .catch(() => undefined); // shown from updateTwin.error
  };

  return (
    <div className={styles.root} data-testid="twins-panel">
      <div className={styles.bar}>
        <Field label="Twin" className={styles.picker}>
          <Dropdown
            value={moduleId || 'Device twin'}
            selectedOptions={[moduleId]}
            onOptionSelect={(_e, d) => {
              setDraft(undefined);
              setTwinModule(d.optionValue ?? '');
            }}
            data-testid="twin-picker"
          >
            <Option value="" text="Device twin">
              Device twin
            </Option>
            {moduleIds.map((m) => (
              <Option key={m} value={m}>
                {m}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <span className={styles.grow} />
        {etag && <Caption1 className={styles.muted}>etag {etag}</Caption1>}
        {draft === undefined ? (
          <HostButton icon={<EditRegular />} onClick={startEditing} disabled={!twin.data} data-testid="twin-edit">
            Edit desired properties and tags
          </HostButton>
        ) : (
          <>
            <Button onClick={() => setDraft(undefined)} data-testid="twin-edit-cancel">
              Cancel
            </Button>
            <HostButton icon={<SaveRegular />} appearance="primary" onClick={apply} disabled={updateTwin.isPending} data-testid="twin-apply">
              {updateTwin.isPending ? 'Updating…' : `Update the twin of ${what}`}
            </HostButton>
          </>
        )}
      </div>
      {invalid && (
        <MessageBar intent="error" data-testid="twin-invalid">
          <MessageBarBody>{invalid}</MessageBarBody>
        </MessageBar>
      )}
      {conflict && (
        <MessageBar intent="warning" layout="multiline" data-testid="twin-conflict">
          <MessageBarBody>
            <MessageBarTitle>The twin changed since you opened it</MessageBarTitle>
            Its etag {etag} is stale: someone or something updated {what} meanwhile, so nothing was written. Reload it; your edits stay in the box, and Update sends them
            against the current twin.
          </MessageBarBody>
          <MessageBarActions>
            <Button
              icon={<ArrowClockwiseRegular />}
              onClick={() => {
                updateTwin.reset();
                void twin.refetch();
              }}
              data-testid="twin-reload"
            >
              Reload the twin
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {updateTwin.error && !conflict && (
        <MessageBar intent="error" layout="multiline" data-testid="twin-update-error">
          <MessageBarBody>
            <MessageBarTitle>{hubProblem(updateTwin.error, `update the twin of ${what}`).title}</MessageBarTitle>
            {updateTwin.error.message}
          </MessageBarBody>
        </MessageBar>
      )}
      {twin.isPending && <Spinner label={`Reading the twin of ${what}…`} />}
      {twin.error && (
        <MessageBar intent="error" layout="multiline" data-testid="twin-error">
          <MessageBarBody>
            <MessageBarTitle>{hubProblem(twin.error, `read the twin of ${what}`).title}</MessageBarTitle>
            {twin.error.message}
          </MessageBarBody>
        </MessageBar>
      )}
      {twin.data && (
        <div className={styles.editor}>
          <Suspense fallback={<Spinner size="small" label="Loading the viewer…" />}>
            {draft === undefined ? (
              // Separate instances (keys): a reused editor would report the viewer's text as an edit while it switches.
              <TwinEditor key="viewer" path={`gatehouse-twin:/${deviceId}/${moduleId || '$device'}.json`} value={text} readOnly label={`Twin of ${what}, read-only`} testId="twin-viewer" />
            ) : (
              <TwinEditor key="editor" path={`gatehouse-twin-edit:/${deviceId}/${moduleId || '$device'}.json`} value={draft} readOnly={false} onChange={setDraft} label={`Tags and desired properties of ${what}`} testId="twin-editor" />
            )}
          </Suspense>
        </div>
      )}
      {twin.data && !SYSTEM.has(moduleId) && (
        <section aria-label="Pending desired properties">
          <Subtitle2 as="h3">Desired, not yet reported</Subtitle2>
          <PendingTable desired={sides.desired} reported={sides.reported} />
        </section>
      )}
      {twin.data && SYSTEM.has(moduleId) && <Caption1 className={styles.muted}>The IoT Edge tab compares this twin's desired and reported properties module by module.</Caption1>}
    </div>
  );
}
