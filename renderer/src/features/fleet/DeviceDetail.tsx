import {
  Badge,
  Button,
  makeStyles,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Tab,
  TabList,
  Title3,
  tokens,
  Tooltip,
} from '@fluentui/react-components';
import { DeleteRegular, DismissRegular, KeyResetRegular } from '@fluentui/react-icons';
import { useMemo, useState } from 'react';
import type { ContributedCommand } from '../../app/commands';
import { HostButton } from '../../app/HostButton';
import { useContributeCommands } from '../../app/use-commands';
import { DeleteDeviceDialog } from './DeleteDeviceDialog';
import { EdgePanel } from './EdgePanel';
import { EventsPanel } from './EventsPanel';
import { useFleet, type DetailTab } from './fleet-store';
import { hubProblem } from './hub-error';
import { IdentityPanel } from './IdentityPanel';
import { KEY_CHOICES, keyChoiceLabel, regeneratedTitle, regenerateBlocked, type KeyChoice } from './keys';
import { MessagesPanel } from './MessagesPanel';
import { MethodsPanel } from './MethodsPanel';
import { useDevice, useModules } from './queries';
import { RegenerateKeysDialog } from './RegenerateKeysDialog';
import { TwinsPanel } from './TwinsPanel';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minWidth: 0 },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', minWidth: 0 },
  title: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0, maxWidth: '100%' },
  grow: { flex: 1 },
});

