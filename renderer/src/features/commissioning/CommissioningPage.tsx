import { Badge, Body1, Button, Caption1, Checkbox, makeStyles, mergeClasses, MessageBar, MessageBarBody, MessageBarTitle, ProgressBar, Spinner, Text, Title2, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular, CheckmarkCircleFilled, ChevronDownRegular, ChevronUpRegular, ClipboardTaskListLtrRegular, ErrorCircleFilled, PlayRegular, SubtractCircleRegular, WarningFilled } from '@fluentui/react-icons';
import { useMemo } from 'react';
import type { CheckInfo, CheckReport } from '../../../../shared/commissioning/check-model';
import { GROUP_TITLES } from '../../../../shared/commissioning/check-model';
import { localTime } from '../../app/format-time';
import { HostButton } from '../../app/HostButton';
import { DriftView } from '../drift/DriftView';
import { DeploymentsView, RollbackBanner } from '../rollback/DeploymentsView';
import { CheckList } from './CheckList';
import { EvidenceButton } from './EvidenceDialog';
import { shownRun, type ShownRun } from './check-run';
import { formatDuration, groupRows, problemKeys, progressView, verdict, type VerdictTone } from './check-view';
import { useCommissioningUi } from './commissioning-store';
import { useCheckProgress, useCheckRegistry, useLastReport, useLiveRun, useRunChecks } from './queries';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '1280px', minWidth: 0 },
  header: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  intro: { color: tokens.colorNeutralForeground2, maxWidth: '90ch', margin: 0 },
  controls: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalL, flexWrap: 'wrap' },
  summary: {
    display: 'grid',
    gridTemplateColumns: 'auto minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    alignItems: 'center',
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  verdictIcon: { fontSize: '32px', gridRow: '1 / 3' },
  ok: { color: tokens.colorStatusSuccessForeground1 },
  warning: { color: tokens.colorStatusWarningForeground1 },
  danger: { color: tokens.colorStatusDangerForeground1 },
  neutral: { color: tokens.colorNeutralForeground3 },
  headline: { fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500, fontWeight: tokens.fontWeightSemibold },
  facts: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalL, rowGap: '2px', color: tokens.colorNeutralForeground2 },
  fact: { overflowWrap: 'anywhere' },
  strong: { color: tokens.colorNeutralForeground1, fontWeight: tokens.fontWeightSemibold },
  progress: { gridColumn: '2', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  bar: { display: 'flex', justifyContent: 'flex-end', marginBottom: `-${tokens.spacingVerticalM}` },
  groupChips: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, gridColumn: '2', marginTop: tokens.spacingVerticalXS },
});

const VERDICT_ICON: Record<VerdictTone, typeof CheckmarkCircleFilled> = { ok: CheckmarkCircleFilled, warning: WarningFilled, danger: ErrorCircleFilled, neutral: SubtractCircleRegular };

/**
 * The Commissioning area: every check of `gatehouse check` (the same registry) against this gateway, grouped, with
 * live progress while it runs, each problem open to its fix, and the console's last report restored on load.
 */
export function CommissioningPage() {
  const styles = useStyles();
  useCheckProgress();
  const registry = useCheckRegistry();
  const last = useLastReport();
  const live = useLiveRun();
  const run = useRunChecks();
  const endToEnd = useCommissioningUi((s) => s.endToEnd);
  const setEndToEnd = useCommissioningUi((s) => s.setEndToEnd);
  const shown = shownRun(live.data, last.data);
  const registryChecks = registry.data;
  const running = shown.kind === 'running' || run.isPending;
  const groups = useMemo(() => {
    if (shown.kind === 'running') return groupRows(shown.run.checks.length ? shown.run.checks : (registryChecks ?? []), shown.run.results, true);
    if (shown.kind === 'report') return groupRows(shown.checks.length ? shown.checks : (registryChecks ?? []), shown.report.checks, false);
    return [];
  }, [shown, registryChecks]);
  const hasRun = shown.kind !== 'none';
  const start = () => run.mutate({ endToEnd });

  return (
    <div className={styles.page} data-testid="commissioning-page">
      <div className={styles.header}>
        <Title2 as="h1">Commissioning</Title2>
        <Body1 as="p" className={styles.intro}>
          Prove this gateway ready before you leave it: its deployment, the host, the way to the hub, the modules and the messages, checked the
          way <code>gatehouse check</code> does. Each problem says what to do about it.
        </Body1>
      </div>
      <RollbackBanner />
      <div className={styles.controls}>
        <HostButton
          appearance="primary"
          icon={running ? <Spinner size="extra-tiny" /> : hasRun ? <ArrowClockwiseRegular /> : <PlayRegular />}
          onClick={start}
          disabled={running}
          data-testid="commissioning-run"
        >
          {running ? 'Running checks…' : hasRun ? 'Run again' : 'Run checks'}
        </HostButton>
        <Checkbox
          checked={endToEnd}
          onChange={(_e, d) => setEndToEnd(d.checked === true)}
          disabled={running}
          label="Wait for a message end to end on each route into $upstream (up to 30 s)"
          data-testid="commissioning-end-to-end"
        />
        <EvidenceButton />
      </div>
      {run.isError && (
        <MessageBar intent="error" layout="multiline" data-testid="commissioning-run-error">
          <MessageBarBody>
            <MessageBarTitle>The checks could not run</MessageBarTitle>
            {run.error.message}
          </MessageBarBody>
          <Button icon={<ArrowClockwiseRegular />} onClick={start}>
            Try again
          </Button>
        </MessageBar>
      )}
      {last.isError && !hasRun && (
        <MessageBar intent="warning" layout="multiline" data-testid="commissioning-last-error">
          <MessageBarBody>
            <MessageBarTitle>Could not read the last report</MessageBarTitle>
            {last.error.message}
          </MessageBarBody>
        </MessageBar>
      )}
      <Summary shown={shown} starting={run.isPending} />
      {shown.kind === 'none' && !running && <NotRunYet checks={registryChecks} loading={last.isPending} />}
      {groups.length > 0 && !running && <ProblemsBar keys={problemKeys(groups)} />}
      {groups.length > 0 && <CheckList groups={groups} />}
      <DriftView />
      <DeploymentsView />
    </div>
  );
}

