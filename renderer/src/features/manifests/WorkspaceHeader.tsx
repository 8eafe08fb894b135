import {
  Button,
  Caption1,
  Dialog,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  makeStyles,
  Popover,
  PopoverSurface,
  PopoverTrigger,
  Title3,
  tokens,
  Toolbar,
  ToolbarButton,
  ToolbarDivider,
  Tooltip,
} from '@fluentui/react-components';
import { AddRegular, DismissRegular, FolderOpenRegular, FolderRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import type { WorkspaceInfo } from '../../../../shared/ipc/workspace.contract';
import { NewSolutionForm } from './NewSolutionForm';
import { OpenFolderForm } from './OpenFolderForm';
import { useHostActionsEnabled } from '../../ipc/host';
import { useManifests } from './manifests-store';
import { useCloseFolder } from './queries';

const useStyles = makeStyles({
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalL, minWidth: 0 },
  titles: { display: 'flex', flexDirection: 'column', minWidth: 0, flex: 1 },
  path: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, color: tokens.colorNeutralForeground3, minWidth: 0 },
  pathText: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', fontFamily: tokens.fontFamilyMonospace },
  popover: { width: '460px' },
  dialog: { maxWidth: '640px' },
});

/** Folder name and path, and the folder actions: open another, new solution, close. */
export function WorkspaceHeader({ workspace }: { workspace: WorkspaceInfo }) {
  const styles = useStyles();
  const [openPopover, setOpenPopover] = useState(false);
  const [newDialog, setNewDialog] = useState(false);
  const close = useCloseFolder();
  const connected = useHostActionsEnabled();
  const folderAction = useManifests((s) => s.folderAction);
  useEffect(() => {
    if (!folderAction) return;
    if (folderAction.action === 'open-folder') setOpenPopover(true);
    else setNewDialog(true);
    useManifests.getState().consumeFolderAction();
  }, [folderAction]);
  return (
    <header className={styles.header}>
      <div className={styles.titles}>
        <Title3 as="h1" data-testid="workspace-name">
          {workspace.name}
        </Title3>
        <Caption1 className={styles.path}>
          <FolderRegular />
          <span className={styles.pathText} title={workspace.root} data-testid="workspace-root">
            {workspace.root}
          </span>
        </Caption1>
      </div>
      <Toolbar aria-label="Folder">
        <Popover open={openPopover} onOpenChange={(_e, data) => setOpenPopover(data.open)} positioning="below-end" trapFocus>
          <PopoverTrigger disableButtonEnhancement>
            <ToolbarButton icon={<FolderOpenRegular />} data-testid="open-folder-menu">
              Open folder
            </ToolbarButton>
          </PopoverTrigger>
          <PopoverSurface className={styles.popover}>
            <OpenFolderForm autoFocus onOpened={() => setOpenPopover(false)} />
          </PopoverSurface>
        </Popover>
        <Dialog open={newDialog} onOpenChange={(_e, data) => setNewDialog(data.open)}>
          <DialogTrigger disableButtonEnhancement>
            <ToolbarButton icon={<AddRegular />} data-testid="new-solution-menu">
              New solution
            </ToolbarButton>
          </DialogTrigger>
          <DialogSurface className={styles.dialog}>
            <DialogBody>
              <DialogTitle
                action={
                  <DialogTrigger action="close">
                    <Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} />
                  </DialogTrigger>
                }
              >
                New solution from a template
              </DialogTitle>
              <DialogContent>
                <NewSolutionForm onCreated={() => setNewDialog(false)} />
              </DialogContent>
            </DialogBody>
          </DialogSurface>
        </Dialog>
        <ToolbarDivider />
        <Tooltip content="Close this folder (unsaved changes are kept, and come back when you open it again)" relationship="description">
          <ToolbarButton icon={<DismissRegular />} onClick={() => close.mutate()} disabledFocusable={!connected} data-testid="close-folder">
            Close
          </ToolbarButton>
        </Tooltip>
      </Toolbar>
    </header>
  );
}
