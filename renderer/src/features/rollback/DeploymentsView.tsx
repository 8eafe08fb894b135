import { Badge, Body1, Button, Caption1, makeStyles, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Spinner, Switch, Text, Title3, tokens } from '@fluentui/react-components';
import { ArrowUndoRegular, ChevronDownRegular, ChevronUpRegular, DismissRegular } from '@fluentui/react-icons';
import { useMemo, useState } from 'react';
import type { HistoryEntry } from '../../../../shared/ipc/rollback.contract';
import { localTime } from '../../app/format-time';
import { HostButton } from '../../app/HostButton';
import { bannerView, diffRows, originWords, verdictWords } from './rollback-view';
import { useDeploymentHistory, useRollback, useRollbackEvents, useRollbackState, useSetAuto } from './rollback-queries';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  intro: { color: tokens.colorNeutralForeground2, margin: 0, maxWidth: '90ch' },
  list: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, margin: 0, padding: 0, listStyle: 'none' },
  entry: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  line: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalXXS },
  id: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400, minWidth: '3ch' },
  muted: { color: tokens.colorNeutralForeground2 },
  failed: { color: tokens.colorStatusDangerForeground1 },
  diff: { display: 'grid', gridTemplateColumns: 'minmax(12ch, max-content) minmax(0, 1fr)', columnGap: tokens.spacingHorizontalM, rowGap: '2px', margin: 0 },
  path: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere', margin: 0 },
  values: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere', margin: 0 },
  old: { color: tokens.colorPaletteRedForeground1, textDecorationLine: 'line-through' },
  new: { color: tokens.colorPaletteGreenForeground1 },
  removed: { color: tokens.colorPaletteRedForeground1 },
});

/** Which automatic rollback (its `at`) this browser dismissed: not shown again until the next one. */
const DISMISSED_KEY = 'gatehouse.rollback.dismissedAutoRollback';
function readDismissed(): string | null {
  try {
    return window.localStorage.getItem(DISMISSED_KEY);
  } catch {
    return null;
  }
}

