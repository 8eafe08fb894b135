import {
  Button,
  Link,
  makeStyles,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
  Tooltip,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, MoreHorizontalRegular, PlayRegular, StopRegular, TextBulletListLtrRegular } from '@fluentui/react-icons';
import type { ModuleRow } from '../../../../shared/ipc/runtime.contract';
import { restartAvailability, shortTime, uptime } from './format';
import { HostButton } from '../../app/HostButton';
import { useHostActionsEnabled } from '../../ipc/host';
import type { StatusRequest } from './ModuleStatusDialog';
import { ModuleStatusBadge } from './RuntimeStateBadge';
import { useNow } from './use-now';

const useStyles = makeStyles({
  // Long names break where they must, preferably at '-' and '/'.
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere', color: tokens.colorNeutralForeground2 },
  name: { fontWeight: tokens.fontWeightSemibold, textAlign: 'left', overflowWrap: 'anywhere' },
  wide: { width: 'auto' },
  module: { display: 'flex', flexDirection: 'column', padding: `${tokens.spacingVerticalXS} 0`, minWidth: 0 },
  // Fixed widths for the short columns, so that at 1024 px their headers and badges never run into each other.
  desired: { width: '80px', whiteSpace: 'nowrap' },
  status: { width: '92px', whiteSpace: 'nowrap' },
  exit: { width: '48px', whiteSpace: 'nowrap' },
  restarts: { width: '72px', whiteSpace: 'nowrap' },
  uptime: { width: '76px', whiteSpace: 'nowrap' },
  started: { width: '100px', whiteSpace: 'nowrap' },
  actionsCell: { width: '116px' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS, justifyContent: 'flex-end' },
});

export function ModulesTable(props: {
  modules: readonly ModuleRow[];
  version: number;
  onOpen: (name: string, tab: 'details' | 'logs') => void;
  onRestart: (name: string) => void;
  onSetStatus: (request: StatusRequest) => void;
}) {
  const { modules, version, onOpen, onRestart, onSetStatus } = props;
  const styles = useStyles();
  const now = useNow();
  const connected = useHostActionsEnabled();
  return (
    <Table aria-label="Modules" data-testid="modules-table" size="medium">
      <TableHeader>
        <TableRow>
          <TableHeaderCell className={styles.wide}>Module and image</TableHeaderCell>
          <TableHeaderCell className={styles.desired}>Desired</TableHeaderCell>
          <TableHeaderCell className={styles.status}>Runtime</TableHeaderCell>
          <TableHeaderCell className={styles.exit}>Exit</TableHeaderCell>
          <TableHeaderCell className={styles.restarts}>Restarts</TableHeaderCell>
          <TableHeaderCell className={styles.uptime}>Uptime</TableHeaderCell>
          <TableHeaderCell className={styles.started}>Last start</TableHeaderCell>
          <TableHeaderCell aria-label="Actions" className={styles.actionsCell} />
        </TableRow>
      </TableHeader>
      <TableBody>
        {modules.map((m) => (
          <TableRow key={m.name} data-testid={`module-row-${m.name}`}>
            <TableCell>
              <div className={styles.module}>
                <Link as="button" className={styles.name} onClick={() => onOpen(m.name, 'details')}>
                  {m.name}
                </Link>
                <Text className={styles.mono}>{m.image}</Text>
              </div>
            </TableCell>
            <TableCell>{m.desiredStatus}</TableCell>
            <TableCell>
              <ModuleStatusBadge status={m.runtimeStatus} testId={`runtime-status-${m.name}`} />
            </TableCell>
            <TableCell>{m.exitCode ?? '—'}</TableCell>
            <TableCell data-testid={`restarts-${m.name}`}>{m.restartCount}</TableCell>
            <TableCell className={styles.uptime}>{uptime(m, now)}</TableCell>
            <TableCell className={styles.started}>{shortTime(m.startedAt, now)}</TableCell>
            <TableCell>
              <div className={styles.actions}>
                <Tooltip content={`Logs of ${m.name}`} relationship="label">
                  <Button appearance="subtle" icon={<TextBulletListLtrRegular />} onClick={() => onOpen(m.name, 'logs')} data-testid={`logs-${m.name}`} />
                </Tooltip>
                <Tooltip content={restartAvailability(m).tip} relationship="description">
                  <HostButton
                    aria-label={`Restart ${m.name}`}
                    appearance="subtle"
                    icon={<ArrowClockwiseRegular />}
                    onClick={() => onRestart(m.name)}
                    disabledFocusable={!restartAvailability(m).enabled}
                    data-testid={`restart-${m.name}`}
                  />
                </Tooltip>
                <Menu>
                  <MenuTrigger disableButtonEnhancement>
                    <Button appearance="subtle" icon={<MoreHorizontalRegular />} aria-label={`More actions for ${m.name}`} />
                  </MenuTrigger>
                  <MenuPopover>
                    <MenuList>
                      {m.desiredStatus === 'running' ? (
                        <MenuItem icon={<StopRegular />} disabled={!connected} onClick={() => onSetStatus({ module: m.name, status: 'stopped', version, restartPolicy: m.restartPolicy })}>
                          Stop… (desired status stopped, v{version} → v{version + 1})
                        </MenuItem>
                      ) : (
                        <MenuItem icon={<PlayRegular />} disabled={!connected} onClick={() => onSetStatus({ module: m.name, status: 'running', version, restartPolicy: m.restartPolicy })}>
                          Start… (desired status running, v{version} → v{version + 1})
                        </MenuItem>
                      )}
                      <MenuItem onClick={() => onOpen(m.name, 'details')}>Details</MenuItem>
                    </MenuList>
                  </MenuPopover>
                </Menu>
              </div>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
