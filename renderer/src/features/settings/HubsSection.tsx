import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { EyeOffRegular, EyeRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { HubEntry, HubList } from '../../../../shared/ipc/cloud.contract';
import { HostButton } from '../../app/HostButton';
import { CopyButton } from './CopyButton';
import { useHubActions, useHubReveal, useHubs } from './hubs.queries';

const useStyles = makeStyles({
  form: { display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 1fr) auto', gap: tokens.spacingHorizontalS, alignItems: 'start' },
  secret: { minWidth: 0 },
  name: { minWidth: 0 },
  input: { width: '100%', minWidth: 0, boxSizing: 'border-box' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, justifyContent: 'end' },
  button: { marginTop: '22px' },
  muted: { color: tokens.colorNeutralForeground3 },
  secretLine: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS, minWidth: 0 },
  secretText: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    flex: '1 1 320px',
    minWidth: 0,
    overflowWrap: 'anywhere',
    userSelect: 'all',
  },
});

/** What a cloud hub's connection string looks like before it is revealed: only what the list already says. */
export function maskedConnectionString(hub: Pick<HubEntry, 'hostName' | 'policy'>): string {
  return `HostName=${hub.hostName};SharedAccessKeyName=${hub.policy};SharedAccessKey=••••••••`;
}

/**
 * A cloud hub's connection string under its row: masked; Show asks the host for it (hubReveal) on that click only;
 * Hide drops it (the mutation's data, nothing else keeps it).
 */
function HubConnectionString({ hub }: { hub: HubEntry }) {
  const styles = useStyles();
  const reveal = useHubReveal();
  const shown = reveal.data?.connectionString;
  return (
    <TableRow data-testid={`hub-secret-${hub.id}`} aria-label={`Connection string of ${hub.name}`}>
      <TableCell colSpan={4}>
        <div className={styles.secretLine}>
          <Caption1 className={styles.muted}>Connection string</Caption1>
          <span className={styles.secretText} data-testid={`hub-secret-text-${hub.id}`} data-revealed={shown !== undefined}>
            {shown ?? maskedConnectionString(hub)}
          </span>
          {shown === undefined ? (
            <HostButton
              size="small"
              icon={<EyeRegular />}
              disabled={reveal.isPending}
              onClick={() => reveal.mutate(hub.id)}
              aria-label={`Show the connection string of ${hub.name}`}
              data-testid={`hub-reveal-${hub.id}`}
            >
              {reveal.isPending ? 'Reading…' : 'Show'}
            </HostButton>
          ) : (
            <>
              <CopyButton text={shown} size="small" label="Copy" testId={`hub-copy-${hub.id}`} />
              <Button size="small" icon={<EyeOffRegular />} onClick={() => reveal.reset()} aria-label={`Hide the connection string of ${hub.name}`} data-testid={`hub-hide-${hub.id}`}>
                Hide
              </Button>
            </>
          )}
        </div>
        {reveal.isError && (
          <Body1 data-testid={`hub-reveal-error-${hub.id}`}>
            Could not read the connection string of {hub.name}: {reveal.error.message}
          </Body1>
        )}
      </TableCell>
    </TableRow>
  );
}

/** Rename a hub: a name is needed; what the host refuses (the local hub keeps its name) is said under the field. */
function RenameDialog({ hub, onClose }: { hub: HubEntry; onClose: () => void }) {
  const { rename } = useHubActions();
  const [name, setName] = useState(hub.name);
  const empty = name.trim() === '';
  const message = empty ? 'A name is needed.' : rename.isError ? `Could not rename ${hub.name}: ${rename.error.message}` : undefined;
  const close = onClose;
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && close()}>
      <DialogSurface data-testid="hub-rename-dialog">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!empty) rename.mutate({ id: hub.id, name: name.trim() }, { onSuccess: close });
          }}
        >
          <DialogBody>
            <DialogTitle>Rename {hub.name}</DialogTitle>
            <DialogContent>
              <Field label="Name" validationState={message ? 'error' : 'none'} validationMessage={message} data-testid="hub-rename-field">
                <Input
                  value={name}
                  onChange={(_e, d) => {
                    setName(d.value);
                    if (rename.isError) rename.reset();
                  }}
                  data-testid="hub-rename-input"
                />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button onClick={close}>Cancel</Button>
              <HostButton type="submit" appearance="primary" disabled={empty || rename.isPending} data-testid="hub-rename-confirm">
                {rename.isPending ? 'Renaming…' : 'Rename'}
              </HostButton>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

export function secretStorageSentence(storage: HubList['secretStorage']): string {
  switch (storage) {
    case 'keychain':
      return 'Connection strings are stored with the OS keychain.';
    case 'file':
      return 'Connection strings are stored in an encrypted file in the data folder (weaker: anyone who can read the data folder can read them).';
    default: {
      const never: never = storage;
      return never;
    }
  }
}

