import {
  Badge,
  Body1,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { FolderOpenRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';
import { runtimeContract } from '../../../../shared/ipc';
import { subscribeEvent } from '../../ipc/client';
import { HostButton } from '../../app/HostButton';
import { useHost } from '../../ipc/host';
import { bytesText, shortTime } from './format';
import { useEngineImages, useRuntimeActions } from './queries';

const useStyles = makeStyles({
  surface: { width: '720px', maxWidth: '92vw' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, '& > *': { flexShrink: 0 } },
  pick: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  images: { maxHeight: '220px', overflowY: 'auto', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium },
  muted: { color: tokens.colorNeutralForeground3 },
  heading: { margin: `${tokens.spacingVerticalS} 0 0` },
});

/**
 * Offline sideloading: load images from a `docker save` tarball, picked in the page (sent to the host in chunks)
 * or named by its path on the machine that runs Gatehouse, with progress; lists the images the engine has.
 * `image`: the image the user came for (from the plan preview), marked when it is there.
 */
export function SideloadDialog({ open, onClose, image, onLoaded }: { open: boolean; onClose: () => void; image?: string; onLoaded?: (loaded: readonly string[]) => void }) {
  const styles = useStyles();
  const [path, setPath] = useState('');
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<{ bytes: number; total: number; message?: string }>();
  const [loadedAt, setLoadedAt] = useState<number>();
  const fileInput = useRef<HTMLInputElement>(null);
  const { sideload, upload } = useRuntimeActions();
  const images = useEngineImages(open);
  const { transport } = useHost();

  useEffect(
    () =>
      subscribeEvent(transport, runtimeContract, 'sideloadProgress', (p) => {
        setProgress({ bytes: p.bytes, total: p.total, message: p.message });
      }),
    [transport],
  );

  const close = () => {
    sideload.reset();
    upload.reset();
    setProgress(undefined);
    setFile(undefined);
    setLoadedAt(undefined);
    onClose();
  };
  const done = (loaded: readonly string[]) => {
    setLoadedAt(Date.now());
    void images.refetch();
    onLoaded?.(loaded);
  };
  const load = () => {
    setProgress(undefined);
    if (file) upload.mutate({ file }, { onSuccess: ({ loaded }) => done(loaded) });
    else sideload.mutate(path.trim(), { onSuccess: ({ loaded }) => done(loaded) });
  };
  const running = sideload.isPending || upload.isPending;
  const result = upload.data ?? sideload.data;
  const error = upload.error ?? sideload.error;
  const hasImage = image ? images.data?.images.some((i) => i.tags.includes(image) || i.tags.includes(`${image}:latest`)) : undefined;

  return (
    <Dialog open={open} onOpenChange={(_e, d) => !d.open && !running && close()}>
      <DialogSurface className={styles.surface} data-testid="sideload-dialog">
        <DialogBody>
          <DialogTitle>Sideload images</DialogTitle>
          <DialogContent className={styles.content}>
            <Body1>
              Load images brought on a USB stick: a tarball made with <code>docker save -o images.tar image:tag…</code> on a machine that has them.
            </Body1>
            {image && (
              <Body1 data-testid="sideload-needed">
                Needed: <code className={styles.mono}>{image}</code>{' '}
                {hasImage !== undefined && (
                  <Badge appearance="tint" color={hasImage ? 'success' : 'warning'}>
                    {hasImage ? 'on this engine now' : 'not on this engine yet'}
                  </Badge>
                )}
              </Body1>
            )}
            <div className={styles.pick}>
              <input
                ref={fileInput}
                type="file"
                accept=".tar,.tar.gz,.tgz,application/x-tar,application/gzip"
                hidden
                data-testid="sideload-file"
                onChange={(e) => {
                  setFile(e.target.files?.[0]);
                  e.target.value = '';
                }}
              />
              <Button icon={<FolderOpenRegular />} onClick={() => fileInput.current?.click()} disabled={running} data-testid="sideload-choose">
                Choose a tarball…
              </Button>
              {file ? (
                <Caption1 data-testid="sideload-chosen">
                  {file.name}, {bytesText(file.size)}
                </Caption1>
              ) : (
                <Caption1 className={styles.muted}>from this computer</Caption1>
              )}
            </div>
            <Field label="Or its path on the machine that runs Gatehouse" hint="For a tarball already on the gateway: nothing is sent through the page.">
              <Input
                value={path}
                onChange={(_e, d) => {
                  setPath(d.value);
                  setFile(undefined);
                }}
                placeholder="/media/usb/images.tar"
                disabled={running}
                data-testid="sideload-path"
              />
            </Field>
            {running && (
              <Field validationMessage={progress?.message ?? (upload.isPending ? 'Sending…' : 'Reading…')} validationState="none">
                <ProgressBar value={progress ? progress.bytes / Math.max(1, progress.total) : undefined} />
              </Field>
            )}
            {result && loadedAt && (
              <MessageBar intent="success">
                <MessageBarBody data-testid="sideload-result">
                  Loaded {result.loaded.join(', ')} at {new Date(loadedAt).toLocaleTimeString()}.
                </MessageBarBody>
              </MessageBar>
            )}
            {error && (
              <MessageBar intent="error">
                <MessageBarBody>{error.message}</MessageBarBody>
              </MessageBar>
            )}
            <Subtitle2 as="h3" className={styles.heading}>
              On this engine{images.data ? ` (${images.data.images.length})` : ''}
            </Subtitle2>
            {images.isPending && <Spinner size="tiny" label="Listing images…" />}
            {images.isError && <Caption1>Could not list the engine&apos;s images: {images.error.message}</Caption1>}
            {images.data && (
              <div className={styles.images}>
                <Table size="extra-small" aria-label="Images on this engine" data-testid="engine-images">
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell>Image</TableHeaderCell>
                      <TableHeaderCell style={{ width: '90px' }}>Size</TableHeaderCell>
                      <TableHeaderCell style={{ width: '150px' }}>Created</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {images.data.images.map((i) => (
                      <TableRow key={i.id}>
                        <TableCell className={styles.mono}>{i.tags.length ? i.tags.join(', ') : `${i.id.replace(/^sha256:/, '').slice(0, 12)} (untagged)`}</TableCell>
                        <TableCell>{bytesText(i.sizeBytes)}</TableCell>
                        <TableCell>{shortTime(i.createdAt)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={close} disabled={running}>
              Close
            </Button>
            <HostButton appearance="primary" disabled={(!file && !path.trim()) || running} onClick={load} data-testid="sideload-confirm">
              Load
            </HostButton>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
