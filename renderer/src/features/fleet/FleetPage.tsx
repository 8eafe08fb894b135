import { Button, Caption1, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Title2, Title3, ToggleButton, tokens, Tooltip } from '@fluentui/react-components';
import { AddRegular, ArrowClockwiseRegular, PulseRegular } from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ContributedCommand } from '../../app/commands';
import { HostButton } from '../../app/HostButton';
import { useContributeCommands } from '../../app/use-commands';
import type { DevicePage } from '../../../../shared/ipc/cloud.contract';
import { CreateDeviceDialog } from './CreateDeviceDialog';
import { DeviceDetail } from './DeviceDetail';
import { DeviceFiltersBar } from './DeviceFiltersBar';
import { DeviceList } from './DeviceList';
import { EventsPanel } from './EventsPanel';
import { buildDeviceQuery, deviceRow, type DeviceRow } from './device-query';
import { useFleet } from './fleet-store';
import { hubProblem } from './hub-error';
import { HubUnavailable } from './HubUnavailable';
import { fleetKeys, useActiveHub, useDevicePages, useLocalHubState } from './queries';

const useStyles = makeStyles({
  page: { display: 'grid', gridTemplateRows: 'auto auto minmax(0, 1fr)', gap: tokens.spacingVerticalM, height: '100%', minHeight: 0 },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  grow: { flex: 1 },
  hub: { color: tokens.colorNeutralForeground2, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0 },
  split: {
    display: 'grid',
    gridTemplateColumns: 'minmax(240px, 340px) minmax(0, 1fr)',
    gap: tokens.spacingHorizontalL,
    minHeight: 0,
    '@media (max-width: 1279px)': { gridTemplateColumns: 'minmax(220px, 280px) minmax(0, 1fr)', gap: tokens.spacingHorizontalM },
  },
  detail: { minHeight: 0, minWidth: 0, overflow: 'auto' },
  events: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minWidth: 0 },
  empty: { padding: tokens.spacingVerticalXXL, textAlign: 'center', color: tokens.colorNeutralForeground2 },
});

/** Rows of a page, read once per page (pages are immutable; a new page must not re-read the 10,000 before it). */
const rowsOfPage = new WeakMap<DevicePage, readonly DeviceRow[]>();
function pageRows(page: DevicePage): readonly DeviceRow[] {
  let rows = rowsOfPage.get(page);
  if (!rows) {
    rows = page.items.flatMap((doc) => deviceRow(doc) ?? []);
    rowsOfPage.set(page, rows);
  }
  return rows;
}

/** Errors that mean there is no hub to talk to: the area shows why instead of an empty list. */
const HUB_DOWN = new Set(['DISCONNECTED', 'UNAUTHORIZED', 'TIMEOUT']);

export function FleetPage() {
  const styles = useStyles();
  const filters = useFleet((s) => s.filters);
  const selected = useFleet((s) => s.selected);
  const select = useFleet((s) => s.select);
  const allEvents = useFleet((s) => s.allEvents);
  const showAllEvents = useFleet((s) => s.showAllEvents);
  const query = buildDeviceQuery(filters);
  const pages = useDevicePages(query);
  const hub = useLocalHubState();
  const activeHub = useActiveHub();
  const hubChanged = useFleet((s) => s.hubChanged);
  useEffect(() => {
    if (activeHub) hubChanged(activeHub.id);
  }, [activeHub, hubChanged]);
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);

  const rows = useMemo(() => (pages.data?.pages ?? []).flatMap(pageRows), [pages.data]);
  const problem = pages.error ? hubProblem(pages.error, 'list the devices') : undefined;
  const hubDown = problem !== undefined && HUB_DOWN.has(problem.code);
  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: fleetKeys.all }), [queryClient]);

  const commands = useMemo(
    (): ContributedCommand[] =>
      hubDown
        ? []
        : [
            { id: 'fleet.create', title: 'Create a device on the hub…', group: 'Fleet', keywords: 'new device identity edge add', needsHost: true, run: () => setCreating(true) },
            { id: 'fleet.all-events', title: 'Show live events from all devices', group: 'Fleet', keywords: 'telemetry monitor-events messages d2c', run: () => showAllEvents(true) },
            { id: 'fleet.refresh', title: 'Refresh the device list', group: 'Fleet', keywords: 'reload devices query', needsHost: true, run: refresh },
          ],
    [hubDown, refresh, showAllEvents],
  );
  useContributeCommands('fleet', commands);

  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <Title2 as="h1">Fleet</Title2>
        {activeHub && (
          <Caption1 className={styles.hub} title={`Devices of ${activeHub.hostName} (${activeHub.policy}); hubs are chosen in Settings › Hubs`} data-testid="fleet-hub">
            {activeHub.kind === 'local' || activeHub.name === activeHub.hostName ? activeHub.name : `${activeHub.name} · ${activeHub.hostName}`}
          </Caption1>
        )}
        <span className={styles.grow} />
        <Tooltip content="Device-to-cloud messages of every device, as they arrive (az iot hub monitor-events)" relationship="description">
          <ToggleButton icon={<PulseRegular />} checked={allEvents} disabled={hubDown} onClick={() => showAllEvents(!allEvents)} data-testid="fleet-all-events">
            All events
          </ToggleButton>
        </Tooltip>
        <Tooltip content="Ask the hub again (devices, twins, connection states)" relationship="description">
          <Button icon={<ArrowClockwiseRegular />} onClick={refresh} data-testid="fleet-refresh">
            Refresh
          </Button>
        </Tooltip>
        <HostButton icon={<AddRegular />} appearance="primary" disabled={hubDown} onClick={() => setCreating(true)} data-testid="fleet-create">
          New device…
        </HostButton>
      </div>
      {hubDown ? (
        <>
          <span />
          <HubUnavailable problem={problem} hub={hub.data} retrying={pages.isFetching} onRetry={refresh} />
        </>
      ) : (
        <>
          <DeviceFiltersBar queryError={problem} query={query} />
          <div className={styles.split}>
            <DeviceList
              rows={rows}
              loading={pages.isPending}
              hasMore={pages.hasNextPage}
              loadingMore={pages.isFetchingNextPage}
              onNeedMore={() => void pages.fetchNextPage()}
              selected={selected}
              onSelect={select}
              failed={problem !== undefined}
            />
            <section className={styles.detail} aria-label="Device">
              {problem && !hubDown && problem.code !== 'BAD_REQUEST' ? (
                <MessageBar intent="error" layout="multiline">
                  <MessageBarBody>
                    <MessageBarTitle>{problem.title}</MessageBarTitle>
                    {problem.message}
                  </MessageBarBody>
                </MessageBar>
              ) : allEvents ? (
                <div className={styles.events}>
                  <Title3 as="h2">All devices</Title3>
                  <EventsPanel />
                </div>
              ) : selected ? (
                <DeviceDetail key={selected} deviceId={selected} onDeleted={() => select(undefined)} />
              ) : (
                <div className={styles.empty} data-testid="fleet-no-selection">
                  {rows.length > 0 ? 'Select a device to see its identity, twins and modules.' : pages.isPending ? '' : 'No device matches. Create one with New device…, or change the filters.'}
                </div>
              )}
            </section>
          </div>
        </>
      )}
      {creating && (
        <CreateDeviceDialog
          onClose={(created) => {
            setCreating(false);
            if (created) select(created);
          }}
        />
      )}
    </div>
  );
}