/** The banner at the top of the Commissioning area: the newest deployment failed (roll back?), or an automatic rollback happened. */
export function RollbackBanner() {
  useRollbackEvents();
  const state = useRollbackState();
  const rollback = useRollback();
  const [dismissed, setDismissed] = useState<string | null>(readDismissed);
  const banner = bannerView(state.data, Date.now(), dismissed);
  if (!banner) return null;
  if (banner.kind === 'auto-rolled-back') {
    const dismiss = () => {
      try {
        window.localStorage.setItem(DISMISSED_KEY, banner.at);
      } catch {
        // storage disabled: dismissed for this page only
      }
      setDismissed(banner.at);
    };
    return (
      <MessageBar intent="warning" layout="multiline" data-testid="rollback-auto-banner">
        <MessageBarBody>
          <MessageBarTitle>Automatic rollback</MessageBarTitle>
          {banner.text}
        </MessageBarBody>
        <MessageBarActions containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={dismiss} data-testid="rollback-auto-dismiss" />} />
      </MessageBar>
    );
  }
  return (
    <MessageBar intent="error" layout="multiline" data-testid="rollback-banner" data-bad={banner.id}>
      <MessageBarBody>
        <MessageBarTitle>Bad deployment</MessageBarTitle>
        <span data-testid="rollback-banner-text">{banner.text}</span>
        {rollback.isError && <div data-testid="rollback-error">The rollback failed: {rollback.error.message}</div>}
      </MessageBarBody>
      {banner.to && (
        <MessageBarActions>
          <HostButton appearance="primary" icon={rollback.isPending ? <Spinner size="extra-tiny" /> : <ArrowUndoRegular />} onClick={() => rollback.mutate(undefined)} disabled={rollback.isPending} data-testid="rollback-now">
            Roll back to {banner.to}
          </HostButton>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}

/** Deployments: every applied deployment, newest first, with its verdict, how it came and the changes from the one before. */
export function DeploymentsView() {
  const styles = useStyles();
  const history = useDeploymentHistory();
  const state = useRollbackState();
  const setAuto = useSetAuto();
  const entries = useMemo(() => history.data ?? [], [history.data]);
  const texts = useMemo(() => new Map(entries.map((e) => [e.id, e.text])), [entries]);
  const auto = state.data?.auto ?? false;
  return (
    <section className={styles.section} aria-label="Deployments" data-testid="deployments-view">
      <Title3 as="h2">Deployments</Title3>
      <Body1 as="p" className={styles.intro}>
        Each deployment applied here is watched for {state.data ? Math.round(state.data.windowMs / 1000) : '…'} s: good when its runtime and end-to-end checks pass, bad when they do not (
        <code>gatehouse deployments history</code>, <code>gatehouse rollback</code>).
      </Body1>
      <Switch
        checked={auto}
        disabled={!state.data || setAuto.isPending}
        onChange={(_e, d) => setAuto.mutate(d.checked)}
        label="Roll back automatically when a deployment fails its checks"
        data-testid="rollback-auto"
      />
      {state.data?.watching && (
        <Caption1 className={styles.muted} data-testid="rollback-watching">
          Watching {state.data.watching.id} until {new Date(state.data.watching.until).toLocaleTimeString()}
        </Caption1>
      )}
      {(history.isError || state.isError || setAuto.isError) && (
        <MessageBar intent="error" data-testid="deployments-error">
          <MessageBarBody>{(history.error ?? state.error ?? setAuto.error)?.message}</MessageBarBody>
        </MessageBar>
      )}
      {history.isPending && <Spinner size="small" label="Reading the history…" />}
      {history.data && entries.length === 0 && <Caption1 data-testid="deployments-empty">No deployment applied from this console yet.</Caption1>}
      {entries.length > 0 && (
        <ul className={styles.list} data-testid="deployments-list">
          {entries.map((e) => (
            <DeploymentItem key={e.id} entry={e} previousText={e.previous ? texts.get(e.previous) : undefined} lastKnownGood={state.data?.lastKnownGood ?? null} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DeploymentItem({ entry, previousText, lastKnownGood }: { entry: HistoryEntry; previousText: string | undefined; lastKnownGood: string | null }) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  const verdict = verdictWords(entry);
  const at = Date.parse(entry.appliedAt);
  const rows = useMemo(() => (open ? diffRows(entry.diff, previousText) : []), [open, entry.diff, previousText]);
  return (
    <li className={styles.entry} data-testid={`deployment-${entry.id}`} data-verdict={entry.superseded ? 'superseded' : entry.verdict} data-origin={entry.origin}>
      <div className={styles.line}>
        <Text className={styles.id}>{entry.id}</Text>
        <Badge appearance="filled" color={verdict.tone} data-testid="deployment-verdict">
          {verdict.label}
        </Badge>
        {entry.id === lastKnownGood && (
          <Badge appearance="tint" color="success">
            Last known good
          </Badge>
        )}
        <Caption1 data-testid="deployment-origin">{originWords(entry)}</Caption1>
        <Caption1 className={styles.muted} title={entry.appliedAt}>
          {Number.isFinite(at) ? localTime(at, Date.now()) : entry.appliedAt}
        </Caption1>
        <Caption1 className={styles.muted} title={entry.sha256}>
          sha256 {entry.sha256.slice(0, 12)}…
        </Caption1>
      </div>
      {verdict.detail && (
        <Caption1 className={entry.verdict === 'bad' ? styles.failed : styles.muted} data-testid="deployment-detail">
          {verdict.detail}
        </Caption1>
      )}
      {entry.previous && (
        <div>
          <Button appearance="subtle" size="small" icon={open ? <ChevronUpRegular /> : <ChevronDownRegular />} onClick={() => setOpen(!open)} aria-expanded={open} data-testid="deployment-diff-toggle">
            {entry.diff.length === 0 ? `No changes from ${entry.previous}` : `Changes from ${entry.previous} (${entry.diff.length})`}
          </Button>
        </div>
      )}
      {open && rows.length > 0 && (
        <dl className={styles.diff} data-testid="deployment-diff">
          {rows.map((r) => (
            <div key={r.key} style={{ display: 'contents' }} data-kind={r.kind}>
              <dt className={styles.path}>{r.path}</dt>
              <dd className={styles.values}>
                {r.kind === 'added' && <span className={styles.new}>added {r.after}</span>}
                {r.kind === 'removed' && <span className={styles.removed}>removed {r.before}</span>}
                {r.kind === 'moved' && <span>moved from {r.before}</span>}
                {r.kind === 'changed' && (
                  <>
                    <span className={styles.old}>{r.before ?? '—'}</span> → <span className={styles.new}>{r.after}</span>
                  </>
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}