/** Settings › Hubs: the hubs the console can connect to, adding one by connection string, choosing the active one. */
export function HubsSection() {
  const styles = useStyles();
  const hubs = useHubs();
  const { add, remove, select } = useHubActions();
  const [connectionString, setConnectionString] = useState('');
  const [name, setName] = useState('');
  const [eventHubsConnectionString, setEventHubsConnectionString] = useState('');
  const [removing, setRemoving] = useState<HubEntry | undefined>();
  const [renaming, setRenaming] = useState<HubEntry | undefined>();
  const list = hubs.data;

  const submit = () =>
    add.mutate(
      { connectionString, ...(name.trim() ? { name: name.trim() } : {}), ...(eventHubsConnectionString.trim() ? { eventHubsConnectionString: eventHubsConnectionString.trim() } : {}) },
      {
        onSuccess: () => {
          setConnectionString('');
          setName('');
          setEventHubsConnectionString('');
        },
      },
    );

  return (
    <Card data-testid="hubs-section">
      <CardHeader
        header={<Subtitle2 as="h2">Hubs</Subtitle2>}
        description={<Caption1>The IoT Hub the console works with: the embedded local hub, or one you add by its service connection string (a shared access policy such as iothubowner).</Caption1>}
      />
      <Table size="small" aria-label="Hubs" data-testid="hubs-table">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Name</TableHeaderCell>
            <TableHeaderCell>Host</TableHeaderCell>
            <TableHeaderCell>Policy</TableHeaderCell>
            <TableHeaderCell />
          </TableRow>
        </TableHeader>
        <TableBody>
          {list?.hubs.map((hub) => {
            const active = hub.id === list.active;
            return [
              <TableRow key={hub.id} data-testid={`hub-row-${hub.id}`}>
                <TableCell>
                  <Body1>{hub.name}</Body1> {active && <Badge appearance="tint" color="success">active</Badge>}
                </TableCell>
                <TableCell>{hub.hostName}</TableCell>
                <TableCell>
                  {hub.policy}
                  {hub.eventHubs && (
                    <Caption1 className={styles.muted} data-testid={`hub-events-${hub.id}`}>
                      {' '}
                      · events: {hub.eventHubs.entityPath} ({hub.eventHubs.consumerGroup})
                    </Caption1>
                  )}
                </TableCell>
                <TableCell>
                  <div className={styles.actions}>
                    {!active && (
                      <HostButton size="small" onClick={() => select.mutate(hub.id)} disabled={select.isPending} data-testid={`hub-use-${hub.id}`}>
                        Use
                      </HostButton>
                    )}
                    <HostButton size="small" appearance="subtle" onClick={() => setRenaming(hub)} aria-label={`Rename ${hub.name}`} data-testid={`hub-rename-${hub.id}`}>
                      Rename
                    </HostButton>
                    {hub.kind === 'cloud' && (
                      <HostButton size="small" appearance="subtle" onClick={() => setRemoving(hub)} data-testid={`hub-remove-${hub.id}`}>
                        Remove
                      </HostButton>
                    )}
                  </div>
                </TableCell>
              </TableRow>,
              hub.kind === 'cloud' && <HubConnectionString key={`${hub.id}-secret`} hub={hub} />,
            ];
          })}
        </TableBody>
      </Table>
      {hubs.isError && <Body1 className={styles.muted}>Could not read the hubs: {hubs.error.message}</Body1>}
      {select.isError && <Body1 data-testid="hub-select-error">{select.error.message}</Body1>}
      {remove.isError && <Body1 data-testid="hub-remove-error">{remove.error.message}</Body1>}

      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field
          label="Connection string"
          className={styles.secret}
          validationState={add.isError ? 'error' : 'none'}
          validationMessage={add.isError ? add.error.message : undefined}
          data-testid="hub-add-field"
        >
          <Input
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="HostName=…;SharedAccessKeyName=…;SharedAccessKey=…"
            value={connectionString}
            onChange={(_e, d) => {
              setConnectionString(d.value);
              if (add.isError) add.reset();
            }}
            className={styles.input}
            data-testid="hub-connection-string"
          />
        </Field>
        <Field
          label="Event Hubs-compatible connection string (optional, for live events)"
          hint="Azure portal › your IoT hub › Hub settings › Built-in endpoints"
          className={styles.secret}
          data-testid="hub-add-eventhubs-field"
        >
          <Input
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="Endpoint=sb://…/;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=…"
            value={eventHubsConnectionString}
            onChange={(_e, d) => {
              setEventHubsConnectionString(d.value);
              if (add.isError) add.reset();
            }}
            className={styles.input}
            data-testid="hub-eventhubs-connection-string"
          />
        </Field>
        <Field label="Name (optional)" className={styles.name}>
          <Input className={styles.input} value={name} onChange={(_e, d) => setName(d.value)} placeholder="the host name" data-testid="hub-name" />
        </Field>
        <HostButton className={styles.button} type="submit" appearance="primary" disabled={!connectionString.trim() || add.isPending} data-testid="hub-add">
          {add.isPending ? 'Connecting…' : 'Add hub'}
        </HostButton>
      </form>
      {list && (
        <Caption1 className={styles.muted} data-testid="hub-secret-storage">
          {secretStorageSentence(list.secretStorage)}
        </Caption1>
      )}

      {renaming && <RenameDialog key={renaming.id} hub={renaming} onClose={() => setRenaming(undefined)} />}

      <Dialog open={removing !== undefined} onOpenChange={(_e, d) => !d.open && setRemoving(undefined)}>
        <DialogSurface data-testid="hub-remove-dialog">
          <DialogBody>
            <DialogTitle>Remove {removing?.name}?</DialogTitle>
            <DialogContent>
              Gatehouse forgets {removing?.hostName} and its connection string{removing?.id === list?.active ? ' and connects to the local hub' : ''}. The hub itself is not changed.
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setRemoving(undefined)}>Cancel</Button>
              <HostButton
                appearance="primary"
                data-testid="hub-remove-confirm"
                onClick={() => removing && remove.mutate(removing.id, { onSettled: () => setRemoving(undefined) })}
              >
                Remove
              </HostButton>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </Card>
  );
}
