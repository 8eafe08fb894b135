import { Button, Caption1, makeStyles, Text, tokens, Tooltip } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import type { ReactElement, ReactNode } from 'react';
import { baseName } from '../file-kinds';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', minHeight: 0, minWidth: 0, borderLeft: `1px solid ${tokens.colorNeutralStroke2}`, backgroundColor: tokens.colorNeutralBackground2 },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    minHeight: '38px',
    padding: `0 ${tokens.spacingHorizontalS} 0 ${tokens.spacingHorizontalM}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    flexShrink: 0,
  },
  icon: { display: 'flex', fontSize: '16px', color: tokens.colorNeutralForeground2 },
  titles: { display: 'flex', flexDirection: 'column', flex: 1, minWidth: 0 },
  file: { color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  actions: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
});

export interface SidePanelProps {
  readonly title: string;
  readonly icon: ReactElement;
  /** The file the panel is about (its name is shown under the title). */
  readonly path: string;
  readonly onClose: () => void;
  readonly testId: string;
  /** Buttons in the header, before the close button. */
  readonly actions?: ReactNode;
  readonly children: ReactNode;
}

/** The frame of a panel beside the editor (History, Routes, Modules): a titled header with a close button. */
export function SidePanel({ title, icon, path, onClose, testId, actions, children }: SidePanelProps) {
  const styles = useStyles();
  return (
    <aside className={styles.panel} aria-label={title} data-testid={testId}>
      <div className={styles.header}>
        <span className={styles.icon}>{icon}</span>
        <div className={styles.titles}>
          <Text weight="semibold">{title}</Text>
          <Caption1 className={styles.file}>{baseName(path)}</Caption1>
        </div>
        {actions && <div className={styles.actions}>{actions}</div>}
        <Tooltip content={`Close ${title.toLowerCase()}`} relationship="label">
          <Button appearance="subtle" size="small" icon={<DismissRegular />} onClick={onClose} />
        </Tooltip>
      </div>
      {children}
    </aside>
  );
}
