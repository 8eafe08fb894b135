import {
  Badge,
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
import { useEffect, useState } from 'react';
import type { ModuleRow } from '../../../../shared/ipc/runtime.contract';
import { shortTime, statusTone, uptime } from './format';
import { HostButton } from '../../app/HostButton';
import { useHostActionsEnabled } from '../../ipc/host';
import { useRuntimeActions } from './queries';

const useStyles = makeStyles({
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  name: { fontWeight: tokens.fontWeightSemibold, textAlign: 'left', wordBreak: 'break-all' },
  wide: { width: '22%' },
  actionsCell: { width: '120px' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS, justifyContent: 'flex-end' },
});

function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function ModulesTable({ modules, onOpen }: { modules: readonly ModuleRow[]; onOpen: (name: string, tab: 'details' | 'logs') => void }) {
  const styles = useStyles();
  const now = useNow();
  const { restart, setStatus } = useRuntimeActions();
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
              <Badge appearance="tint" color={statusTone(m.runtimeStatus)} data-testid={`runtime-status-${m.name}`}>
                {m.runtimeStatus}
              </Badge>
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
                <Tooltip content="Restart" relationship="label">
                  <HostButton appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={() => restart.mutate(m.name)} disabled={!m.containerId} data-testid={`restart-${m.name}`} />
                </Tooltip>
                <Menu>
                  <MenuTrigger disableButtonEnhancement>
                    <Button appearance="subtle" icon={<MoreHorizontalRegular />} aria-label={`More actions for ${m.name}`} />
                  </MenuTrigger>
                  <MenuPopover>
                    <MenuList>
                      {m.desiredStatus === 'running' ? (
                        <MenuItem icon={<StopRegular />} disabled={!connected} onClick={() => setStatus.mutate({ name: m.name, status: 'stopped' })}>
                          Stop (desired status: stopped)
                        </MenuItem>
                      ) : (
                        <MenuItem icon={<PlayRegular />} disabled={!connected} onClick={() => setStatus.mutate({ name: m.name, status: 'running' })}>
                          Start (desired status: running)
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