/** Opens or closes every problem's fix at once (a field engineer reads them all before leaving). */
function ProblemsBar({ keys }: { keys: readonly string[] }) {
  const styles = useStyles();
  const setOpen = useCommissioningUi((s) => s.setOpen);
  const allOpen = useCommissioningUi((s) => keys.every((k) => s.open[k] === true));
  if (keys.length === 0) return null;
  return (
    <div className={styles.bar}>
      <Button
        appearance="subtle"
        size="small"
        icon={allOpen ? <ChevronUpRegular /> : <ChevronDownRegular />}
        onClick={() => setOpen(keys, !allOpen)}
        data-testid="commissioning-open-problems"
      >
        {allOpen ? 'Close every problem' : keys.length === 1 ? 'Open the problem' : `Open all ${keys.length} problems`}
      </Button>
    </div>
  );
}

/** The header over the list: progress while running, else the verdict in words with the target and when it ran. */
function Summary({ shown, starting }: { shown: ShownRun; starting: boolean }) {
  const styles = useStyles();
  if (shown.kind === 'running' || starting) {
    const progress = shown.kind === 'running' ? progressView(shown.run.done, shown.run.total) : progressView(0, 0);
    return (
      <section className={styles.summary} aria-label="Progress of the checks" data-testid="commissioning-progress" data-done={progress.done} data-total={progress.total}>
        <Spinner size="medium" className={styles.verdictIcon} aria-hidden />
        <Text className={styles.headline}>Checking the gateway…</Text>
        <div className={styles.progress}>
          <Caption1 aria-live="polite" data-testid="commissioning-progress-label">
            {progress.label}
          </Caption1>
          <ProgressBar value={progress.total ? progress.fraction : undefined} max={1} thickness="large" aria-label="Checks done" />
        </div>
      </section>
    );
  }
  if (shown.kind === 'none') return null;
  return <ReportSummary report={shown.report} restored={shown.restored} />;
}

function ReportSummary({ report, restored }: { report: CheckReport; restored: boolean }) {
  const styles = useStyles();
  const words = verdict(report.counts);
  const Icon = VERDICT_ICON[words.tone];
  const finished = Date.parse(report.finishedAt);
  const took = finished - Date.parse(report.startedAt);
  const { target } = report;
  return (
    <section className={styles.summary} aria-label="Verdict" data-testid="commissioning-summary" data-tone={words.tone} data-ok={report.ok} data-run-id={report.runId} data-restored={restored}>
      <Icon className={mergeClasses(styles.verdictIcon, styles[words.tone])} aria-hidden />
      <Text className={styles.headline} role="status" data-testid="commissioning-verdict">
        {words.headline}
      </Text>
      <div className={styles.facts}>
        <span className={styles.fact} data-testid="commissioning-tally">
          {words.tally}
        </span>
        <span className={styles.fact} data-testid="commissioning-target">
          Device <span className={styles.strong}>{target.deviceId}</span>
          {target.hub ? (
            <>
              {' '}
              on <span className={styles.strong}>{target.hub}</span>
            </>
          ) : (
            ' (no hub)'
          )}
          {target.runtime === 'local' ? ', this machine’s runtime' : ', through the hub only'}
        </span>
        <span className={styles.fact} data-testid="commissioning-when" title={report.finishedAt}>
          {restored ? 'Last run' : 'Ran'} {Number.isFinite(finished) ? localTime(finished, Date.now()) : report.finishedAt}
          {Number.isFinite(took) && took >= 0 ? `, took ${formatDuration(took)}` : ''}
        </span>
      </div>
    </section>
  );
}

function NotRunYet({ checks, loading }: { checks: readonly CheckInfo[] | undefined; loading: boolean }) {
  const styles = useStyles();
  if (loading) return <Spinner size="small" label="Reading the last report…" />;
  const groups = Object.entries(GROUP_TITLES)
    .map(([group, title]) => ({ title, count: (checks ?? []).filter((c) => c.group === group).length }))
    .filter((g) => g.count > 0);
  return (
    <section className={styles.summary} aria-label="Not checked yet" data-testid="commissioning-empty">
      <ClipboardTaskListLtrRegular className={mergeClasses(styles.verdictIcon, styles.neutral)} aria-hidden />
      <Text className={styles.headline}>Not checked yet</Text>
      <Text className={styles.facts}>
        No checks have run from this console. {checks ? `${checks.length} checks are ready, in ${groups.length} groups:` : 'Run them for a verdict.'}
      </Text>
      {groups.length > 0 && (
        <div className={styles.groupChips}>
          {groups.map((g) => (
            <Badge key={g.title} appearance="tint" color="informative" shape="rounded">
              {g.title} · {g.count}
            </Badge>
          ))}
        </div>
      )}
    </section>
  );
}
