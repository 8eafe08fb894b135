import { Button, Caption1, Dropdown, Field, Input, makeStyles, Option, Switch, tokens, Tooltip } from '@fluentui/react-components';
import { SearchRegular } from '@fluentui/react-icons';
import { useState, type FormEvent } from 'react';
import { isWholeQuery, type ConnectionFilter } from './device-query';
import { useFleet } from './fleet-store';
import type { HubProblem } from './hub-error';

const useStyles = makeStyles({
  form: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-start', gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}` },
  connection: { minWidth: '150px' },
  tag: { flex: '1 1 200px', minWidth: '180px' },
  free: { flex: '2 1 320px', minWidth: '220px' },
  switch: { paddingTop: '22px' },
  apply: { marginTop: '22px' },
  query: { flexBasis: '100%', color: tokens.colorNeutralForeground3, fontFamily: tokens.fontFamilyMonospace, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
});

const CONNECTION: Record<ConnectionFilter, string> = { any: 'Any', Connected: 'Connected', Disconnected: 'Disconnected' };

/**
 * Filters of the device list. The switch and the dropdown apply at once; the two text boxes on Enter (or Apply), so
 * a half-typed condition is never sent. The hub's refusal of the query is shown under the box that caused it.
 */
export function DeviceFiltersBar({ queryError, query }: { queryError: HubProblem | undefined; query: string }) {
  const styles = useStyles();
  const filters = useFleet((s) => s.filters);
  const setFilters = useFleet((s) => s.setFilters);
  const [tag, setTag] = useState(filters.tag);
  const [free, setFree] = useState(filters.freeQuery);
  const apply = (event?: FormEvent) => {
    event?.preventDefault();
    setFilters({ tag, freeQuery: free });
  };
  const refused = queryError?.code === 'BAD_REQUEST' ? queryError.message : undefined;
  const errorOnFree = refused && filters.freeQuery.trim() !== '';
  const errorOnTag = refused && !errorOnFree && filters.tag.trim() !== '';
  const whole = isWholeQuery(free);

  return (
    <form className={styles.form} onSubmit={apply} aria-label="Device filters" data-testid="fleet-filters">
      <Switch className={styles.switch} label="Edge devices only" checked={filters.edgeOnly} onChange={(_e, d) => setFilters({ edgeOnly: d.checked })} data-testid="filter-edge" disabled={whole} />
      <Field label="Connection" className={styles.connection}>
        <Dropdown
          value={CONNECTION[filters.connection]}
          selectedOptions={[filters.connection]}
          onOptionSelect={(_e, d) => setFilters({ connection: (d.optionValue as ConnectionFilter | undefined) ?? 'any' })}
          disabled={whole}
          data-testid="filter-connection"
        >
          {(Object.keys(CONNECTION) as ConnectionFilter[]).map((c) => (
            <Option key={c} value={c}>
              {CONNECTION[c]}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="Tag condition" className={styles.tag} validationState={errorOnTag ? 'error' : 'none'} validationMessage={errorOnTag ? refused : undefined}>
        <Input value={tag} onChange={(_e, d) => setTag(d.value)} placeholder="site = 'plant-4'" disabled={whole} data-testid="filter-tag" onBlur={() => tag !== filters.tag && apply()} />
      </Field>
      <Field
        label="Query"
        className={styles.free}
        validationState={errorOnFree ? 'error' : 'none'}
        validationMessage={errorOnFree ? refused : undefined}
        hint={!errorOnFree && whole ? 'A whole SELECT replaces the filters.' : undefined}
      >
        <Input
          value={free}
          onChange={(_e, d) => setFree(d.value)}
          placeholder="A condition (status = 'disabled') or a whole SELECT … FROM devices"
          title="A condition ANDed with the filters, or a whole SELECT … FROM devices that replaces them"
          data-testid="filter-query"
          contentBefore={<SearchRegular />}
        />
      </Field>
      <Tooltip content="Run the query with these filters (Enter)" relationship="description">
        <Button type="submit" className={styles.apply} data-testid="filter-apply">
          Apply
        </Button>
      </Tooltip>
      {refused && !errorOnFree && !errorOnTag && <Caption1 role="alert">{refused}</Caption1>}
      <Caption1 className={styles.query} title={query} data-testid="fleet-query">
        {query}
      </Caption1>
    </form>
  );
}
