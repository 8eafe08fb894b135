import { Caption1, createFocusOutlineStyle, makeStyles, mergeClasses, Spinner, Subtitle2, tokens } from '@fluentui/react-components';
import { CheckmarkCircleFilled, ChevronDownRegular, ChevronRightRegular, ErrorCircleFilled, SubtractCircleRegular, WarningFilled } from '@fluentui/react-icons';
import { memo, useId } from 'react';
import { useCommissioningUi } from './commissioning-store';
import { codeParts, dataEntries, expandable, formatDuration, rowDetail, STATUS_WORD, type CheckRow, type GroupView, type RowStatus } from './check-view';

const useStyles = makeStyles({
  groups: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  group: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  groupHead: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    paddingBottom: tokens.spacingVerticalS,
    borderBottom: `1px solid ${tokens.colorNeutralStroke1}`,
    flexWrap: 'wrap',
  },
  groupTitle: { margin: 0 },
  caption: { color: tokens.colorNeutralForeground3 },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  row: { borderBottom: `1px solid ${tokens.colorNeutralStroke3}` },
  head: {
    display: 'grid',
    // status | title | detail | duration | chevron
    gridTemplateColumns: '104px minmax(160px, 260px) minmax(0, 1fr) auto 20px',
    alignItems: 'start',
    columnGap: tokens.spacingHorizontalM,
    width: '100%',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
    boxSizing: 'border-box',
    textAlign: 'left',
    font: 'inherit',
    color: tokens.colorNeutralForeground1,
    backgroundColor: 'transparent',
    border: 'none',
    borderRadius: tokens.borderRadiusMedium,
    '@media (max-width: 1199px)': { gridTemplateColumns: '96px minmax(140px, 200px) minmax(0, 1fr) auto 20px' },
  },
  button: {
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundHover },
    ':active': { backgroundColor: tokens.colorSubtleBackgroundPressed },
    ...createFocusOutlineStyle(),
  },
  status: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase200, lineHeight: tokens.lineHeightBase300 },
  icon: { fontSize: '16px', flexShrink: 0 },
  ok: { color: tokens.colorStatusSuccessForeground1 },
  warning: { color: tokens.colorStatusWarningForeground1 },
  error: { color: tokens.colorStatusDangerForeground1 },
  skipped: { color: tokens.colorNeutralForeground3 },
  waiting: { color: tokens.colorNeutralForeground3 },
  title: { fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere', lineHeight: tokens.lineHeightBase300 },
  detail: { color: tokens.colorNeutralForeground2, overflowWrap: 'anywhere', minWidth: 0, lineHeight: tokens.lineHeightBase300 },
  clamp: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  duration: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', lineHeight: tokens.lineHeightBase300 },
  chevron: { fontSize: '16px', color: tokens.colorNeutralForeground3, marginTop: '2px' },
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: '0.92em', padding: '0 3px', borderRadius: tokens.borderRadiusSmall, backgroundColor: tokens.colorNeutralBackground1 },
  panel: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    margin: `0 ${tokens.spacingHorizontalS} ${tokens.spacingVerticalM} calc(104px + ${tokens.spacingHorizontalM} + ${tokens.spacingHorizontalS})`,
    '@media (max-width: 1199px)': { marginLeft: tokens.spacingHorizontalS },
  },
  fix: {
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderLeft: `3px solid ${tokens.colorBrandStroke1}`,
    backgroundColor: tokens.colorBrandBackground2,
    borderRadius: tokens.borderRadiusMedium,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  fixLabel: { fontWeight: tokens.fontWeightSemibold, marginRight: tokens.spacingHorizontalS },
  data: { display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', columnGap: tokens.spacingHorizontalM, rowGap: '2px', margin: 0, fontSize: tokens.fontSizeBase200 },
  dataKey: { color: tokens.colorNeutralForeground3 },
  dataValue: { margin: 0, fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
});

/** A status as an icon and a word (the colour is never the only cue). */
export function StatusMark({ status, testId }: { status: RowStatus; testId?: string }) {
  const styles = useStyles();
  const tone = styles[status];
  const icon =
    status === 'ok' ? (
      <CheckmarkCircleFilled className={mergeClasses(styles.icon, tone)} aria-hidden />
    ) : status === 'warning' ? (
      <WarningFilled className={mergeClasses(styles.icon, tone)} aria-hidden />
    ) : status === 'error' ? (
      <ErrorCircleFilled className={mergeClasses(styles.icon, tone)} aria-hidden />
    ) : status === 'skipped' ? (
      <SubtractCircleRegular className={mergeClasses(styles.icon, tone)} aria-hidden />
    ) : (
      <Spinner size="extra-tiny" aria-hidden />
    );
  return (
    <span className={mergeClasses(styles.status, tone)} data-testid={testId}>
      {icon}
      {STATUS_WORD[status]}
    </span>
  );
}

/** The checklist, grouped (GROUP_TITLES order); each group a list of rows, problems open to their fix. */
export function CheckList({ groups }: { groups: readonly GroupView[] }) {
  const styles = useStyles();
  return (
    <div className={styles.groups} data-testid="check-list">
      {groups.map((g) => (
        <CheckGroupSection key={g.group} group={g} />
      ))}
    </div>
  );
}

function CheckGroupSection({ group }: { group: GroupView }) {
  const styles = useStyles();
  const headingId = useId();
  return (
    <section className={styles.group} aria-labelledby={headingId} data-testid={`check-group-${group.group}`} data-status={group.status}>
      <div className={styles.groupHead}>
        <Subtitle2 as="h2" id={headingId} className={styles.groupTitle}>
          {group.title}
        </Subtitle2>
        <Caption1 className={styles.caption} data-testid="check-group-caption">
          {group.caption}
        </Caption1>
      </div>
      <ul className={styles.list} aria-labelledby={headingId}>
        {group.rows.map((row) => (
          <CheckRowItem key={row.key} row={row} />
        ))}
      </ul>
    </section>
  );
}

const CheckRowItem = memo(function CheckRowItem({ row }: { row: CheckRow }) {
  const styles = useStyles();
  const panelId = useId();
  const canOpen = expandable(row);
  const open = useCommissioningUi((s) => canOpen && s.open[row.key] === true);
  const toggle = useCommissioningUi((s) => s.toggle);
  const result = row.result;
  const detail = result ? rowDetail(result) : 'No result yet.';
  const cells = (
    <>
      <StatusMark status={row.status} testId="check-status" />
      <span className={styles.title} data-testid="check-title">
        {row.title}
      </span>
      <span className={mergeClasses(styles.detail, canOpen && !open && styles.clamp)} data-testid="check-detail" title={canOpen && !open ? detail : undefined}>
        <WithCode text={detail} />
      </span>
      <span className={styles.duration}>{result ? formatDuration(result.durationMs) : ''}</span>
      {canOpen ? open ? <ChevronDownRegular className={styles.chevron} aria-hidden /> : <ChevronRightRegular className={styles.chevron} aria-hidden /> : <span />}
    </>
  );
  return (
    <li className={styles.row} data-testid="check-row" data-check-id={row.key} data-status={row.status} aria-busy={row.status === 'waiting' || undefined}>
      {canOpen ? (
        <button
          type="button"
          className={mergeClasses(styles.head, styles.button)}
          aria-expanded={open}
          aria-controls={open ? panelId : undefined}
          onClick={() => toggle(row.key)}
          data-testid="check-toggle"
        >
          {cells}
        </button>
      ) : (
        <div className={styles.head}>{cells}</div>
      )}
      {open && result && (
        <div id={panelId} className={styles.panel} role="region" aria-label={`${row.title}: what to do`} data-testid="check-panel">
          {result.fix !== undefined && (
            <div className={styles.fix} data-testid="check-fix">
              <span className={styles.fixLabel}>Fix</span>
              <WithCode text={result.fix} />
            </div>
          )}
          <DataList data={result.data} />
        </div>
      )}
    </li>
  );
});

/** A sentence with its `code` spans set in the code font. */
function WithCode({ text }: { text: string }) {
  const styles = useStyles();
  return (
    <>
      {codeParts(text).map((p, i) =>
        p.code ? (
          <code key={i} className={styles.code}>
            {p.text}
          </code>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

function DataList({ data }: { data: Readonly<Record<string, unknown>> | undefined }) {
  const styles = useStyles();
  const entries = dataEntries(data);
  if (entries.length === 0) return null;
  return (
    <dl className={styles.data} data-testid="check-data">
      {entries.map((e) => (
        <div key={e.key} style={{ display: 'contents' }}>
          <dt className={styles.dataKey}>{e.key}</dt>
          <dd className={styles.dataValue}>{e.value}</dd>
        </div>
      ))}
    </dl>
  );
}
