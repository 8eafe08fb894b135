import {
  Badge,
  Body1,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { BoxArrowUpRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { HostButton } from '../../app/HostButton';
import { useApplyStore } from './apply-store';
import { planSummary } from './format';
import { useRuntimeActions } from './queries';
import { SideloadDialog } from './SideloadDialog';

const useStyles = makeStyles({
  surface: { width: '720px', maxWidth: '92vw' },
  // Room for the marker of step 100 in the list's monospace font: numbers 10+ are never clipped.
  steps: { margin: 0, paddingLeft: '6ch', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  badge: { marginRight: tokens.spacingHorizontalS, fontFamily: tokens.fontFamilyBase },
  problems: { margin: 0, paddingLeft: tokens.spacingHorizontalL, fontSize: tokens.fontSizeBase200 },
  // Children keep their height: the content scrolls instead of squeezing a message bar over the next one.
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, '& > *': { flexShrink: 0 } },
  missing: { margin: `${tokens.spacingVerticalS} 0 0`, paddingLeft: 0, listStyle: 'none', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  missingRow: { display: 'grid', gridTemplateColumns: '1fr auto', columnGap: tokens.spacingHorizontalM, alignItems: 'center' },
  missingText: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  image: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
});

interface Diagnostic {
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
}

/**
 * Plan preview before apply: validate, show the steps in order (destructive ones marked), say which images are
 * not on this machine (each with Sideload…: offline, apply could not pull them), which containers on the engine
 * are not managed here, then apply (or show where the manifest is wrong). Beside a real IoT Edge
 * runtime, Apply stays disabled until the user ticks the explicit override.
 */
export function ApplyDialog() {
  const styles = useStyles();
  const pending = useApplyStore((s) => s.pending);
  const close = useApplyStore((s) => s.close);
  const { preview, apply } = useRuntimeActions();
  const { mutate: runPreview, reset: resetPreview } = preview;
  const { reset: resetApply } = apply;
  const [override, setOverride] = useState(false);
  const [sideloadImage, setSideloadImage] = useState<string>();

  useEffect(() => {
    resetApply();
    setOverride(false);
    if (pending) runPreview(pending);
    else resetPreview();
  }, [pending, runPreview, resetPreview, resetApply]);

  const error = (preview.error ?? apply.error) as (Error & { code?: string; details?: { diagnostics?: Diagnostic[]; reason?: string; cloudVersion?: number } }) | null;
  // The cloud's $edgeAgent desired drives this runtime: a local apply is an explicit override, said as such.
  const cloudDrives = error?.details?.reason === 'cloud-drives';
  const steps = preview.data?.steps ?? [];
  const notManaged = preview.data?.notManaged ?? [];
  const foreignRuntime = preview.data?.foreignRuntime ?? [];
  const blockedByForeignRuntime = foreignRuntime.length > 0 && !override;
  const missingImages = (preview.data?.images ?? []).filter((i) => !i.present);
  return (
    <Dialog open={pending !== undefined} onOpenChange={(_e, d) => !d.open && close(apply.isSuccess)}>
      <DialogSurface className={styles.surface} data-testid="apply-dialog">
        <DialogBody>
          <DialogTitle>Apply {pending?.fileName}</DialogTitle>
          <DialogContent className={styles.content}>
            {preview.isPending && <Spinner size="small" label="Validating and planning…" />}
            {cloudDrives && (
              <MessageBar intent="warning" layout="multiline" data-testid="apply-cloud-drives">
                <MessageBarBody>
                  <MessageBarTitle>The hub&apos;s deployment drives this runtime</MessageBarTitle>
                  The hub&apos;s $edgeAgent desired properties{error?.details?.cloudVersion !== undefined ? ` (version ${error.details.cloudVersion})` : ''} set what runs
                  here; nothing was applied. Applying anyway makes this file a local override: it stands until the hub sends a new deployment version, and
                  the hub is told so in $edgeAgent&apos;s reported properties.
                </MessageBarBody>
              </MessageBar>
            )}
            {error && !cloudDrives && (
              <MessageBar intent="error">
                <MessageBarBody>
                  {error.message}
                  {error.details?.diagnostics && (
                    <ul className={styles.problems}>
                      {error.details.diagnostics.slice(0, 8).map((d, i) => (
                        <li key={i}>
                          line {d.line}:{d.column} {d.code} {d.message}
                        </li>
                      ))}
                    </ul>
                  )}
                </MessageBarBody>
              </MessageBar>
            )}
            {preview.isSuccess && !apply.isSuccess && (
              <>
                {foreignRuntime.length > 0 && (
                  <MessageBar intent="warning" data-testid="plan-foreign-runtime">
                    <MessageBarBody>
                      A real IoT Edge runtime uses this engine ({foreignRuntime.join(', ')}). Gatehouse never touches its containers, but its modules would
                      run beside that gateway&apos;s.
                      <Checkbox checked={override} onChange={(_e, d) => setOverride(d.checked === true)} label="Apply anyway, beside that runtime" data-testid="apply-override-foreign" />
                    </MessageBarBody>
                  </MessageBar>
                )}
                {missingImages.length > 0 && (
                  <MessageBar intent="warning" layout="multiline" data-testid="plan-missing-images">
                    <MessageBarBody>
                      <MessageBarTitle>
                        {missingImages.length === 1 ? '1 image is not on this machine' : `${missingImages.length} images are not on this machine`}
                      </MessageBarTitle>
                      Apply would pull {missingImages.length === 1 ? 'it' : 'them'} from the registry; offline, that fails and the module does not start. Sideload{' '}
                      {missingImages.length === 1 ? 'it' : 'each'} from a <code>docker save</code> tarball first.
                      <ul className={styles.missing}>
                        {missingImages.map((i) => (
                          <li key={i.image} className={styles.missingRow} data-testid="missing-image">
                            <span className={styles.missingText}>
                              <span className={styles.image}>{i.image}</span>
                              <Text size={200}>
                                for {i.modules.join(', ')}
                                {i.pullPolicy === 'never' ? ' (imagePullPolicy never: it is not pulled at all)' : `; apply would pull it from ${i.registry}`}
                              </Text>
                            </span>
                            <Button size="small" icon={<BoxArrowUpRegular />} onClick={() => setSideloadImage(i.image)} data-testid="missing-image-sideload">
                              Sideload…
                            </Button>
                          </li>
                        ))}
                      </ul>
                    </MessageBarBody>
                  </MessageBar>
                )}
                <Body1 data-testid="plan-summary">{planSummary(steps)}</Body1>
                <ol className={styles.steps} data-testid="plan-steps">
                  {steps.map((s) => (
                    <li key={s.id} data-destructive={s.destructive || undefined}>
                      {s.destructive && (
                        <Badge className={styles.badge} appearance="tint" color="danger" size="small">
                          destructive
                        </Badge>
                      )}
                      {s.description}
                    </li>
                  ))}
                </ol>
                {notManaged.length > 0 && (
                  <MessageBar intent="info" data-testid="plan-not-managed">
                    <MessageBarBody>
                      Not managed here, and left alone: containers with IoT Edge&apos;s labels that this Gatehouse did not create.
                      <ul className={styles.problems}>
                        {notManaged.map((c) => (
                          <li key={c.containerId}>
                            {c.name} ({c.state}) — {c.apparentOwner}
                          </li>
                        ))}
                      </ul>
                    </MessageBarBody>
                  </MessageBar>
                )}
                {(preview.data?.notes.length ?? 0) > 0 && (
                  <MessageBar intent="info" data-testid="plan-notes">
                    <MessageBarBody>
                      <ul className={styles.problems}>
                        {preview.data?.notes.map((n) => (
                          <li key={n}>{n}</li>
                        ))}
                      </ul>
                    </MessageBarBody>
                  </MessageBar>
                )}
              </>
            )}
            {apply.isSuccess && (
              <MessageBar intent="success">
                <MessageBarBody>
                  Deployment v{apply.data.version} accepted. The modules table shows progress as the agent applies it.
                </MessageBarBody>
              </MessageBar>
            )}
            {apply.isPending && <Text>Applying…</Text>}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => close(apply.isSuccess)}>{apply.isSuccess ? 'Close' : 'Cancel'}</Button>
            {cloudDrives && pending && (
              <HostButton
                appearance="primary"
                disabled={apply.isPending}
                onClick={() => apply.mutate({ ...pending, overrideCloud: true, ...(override ? { overrideForeignRuntime: true } : {}) })}
                data-testid="apply-override-cloud"
              >
                Apply as a local override
              </HostButton>
            )}
            {!apply.isSuccess && !cloudDrives && (
              <HostButton
                appearance="primary"
                disabled={!preview.isSuccess || apply.isPending || blockedByForeignRuntime}
                onClick={() => pending && apply.mutate({ ...pending, ...(override ? { overrideForeignRuntime: true } : {}) })}
                data-testid="apply-confirm"
              >
                Apply
              </HostButton>
            )}
          </DialogActions>
        </DialogBody>
        <SideloadDialog open={sideloadImage !== undefined} image={sideloadImage} onClose={() => setSideloadImage(undefined)} onLoaded={() => pending && runPreview(pending)} />
      </DialogSurface>
    </Dialog>
  );
}