/** One device: identity, twins, the IoT Edge view (edge devices), direct methods, cloud-to-device messages and live events, in tabs. */
export function DeviceDetail({ deviceId, onDeleted }: { deviceId: string; onDeleted: () => void }) {
  const styles = useStyles();
  const device = useDevice(deviceId);
  const modules = useModules(deviceId);
  const tab = useFleet((s) => s.tab);
  const setTab = useFleet((s) => s.setTab);
  const [deleting, setDeleting] = useState(false);
  const [regenerating, setRegenerating] = useState<KeyChoice>();
  const [regenerated, setRegenerated] = useState<KeyChoice>();
  const doc = device.data;
  const edge = (doc?.capabilities as { iotEdge?: unknown } | undefined)?.iotEdge === true;
  const authType = (doc?.authentication as { type?: string } | undefined)?.type;
  const noKeys = doc ? regenerateBlocked(authType) : 'Reading the device…';
  const hasModules = (modules.data?.length ?? 0) > 0;
  const shownTab: DetailTab = tab === 'edge' && !edge ? 'identity' : tab;
  const moduleIds = useMemo(() => (modules.data ?? []).map((m) => String(m.moduleId ?? '')).filter(Boolean).sort(), [modules.data]);

  const commands = useMemo(
    (): ContributedCommand[] => [
      ...(noKeys
        ? []
        : [
            { id: 'fleet.regenerate-keys', title: `Regenerate keys of ${deviceId}…`, group: 'Fleet' as const, keywords: 'sas symmetric key rotate primary secondary reset credentials', needsHost: true, run: () => setRegenerating('primary') },
          ]),
      ...(hasModules
        ? [
            {
              id: 'fleet.module-connection-strings',
              title: `Show the connection strings of ${deviceId}'s module identities`,
              group: 'Fleet' as const,
              keywords: 'module identity connection string key reveal copy',
              run: () => setTab('identity'),
            },
          ]
        : []),
      { id: 'fleet.delete', title: `Delete device ${deviceId}…`, group: 'Fleet', keywords: 'remove identity', needsHost: true, run: () => setDeleting(true) },
      { id: 'fleet.methods', title: `Invoke a direct method on ${deviceId}…`, group: 'Fleet', keywords: 'call method ping restart logs', needsHost: true, run: () => setTab('methods') },
      { id: 'fleet.messages', title: `Send a cloud-to-device message to ${deviceId}…`, group: 'Fleet', keywords: 'c2d message send queue', needsHost: true, run: () => setTab('messages') },
      { id: 'fleet.events', title: `Show live events from ${deviceId}`, group: 'Fleet', keywords: 'telemetry monitor-events messages d2c', run: () => setTab('events') },
      { id: 'fleet.twins', title: `Show the twins of ${deviceId}`, group: 'Fleet', keywords: 'twin desired reported properties', run: () => setTab('twins') },
      ...(edge ? [{ id: 'fleet.edge', title: `Show the IoT Edge modules and routes of ${deviceId}`, group: 'Fleet' as const, keywords: '$edgeAgent $edgeHub stale', run: () => setTab('edge') }] : []),
    ],
    [deviceId, edge, setTab, noKeys, hasModules],
  );
  useContributeCommands('fleet-device', commands);

  if (device.isPending) return <Spinner label={`Reading ${deviceId}…`} />;
  if (device.error) {
    const problem = hubProblem(device.error, `read device ${deviceId}`);
    return (
      <MessageBar intent="error" layout="multiline" data-testid="device-error">
        <MessageBarBody>
          <MessageBarTitle>{problem.title}</MessageBarTitle>
          {problem.message}
        </MessageBarBody>
      </MessageBar>
    );
  }

  return (
    <div className={styles.root} data-testid="device-detail">
      <div className={styles.header}>
        <Title3 as="h2" className={styles.title} title={deviceId} data-testid="device-title">
          {deviceId}
        </Title3>
        {edge && (
          <Badge appearance="tint" color="brand">
            IoT Edge
          </Badge>
        )}
        <span className={styles.grow} />
        {noKeys ? (
          <Tooltip content={noKeys} relationship="description">
            <HostButton icon={<KeyResetRegular />} disabledFocusable data-testid="device-regenerate-keys">
              Regenerate keys…
            </HostButton>
          </Tooltip>
        ) : (
          <Menu>
            <MenuTrigger disableButtonEnhancement>
              <HostButton icon={<KeyResetRegular />} data-testid="device-regenerate-keys" aria-label={`Regenerate keys of ${deviceId}…`}>
                Regenerate keys…
              </HostButton>
            </MenuTrigger>
            <MenuPopover>
              <MenuList>
                {KEY_CHOICES.map((k) => (
                  <MenuItem key={k} onClick={() => setRegenerating(k)} data-testid={`regenerate-menu-${k}`}>
                    {keyChoiceLabel(k)}…
                  </MenuItem>
                ))}
              </MenuList>
            </MenuPopover>
          </Menu>
        )}
        <HostButton icon={<DeleteRegular />} onClick={() => setDeleting(true)} data-testid="device-delete" aria-label={`Delete device ${deviceId}…`}>
          Delete…
        </HostButton>
      </div>
      {regenerated && (
        <MessageBar intent="success" layout="multiline" data-testid="regenerate-keys-done">
          <MessageBarBody>
            <MessageBarTitle>{regeneratedTitle(regenerated)}</MessageBarTitle>
            Devices that used {regenerated === 'both' ? 'the old keys' : `the old ${regenerated} key`} were disconnected: give them the new connection string (Identity › Reveal or Copy).
          </MessageBarBody>
          <MessageBarActions containerAction={<Button appearance="transparent" icon={<DismissRegular />} aria-label="Dismiss" onClick={() => setRegenerated(undefined)} />} />
        </MessageBar>
      )}
      <TabList selectedValue={shownTab} onTabSelect={(_e, d) => setTab(d.value as DetailTab)} aria-label={`${deviceId} views`}>
        <Tab value="identity" data-testid="tab-identity">
          Identity
        </Tab>
        <Tab value="twins" data-testid="tab-twins">
          Twins
        </Tab>
        {edge && (
          <Tab value="edge" data-testid="tab-edge">
            IoT Edge
          </Tab>
        )}
        <Tab value="methods" data-testid="tab-methods">
          Direct methods
        </Tab>
        <Tab value="messages" data-testid="tab-messages">
          Messages
        </Tab>
        <Tab value="events" data-testid="tab-events">
          Events
        </Tab>
      </TabList>
      {shownTab === 'identity' && <IdentityPanel device={doc} modules={modules} />}
      {shownTab === 'twins' && <TwinsPanel deviceId={deviceId} moduleIds={moduleIds} />}
      {shownTab === 'edge' && <EdgePanel deviceId={deviceId} />}
      {shownTab === 'methods' && <MethodsPanel deviceId={deviceId} moduleIds={moduleIds} edge={edge} />}
      {shownTab === 'messages' && <MessagesPanel deviceId={deviceId} />}
      {shownTab === 'events' && <EventsPanel deviceId={deviceId} />}
      {regenerating && (
        <RegenerateKeysDialog
          deviceId={deviceId}
          initial={regenerating}
          onClose={(done) => {
            setRegenerating(undefined);
            if (done) setRegenerated(done);
          }}
        />
      )}
      {deleting && (
        <DeleteDeviceDialog
          deviceId={deviceId}
          moduleCount={moduleIds.length}
          onClose={(deleted) => {
            setDeleting(false);
            if (deleted) onDeleted();
          }}
        />
      )}
    </div>
  );
}
