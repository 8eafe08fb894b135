import {
  Body1,
  Caption1,
  Card,
  CardHeader,
  Field,
  Input,
  makeStyles,
  Radio,
  RadioGroup,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { CopyButton } from './CopyButton';
import { ThemePreference } from '../../../../shared/ipc/app.contract';
import { useHostActionsEnabled } from '../../ipc/host';
import { useAppInfo, useSettings, useUpdateSettings } from './queries';
import { HubsSection } from './HubsSection';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXL, maxWidth: '880px' },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end' },
  grow: { flex: 1 },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function SettingsPage() {
  const styles = useStyles();
  const settings = useSettings();
  const update = useUpdateSettings();
  const connected = useHostActionsEnabled();
  const info = useAppInfo();
  return (
    <div className={styles.page}>
      <Title2 as="h1">Settings</Title2>

      <Card>
        <CardHeader header={<Subtitle2 as="h2">Appearance</Subtitle2>} description={<Caption1>Light, dark, or follow the system.</Caption1>} />
        <Field label="Theme">
          <RadioGroup
            layout="horizontal"
            value={settings.data?.theme ?? 'system'}
            disabled={!connected}
            onChange={(_e, data) => update.mutate({ theme: ThemePreference.parse(data.value) })}
            data-testid="theme-choice"
          >
            <Radio value="system" label="System" />
            <Radio value="light" label="Light" />
            <Radio value="dark" label="Dark" />
          </RadioGroup>
        </Field>
      </Card>

      <HubsSection />

      <Card>
        <CardHeader
          header={<Subtitle2 as="h2">Data folder</Subtitle2>}
          description={<Caption1>Workspaces history, runtime state and secrets live here. Set GATEHOUSE_HOME to move it.</Caption1>}
        />
        <div className={styles.row}>
          <Field label="Path" className={styles.grow}>
            <Input readOnly value={info.data?.dataDir ?? ''} data-testid="data-dir" />
          </Field>
          <CopyButton text={info.data?.dataDir} testId="copy-data-dir" />
        </div>
      </Card>

      <Card>
        <CardHeader
          header={<Subtitle2 as="h2">Local runtime</Subtitle2>}
          description={
            <Caption1>
              Set with GATEHOUSE_DEVICE_ID, GATEHOUSE_RUNTIME_NETWORK (IoT Edge uses the bridge azure-iot-edge; host keeps module traffic on this machine) and GATEHOUSE_WORKLOAD_URI.
            </Caption1>
          }
        />
        <Table size="small" aria-label="Local runtime" data-testid="runtime-settings">
          <TableBody>
            {info.data &&
              [
                ['Device id', info.data.runtime.deviceId],
                ['Network', info.data.runtime.network],
                ['Workload API in modules', info.data.runtime.workloadUri],
                ['Container engine', info.data.runtime.engineEndpoint],
              ].map(([name, value]) => (
                <TableRow key={name}>
                  <TableCell>{name}</TableCell>
                  <TableCell>
                    <Body1>{value}</Body1>
                  </TableCell>
                </TableRow>
              ))}
          </TableBody>
        </Table>
      </Card>

      <Card>
        <CardHeader
          header={<Subtitle2 as="h2">Versions</Subtitle2>}
          description={<Caption1>{info.data ? `${info.data.shell === 'electron' ? 'Desktop app' : 'Served console'} on ${info.data.platform}/${info.data.arch}` : '…'}</Caption1>}
        />
        <Table size="small" aria-label="Component versions" data-testid="versions">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Component</TableHeaderCell>
              <TableHeaderCell>Version</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {[...(info.data?.components ?? []), ...RENDERER_COMPONENTS].map((c) => (
              <TableRow key={c.name}>
                <TableCell>{c.name}</TableCell>
                <TableCell>
                  <Body1>{c.version}</Body1>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {info.isError && <Body1 className={styles.muted}>Could not read versions: {info.error.message}</Body1>}
      </Card>
    </div>
  );
}

const RENDERER_COMPONENTS = [
  { name: 'React', version: __REACT_VERSION__ },
  { name: 'Fluent UI React', version: __FLUENT_VERSION__ },
  { name: 'TanStack Query', version: __QUERY_VERSION__ },
];
