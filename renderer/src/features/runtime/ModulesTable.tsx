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
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  name: { fontWeight: tokens.fontWeightSemibold, textAlign: 'left', wordBreak: 'break-all' },
  wide: { width: '22%' },
  actionsCell: { width: '120px' },
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
          <TableHeaderCell className={styles.wide}>Module</TableHeaderCell>
          <TableHeaderCell className={styles.wide}>Image</TableHeaderCell>
          <TableHeaderCell>Desired</TableHeaderCell>
          <TableHeaderCell>Runtime</TableHeaderCell>
          <TableHeaderCell>Exit</TableHeaderCell>
          <TableHeaderCell>Restarts</TableHeaderCell>
          <TableHeaderCell>Uptime</TableHeaderCell>
          <TableHeaderCell>Last start</TableHeaderCell>
          <TableHeaderCell aria-label="Actions" className={styles.actionsCell} />
        </TableRow>
      </TableHeader>
      <TableBody>
        {modules.map((m) => (
          <TableRow key={m.name} data-testid={`module-row-${m.name}`}>
            <TableCell>
              <Link as="button" className={styles.name} onClick={() => onOpen(m.name, 'details')}>
                {m.name}
              </Link>
            </TableCell>
            <TableCell>
              <Text className={styles.mono}>{m.image}</Text>
            </TableCell>
            <TableCell>{m.desiredStatus}</TableCell>
            <TableCell>
              <ModuleStatusBadge status={m.runtimeStatus} testId={`runtime-status-${m.name}`} />
            </TableCell>
            <TableCell>{m.exitCode ?? '—'}</TableCell>
            <TableCell data-testid={`restarts-${m.name}`}>{m.restartCount}</TableCell>
            <TableCell>{uptime(m, now)}</TableCell>
            <TableCell>{shortTime(m.startedAt, now)}</TableCell>
            <TableCell>
              <div className={styles.actions}>
                <Tooltip content="Logs" relationship="label">
                  <Button appearance="subtle" icon={<TextBulletListLtrRegular />} onClick={() => onOpen(m.name, 'logs')} data-testid={`logs-${m.name}`} />
                </Tooltip>
                <Tooltip content={restartAvailability(m).tip} relationship="label">
                  <HostButton
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
