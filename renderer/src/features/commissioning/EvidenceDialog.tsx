import { Button, Caption1, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, MessageBar, MessageBarBody, Spinner, tokens } from '@fluentui/react-components';
import { DocumentRibbonRegular, PrintRegular, ShieldCheckmarkRegular } from '@fluentui/react-icons';
import { useRef, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { unwrap } from '../../ipc/client';
import { HostButton } from '../../app/HostButton';
import { useCommissioningClient } from './queries';

const useStyles = makeStyles({
  surface: { width: 'min(1100px, 96vw)', maxWidth: '96vw' },
  frame: { width: '100%', height: '65vh', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, backgroundColor: '#fff' },
  where: { display: 'flex', flexDirection: 'column', gap: '2px', marginBottom: tokens.spacingVerticalS, overflowWrap: 'anywhere' },
  verified: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, color: tokens.colorStatusSuccessForeground1 },
});

interface Written {
  readonly dir: string;
  readonly sha256: string;
  readonly html: string;
  readonly signedHere: boolean;
}

/**
 * "Evidence report": writes the signed report (evidence.html, evidence.json, evidence.json.sig) on the console's
 * machine, then shows evidence.html as it was written, in a frame that runs no script, with Print (Chromium's
 * "Save as PDF" where the app runs).
 */
export function EvidenceButton() {
  const styles = useStyles();
  const client = useCommissioningClient();
  const frame = useRef<HTMLIFrameElement>(null);
  const [open, setOpen] = useState(false);
  const write = useMutation({
    mutationFn: async (): Promise<Written> => {
      const written = await unwrap(client.evidence({}));
      const shown = await unwrap(client.evidenceHtml({ dir: written.dir }));
      return { dir: written.dir, sha256: written.sha256, html: shown.html, signedHere: shown.verdict.ok && shown.verdict.signedHere === true };
    },
    onSuccess: () => setOpen(true),
  });
  return (
    <>
      <HostButton icon={write.isPending ? <Spinner size="extra-tiny" /> : <DocumentRibbonRegular />} onClick={() => write.mutate()} disabled={write.isPending} data-testid="commissioning-evidence">
        {write.isPending ? 'Writing the evidence…' : 'Evidence report'}
      </HostButton>
      {write.isError && (
        <MessageBar intent="error" data-testid="commissioning-evidence-error">
          <MessageBarBody>The evidence report could not be written: {write.error.message}</MessageBarBody>
        </MessageBar>
      )}
      <Dialog open={open && write.data !== undefined} onOpenChange={(_e, d) => setOpen(d.open)}>
        <DialogSurface className={styles.surface} data-testid="evidence-dialog">
          <DialogBody>
            <DialogTitle>Evidence report</DialogTitle>
            <DialogContent>
              {write.data && (
                <>
                  <div className={styles.where}>
                    <Caption1 data-testid="evidence-dir">
                      Written to <code>{write.data.dir}</code> (evidence.html, evidence.json, evidence.json.sig)
                    </Caption1>
                    <Caption1 className={styles.verified} data-testid="evidence-verified">
                      <ShieldCheckmarkRegular /> Signed by {write.data.signedHere ? 'this gateway’s edge CA' : 'an edge CA'}; evidence.json SHA-256 {write.data.sha256.slice(0, 16)}…
                    </Caption1>
                  </div>
                  <iframe ref={frame} title="Evidence report" className={styles.frame} sandbox="allow-same-origin allow-modals" srcDoc={write.data.html} data-testid="evidence-frame" />
                </>
              )}
            </DialogContent>
            <DialogActions>
              <Button icon={<PrintRegular />} onClick={() => frame.current?.contentWindow?.print()} data-testid="evidence-print">
                Print or save as PDF
              </Button>
              <Button appearance="primary" onClick={() => setOpen(false)}>
                Close
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </>
  );
}
