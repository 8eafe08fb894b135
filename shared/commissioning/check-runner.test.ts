import { describe, expect, it } from 'vitest';
import { defineCheck, verdict, type CheckDef } from './check-def';
import { CHECK_GROUPS, type CheckResult } from './check-model';
import { CHECKS, checkInfos, runChecks, type FactSources } from './check-runner';
import type { Facts } from './facts';

/** Fact sources where every fact is unavailable unless given; counts how often each is gathered. */
function sources(given: Partial<{ [K in keyof Facts]: () => Promise<Facts[K]> }>, calls: Map<string, number>): FactSources {
  return new Proxy({} as FactSources, {
    get: (_t, name: string) => async () => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      const source = (given as Record<string, () => Promise<unknown>>)[name];
      if (source) return source();
      return { available: false, reason: `${name} not given` };
    },
  });
}

const a = defineCheck({ id: 'a', title: 'A', group: 'host', facts: ['disk'], verdict: (f) => (f.disk.available ? verdict('ok', 'disk ok') : verdict('error', 'no disk')) });
const b = defineCheck({ id: 'b', title: 'B', group: 'host', dependsOn: ['a'], facts: ['disk'], verdict: () => verdict('ok', 'b ran') });
const c = defineCheck({ id: 'c', title: 'C', group: 'runtime', dependsOn: ['b'], facts: ['engine'], verdict: () => verdict('ok', 'c ran') });

describe('runChecks', () => {
  it('gathers each fact once, however many checks read it', async () => {
    const calls = new Map<string, number>();
    const disk = async () => ({ available: true as const, path: '/', freeBytes: 1, totalBytes: 2 });
    const results = await runChecks([a, b, c], sources({ disk }, calls));
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
      ['c', 'ok'],
    ]);
    expect(calls.get('disk')).toBe(1);
    expect(calls.get('engine')).toBe(1);
  });

  it('skips the checks that depend on a failed one, naming it, and their dependants in turn', async () => {
    const results = await runChecks([a, b, c], sources({}, new Map()));
    expect(results.map((r) => [r.id, r.status, r.detail])).toEqual([
      ['a', 'error', 'no disk'],
      ['b', 'skipped', 'Skipped: "A" failed.'],
      ['c', 'skipped', 'Skipped: "B" was skipped.'],
    ]);
  });

  it('runs independent checks in parallel: a slow fact does not hold up a check that does not read it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const slow = defineCheck({ id: 'slow', title: 'Slow', group: 'host', facts: ['clock'], verdict: () => verdict('ok', 'slow') });
    const fast = defineCheck({ id: 'fast', title: 'Fast', group: 'host', facts: ['disk'], verdict: () => verdict('ok', 'fast') });
    const run = runChecks([slow, fast], sources({ clock: async () => (await gate, { available: true, hubDate: '', localAt: '', skewMs: 0 }) }, new Map()), {
      onResult: (r) => {
        order.push(...r.map((x) => x.id));
        if (r[0]?.id === 'fast') release();
      },
    });
    const results = await run;
    expect(order).toEqual(['fast', 'slow']);
    // Results come back in registry order whatever order they landed in.
    expect(results.map((r) => r.id)).toEqual(['slow', 'fast']);
  });

  it('a check speaking of several subjects yields one result each, with <id>:<subject> ids', async () => {
    const ports = defineCheck({
      id: 'ports',
      title: 'Ports',
      group: 'connectivity',
      facts: ['now'],
      verdict: () => [
        { subject: '443', status: 'ok', detail: 'open' },
        { subject: '8883', title: 'MQTT', status: 'error', detail: 'closed', fix: 'open it' },
      ],
    });
    const landed: CheckResult[][] = [];
    const results = await runChecks([ports], sources({ now: async () => 'x' }, new Map()), { onResult: (r) => landed.push([...r]) });
    expect(results.map((r) => [r.id, r.title, r.status])).toEqual([
      ['ports:443', 'Ports: 443', 'ok'],
      ['ports:8883', 'MQTT', 'error'],
    ]);
    expect(landed).toHaveLength(1);
    // A dependant of a check with one failing subject is skipped.
    const after = defineCheck({ id: 'after', title: 'After', group: 'connectivity', dependsOn: ['ports'], facts: [], verdict: () => verdict('ok', 'ran') });
    const again = await runChecks([ports, after], sources({ now: async () => 'x' }, new Map()));
    expect(again.at(-1)?.status).toBe('skipped');
  });

  it('a gatherer that throws makes its fact unavailable; a verdict that throws is an error result, and the run goes on', async () => {
    const reads = defineCheck({ id: 'reads', title: 'Reads', group: 'host', facts: ['disk'], verdict: (f) => (f.disk.available ? verdict('ok', '') : verdict('skipped', f.disk.reason)) });
    const throws: CheckDef = defineCheck({
      id: 'throws',
      title: 'Throws',
      group: 'host',
      facts: [],
      verdict: () => {
        throw new Error('boom');
      },
    });
    const results = await runChecks(
      [reads, throws],
      sources(
        {
          disk: async () => {
            throw new Error('EACCES: permission denied');
          },
        },
        new Map(),
      ),
    );
    expect(results.map((r) => [r.id, r.status, r.detail])).toEqual([
      ['reads', 'skipped', 'EACCES: permission denied'],
      ['throws', 'error', 'The check itself failed (a bug in Gatehouse): boom'],
    ]);
  });
});

describe('the registry', () => {
  it('has unique ids, known dependencies, no cycles, and lists checks by group', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const byId = new Map(CHECKS.map((c) => [c.id, c]));
    for (const check of CHECKS) for (const dep of check.dependsOn ?? []) expect(byId.has(dep), `${check.id} depends on ${dep}`).toBe(true);
    const visiting = new Set<string>();
    const visit = (id: string): void => {
      expect(visiting.has(id), `cycle through ${id}`).toBe(false);
      visiting.add(id);
      for (const dep of byId.get(id)?.dependsOn ?? []) visit(dep);
      visiting.delete(id);
    };
    ids.forEach(visit);
    const groups = CHECKS.map((c) => CHECK_GROUPS.indexOf(c.group));
    expect(groups).toEqual([...groups].sort((x, y) => x - y));
  });

  it('covers what the issue names in every group', () => {
    const ids = checkInfos().map((c) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'config.manifest-valid',
        'config.secret-free',
        'config.routes',
        'config.images',
        'config.create-options',
        'host.engine',
        'host.disk',
        'host.log-rotation',
        'host.clock',
        'connectivity.dns',
        'connectivity.port',
        'identity.device',
        'identity.key',
        'identity.certificates',
        'identity.modules',
        'runtime.modules-running',
        'runtime.crash-loop',
        'runtime.deployment-current',
        'runtime.routes-applied',
        'runtime.upstream',
        'runtime.outbox',
        'e2e.route',
      ]),
    );
  });
});
