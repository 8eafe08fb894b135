import {
  Body1,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useEffect } from 'react';
import { useApplyStore } from './apply-store';
import { useRuntimeActions } from './queries';

const useStyles = makeStyles({
  surface: { width: '720px', maxWidth: '92vw' },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  problems: { margin: 0, paddingLeft: tokens.spacingHorizontalL, fontSize: tokens.fontSizeBase200 },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

interface Diagnostic {
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
}

/** Plan preview before apply: validate, show the steps in order, then apply (or show where the manifest is wrong). */
export function ApplyDialog() {
  const styles = useStyles();
  const pending = useApplyStore((s) => s.pending);
  const close = useApplyStore((s) => s.close);
  const { preview, apply } = useRuntimeActions();
  const { mutate: runPreview, reset: resetPreview } = preview;
  const { reset: resetApply } = apply;

  useEffect(() => {
    resetApply();
    if (pending) runPreview(pending);
    else resetPreview();
  }, [pending, runPreview, resetPreview, resetApply]);

  const error = (preview.error ?? apply.error) as (Error & { code?: string; details?: { diagnostics?: Diagnostic[] } }) | null;
  const steps = preview.data?.steps ?? [];
  return (
    <Dialog open={pending !== undefined} onOpenChange={(_e, d) => !d.open && close()}>
      <DialogSurface className={styles.surface} data-testid="apply-dialog">
        <DialogBody>
          <DialogTitle>Apply {pending?.fileName}</DialogTitle>
          <DialogContent className={styles.content}>
            {preview.isPending && <Spinner size="small" label="Validating and planning…" />}
            {error && (
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
                <Body1>{steps.length ? `The agent will run ${steps.length} step(s), in this order:` : 'Everything already runs as this deployment says: nothing to do.'}</Body1>
                <ol className={styles.steps} data-testid="plan-steps">
                  {steps.map((s) => (
                    <li key={s.id}>{s.description}</li>
                  ))}
                </ol>
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
            <Button onClick={close}>{apply.isSuccess ? 'Close' : 'Cancel'}</Button>
            {!apply.isSuccess && (
              <Button appearance="primary" disabled={!preview.isSuccess || apply.isPending} onClick={() => pending && apply.mutate(pending)} data-testid="apply-confirm">
                Apply
              </Button>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
