import {
  Button,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  makeStyles,
  OverlayDrawer,
  Spinner,
  Subtitle2,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableRow,
  TabList,
  Text,
  tokens,
} from '@fluentui/react-components';
import { DismissRegular, LockClosedRegular } from '@fluentui/react-icons';
import { LogViewer } from './LogViewer';
import { useModuleDetails } from './queries';

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, height: '100%' },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground3,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    whiteSpace: 'pre',
    overflow: 'auto',
    margin: 0,
  },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  logs: { flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' },
});

export type DrawerTab = 'details' | 'logs';

export function ModuleDrawer({ module, tab, onTab, onClose }: { module: string | undefined; tab: DrawerTab; onTab: (t: DrawerTab) => void; onClose: () => void }) {
  const styles = useStyles();
  const details = useModuleDetails(module);
  return (
    <OverlayDrawer open={module !== undefined} position="end" size="large" onOpenChange={(_e, d) => !d.open && onClose()} data-testid="module-drawer">
      <DrawerHeader>
        <DrawerHeaderTitle action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={onClose} />}>{module}</DrawerHeaderTitle>
        <TabList selectedValue={tab} onTabSelect={(_e, d) => onTab(d.value as DrawerTab)}>
          <Tab value="details">Details</Tab>
          <Tab value="logs">Logs</Tab>
        </TabList>
      </DrawerHeader>
      <DrawerBody className={styles.body}>
        {tab === 'logs' && module && (
          <div className={styles.logs}>
            <LogViewer module={module} />
          </div>
        )}
        {tab === 'details' && details.isPending && <Spinner size="small" />}
        {tab === 'details' && details.isError && <Text>{details.error.message}</Text>}
        {tab === 'details' && details.data && (
          <>
            <Text className={styles.mono}>
              {details.data.image}
              {details.data.containerId ? ` · container ${details.data.containerId.slice(0, 12)}` : ' · no container yet'}
            </Text>
            <Subtitle2 as="h3">Environment</Subtitle2>
            <Table size="extra-small" aria-label="Environment" data-testid="module-env">
              <TableBody>
                {details.data.env.map((e) => (
                  <TableRow key={e.name}>
                    <TableCell className={styles.mono}>{e.name}</TableCell>
                    <TableCell className={styles.mono}>
                      {e.masked && <LockClosedRegular aria-label="masked" />} {e.value}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Subtitle2 as="h3">Effective createOptions</Subtitle2>
            <pre className={styles.code} data-testid="module-create-options">
              {JSON.stringify({ ...details.data.createOptions, Labels: details.data.labels }, null, 2)}
            </pre>
          </>
        )}
      </DrawerBody>
    </OverlayDrawer>
  );
}
