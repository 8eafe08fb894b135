import { Caption1, makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from '@fluentui/react-components';
import { useMemo } from 'react';
import { formatPath, twinPropertyDiff } from '../../../../shared/twin';

const useStyles = makeStyles({
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  missing: { color: tokens.colorNeutralForeground3, fontStyle: 'italic' },
  muted: { color: tokens.colorNeutralForeground2 },
});

function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** Desired keys the device has not reported back (missing, or another value): what is still pending. */
export function PendingTable({ desired, reported }: { desired: unknown; reported: unknown }) {
  const styles = useStyles();
  const diff = useMemo(() => twinPropertyDiff(desired, reported), [desired, reported]);
  if (diff.pending.length === 0) {
    return (
      <Caption1 className={styles.muted} data-testid="pending-none">
        Nothing pending: every desired property is reported with the same value{diff.reportedOnly.length ? ` (${diff.reportedOnly.length} reported propert${diff.reportedOnly.length === 1 ? 'y' : 'ies'} nothing desires)` : ''}.
      </Caption1>
    );
  }
  return (
    <Table size="small" aria-label="Pending desired properties" data-testid="pending-table">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Property</TableHeaderCell>
          <TableHeaderCell>Desired</TableHeaderCell>
          <TableHeaderCell>Reported</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {diff.pending.map((p) => (
          <TableRow key={p.path.join('\u0000')} data-testid={`pending-${formatPath(p.path)}`}>
            <TableCell className={styles.mono}>{formatPath(p.path)}</TableCell>
            <TableCell className={styles.mono}>{shown(p.desired)}</TableCell>
            <TableCell className={p.kind === 'missing' ? styles.missing : styles.mono}>{p.kind === 'missing' ? 'not reported' : shown(p.reported)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
