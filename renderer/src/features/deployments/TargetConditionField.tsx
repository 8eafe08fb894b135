import { Caption1, Field, makeStyles, Textarea, tokens } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { unwrap } from '../../ipc/client';
import { hubProblem } from '../fleet/hub-error';
import { conditionProblem, countFrom, countQuery } from './deploy-helpers';
import { deploymentKeys, useCloudClient } from './queries';

const useStyles = makeStyles({
  code: { fontFamily: tokens.fontFamilyMonospace },
  pointer: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, whiteSpace: 'pre-wrap', wordBreak: 'break-all', color: tokens.colorNeutralForeground2 },
  mark: { backgroundColor: tokens.colorPaletteRedBackground2, color: tokens.colorPaletteRedForeground1, textDecoration: 'underline wavy', minWidth: '0.6em', display: 'inline-block' },
  count: { color: tokens.colorNeutralForeground2 },
});

/** Waits `ms` after the last change before taking a value (the live count asks the hub once typing pauses). */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * A deployment's target condition with the local check (a pointer at what does not read) and the live count of
 * the devices it matches now, asked of the hub once typing pauses. Shared by the create and edit dialogs.
 */
export function TargetConditionField({ value, onChange, testIds }: { value: string; onChange: (value: string) => void; testIds: { input: string; pointer: string; count: string } }) {
  const styles = useStyles();
  const cloud = useCloudClient();
  const local = value.trim() === '' ? undefined : conditionProblem(value);
  const settled = useDebounced(value.trim(), 400);
  const count = useQuery({
    queryKey: deploymentKeys.count(settled),
    enabled: settled !== '' && conditionProblem(settled) === undefined,
    retry: false,
    queryFn: async () => countFrom((await unwrap(cloud.query({ query: countQuery(settled) }))).items),
  });
  const hubConditionError = count.error ? hubProblem(count.error, 'count the matching devices') : undefined;
  return (
    <>
      <Field
        label="Target condition"
        required
        validationState={local || hubConditionError ? 'error' : 'none'}
        validationMessage={local ? `Col ${local.offset + 1}: ${local.message}` : hubConditionError ? `${hubConditionError.title}: ${hubConditionError.message}` : undefined}
      >
        <Textarea value={value} onChange={(_, d) => onChange(d.value)} placeholder="tags.environment='prod' AND capabilities.iotEdge=true" resize="vertical" className={styles.code} data-testid={testIds.input} />
      </Field>
      {local && value.trim() !== '' && (
        <div className={styles.pointer} data-testid={testIds.pointer} aria-hidden>
          {value.slice(0, local.offset)}
          <span className={styles.mark}>{value.slice(local.offset, local.offset + Math.max(local.length, 1)) || ' '}</span>
          {value.slice(local.offset + Math.max(local.length, 1))}
        </div>
      )}
      <Caption1 className={styles.count} aria-live="polite" data-testid={testIds.count}>
        {value.trim() === '' || local
          ? 'Matching devices: type a condition.'
          : settled !== value.trim() || count.isFetching
            ? 'Counting the matching devices…'
            : count.data !== undefined
              ? `Matches ${count.data} device${count.data === 1 ? '' : 's'} now.`
              : ''}
      </Caption1>
    </>
  );
}
