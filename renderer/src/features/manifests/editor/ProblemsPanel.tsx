import { Badge, Button, Caption1, Caption1Strong, makeStyles, mergeClasses, Text, tokens, Tooltip } from '@fluentui/react-components';
import { CheckmarkCircleRegular, ChevronDownRegular, ChevronUpRegular, ErrorCircleRegular, InfoRegular, WarningRegular, WrenchRegular } from '@fluentui/react-icons';
import { useRef, type ReactElement } from 'react';
import type { ManifestKind, Severity } from '../../../../../shared/manifest';
import { useManifests } from '../manifests-store';
import { problemsBounds } from './panel-sizes';
import { ResizeGrip } from './ResizeGrip';
import type { Problem } from './use-problems';

const HEADER_HEIGHT = 34;

const useStyles = makeStyles({
  panel: { position: 'relative', display: 'flex', flexDirection: 'column', flexShrink: 0, borderTop: `1px solid ${tokens.colorNeutralStroke2}`, backgroundColor: tokens.colorNeutralBackground1, minHeight: 0 },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, height: `${HEADER_HEIGHT}px`, padding: `0 ${tokens.spacingHorizontalS} 0 ${tokens.spacingHorizontalM}`, flexShrink: 0 },
  title: { textTransform: 'uppercase', letterSpacing: '0.04em', color: tokens.colorNeutralForeground2 },
  counts: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flex: 1 },
  count: { display: 'inline-flex', alignItems: 'center', gap: '3px', color: tokens.colorNeutralForeground3 },
  list: { listStyle: 'none', margin: 0, padding: `0 0 ${tokens.spacingVerticalXS}`, overflowY: 'auto' },
  // Icon, message, then where + fix; on a narrow panel where + fix wrap under the message instead of squeezing it.
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'start',
    columnGap: tokens.spacingHorizontalS,
    rowGap: '2px',
    padding: `4px ${tokens.spacingHorizontalM}`,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundHover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  },
  message: { overflowWrap: 'anywhere', flex: '1 1 240px', minWidth: '160px' },
  meta: { display: 'flex', alignItems: 'start', gap: tokens.spacingHorizontalS, marginLeft: 'auto', paddingLeft: '28px' },
  where: { color: tokens.colorNeutralForeground3, fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, whiteSpace: 'nowrap', lineHeight: tokens.lineHeightBase200 },
  fixButton: { marginTop: '-4px', marginBottom: '-4px', maxWidth: '240px', minWidth: 0 },
  fixLabel: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  error: { color: tokens.colorPaletteRedForeground1, display: 'flex', paddingTop: '1px', flex: '0 0 20px' },
  warning: { color: tokens.colorPaletteMarigoldForeground1, display: 'flex', paddingTop: '1px', flex: '0 0 20px' },
  info: { color: tokens.colorBrandForeground1, display: 'flex', paddingTop: '1px', flex: '0 0 20px' },
  ok: { color: tokens.colorPaletteGreenForeground1, display: 'flex' },
  empty: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`, color: tokens.colorNeutralForeground3 },
});

const ICONS: Record<Severity, ReactElement> = { error: <ErrorCircleRegular />, warning: <WarningRegular />, info: <InfoRegular /> };

const KIND_LABEL: Record<ManifestKind, string> = {
  deployment: 'Deployment manifest',
  template: 'Deployment template',
  layered: 'Layered deployment',
  unknown: 'Not a deployment manifest',
};

/**
 * Diagnostics of the open file; a click (or Enter) puts the cursor on the problem, a fix button named by what it
 * changes applies a certain fix (the same fixes are the editor's code actions: lightbulb, Ctrl+.).
 */
export function ProblemsPanel({ path, problems, kind, onFix }: { path: string; problems: readonly Problem[]; kind?: ManifestKind; onFix: (problem: Problem) => void }) {
  const styles = useStyles();
  const open = useManifests((s) => s.problemsOpen);
  const height = useManifests((s) => s.sizes.problems);
  const ref = useRef<HTMLElement>(null);
  // Up to what leaves the text its minimum, after the route graph if it is open.
  const bounds = () => {
    const column = ref.current?.parentElement;
    const routes = column?.querySelector<HTMLElement>('[data-testid="routes-panel"]')?.offsetHeight ?? 0;
    return problemsBounds((column?.clientHeight ?? 600) - HEADER_HEIGHT, routes);
  };
  const { setProblemsOpen, revealAt } = useManifests.getState();
  const count = (severity: Severity) => problems.filter((p) => p.severity === severity).length;

  return (
    <section ref={ref} className={styles.panel} aria-label="Problems" tabIndex={-1} data-testid="problems-panel">
      {open && <ResizeGrip edge="top" size={height} bounds={bounds} onSize={(size) => useManifests.getState().setSize('problems', size)} label="Resize the problems list" testId="problems-grip" />}
      <div className={styles.header}>
        <Caption1Strong className={styles.title}>
          Problems
        </Caption1Strong>
        <div className={styles.counts}>
          {(['error', 'warning', 'info'] as const).map((severity) => (
            <Caption1 key={severity} className={styles.count} data-testid={`problems-${severity}`}>
              <span className={styles[severity]}>{ICONS[severity]}</span>
              {count(severity)}
            </Caption1>
          ))}
          {kind && (
            <Badge appearance="tint" color={kind === 'unknown' ? 'informative' : 'brand'} size="small">
              {KIND_LABEL[kind]}
            </Badge>
          )}
        </div>
        <Tooltip content={open ? 'Hide problems' : 'Show problems'} relationship="label">
          <Button appearance="subtle" size="small" icon={open ? <ChevronDownRegular /> : <ChevronUpRegular />} onClick={() => setProblemsOpen(!open)} />
        </Tooltip>
      </div>
      {open &&
        (problems.length === 0 ? (
          <div className={styles.empty}>
            <span className={styles.ok}>
              <CheckmarkCircleRegular />
            </span>
            <Text size={200}>{kind && kind !== 'unknown' ? 'No problems: IoT Edge would accept this.' : 'No problems.'}</Text>
          </div>
        ) : (
          <ul className={styles.list} style={{ maxHeight: height }}>
            {problems.map((p) => (
              <li
                key={p.key}
                className={styles.row}
                tabIndex={0}
                onClick={() => revealAt(path, p.line, p.column)}
                onKeyDown={(e) => {
                  // Only navigate: the editor takes focus during this keydown, and an Enter left to run on would
                  // type a newline there.
                  if (e.key !== 'Enter' && e.key !== ' ') return;
                  if (e.target !== e.currentTarget) return;
                  e.preventDefault();
                  revealAt(path, p.line, p.column);
                }}
                data-testid="problem"
                data-severity={p.severity}
                data-code={p.code}
                data-line={p.line}
                data-source={p.source}
              >
                <span className={styles[p.severity]} aria-label={p.severity}>
                  {ICONS[p.severity]}
                </span>
                <Text size={200} className={styles.message} title={p.message}>
                  {p.message}
                </Text>
                <span className={styles.meta}>
                  <span className={mergeClasses(styles.where)}>
                    {p.code ? `${p.code} · ` : ''}Ln {p.line}, Col {p.column}
                  </span>
                  {p.fix ? (
                    <Tooltip content={`Quick fix: ${p.fix.title} (also Ctrl+. in the editor)`} relationship="description">
                      <Button
                        size="small"
                        appearance="subtle"
                        className={styles.fixButton}
                        icon={<WrenchRegular />}
                        aria-label={p.fix.title}
                        data-testid="problem-fix"
                        onClick={(e) => {
                          e.stopPropagation();
                          onFix(p);
                        }}
                      >
                        <span className={styles.fixLabel}>{p.fix.title}</span>
                      </Button>
                    </Tooltip>
                  ) : null}
                </span>
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}
