import { describe, expect, it } from 'vitest';
import { plan, type PlanInput } from './agent.planner';
import { IOT_EDGE_RESTART_SETTINGS, type ContainerOwner, type DesiredModule, type DesiredState, type ObservedModule, type RestartStats } from './model';
import { coolOffMs } from './restart-policy';
import { describeStep, isDestructive } from './steps';

const T0 = Date.parse('2026-11-27T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function desired(name: string, over: Partial<DesiredModule> = {}): DesiredModule {
  return {
    name,
    version: '1.0',
    image: `local/${name}:1`,
    createOptions: {},
    env: {},
    status: 'running',
    restartPolicy: 'always',
    imagePullPolicy: 'on-create',
    startupOrder: 4294967295,
    configHash: `hash-${name}`,
    ...over,
  };
}

function observed(name: string, over: Partial<ObservedModule> = {}): ObservedModule {
  return {
    name,
    containerId: `c-${name}`,
    image: `local/${name}:1`,
    configHash: `hash-${name}`,
    instanceLabel: 'this-instance',
    dataDirLabel: '/data/this',
    owner: { kind: 'this' },
    raw: 'running',
    exitCode: 0,
    statusDescription: '',
    startedAt: iso(T0 - 60_000),
    finishedAt: undefined,
    ...over,
  };
}

function run(input: Partial<PlanInput> & { modules?: DesiredModule[] }) {
  return plan({
    previous: input.previous,
    desired: { version: 1, modules: input.modules ?? [] },
    observed: input.observed ?? [],
    memory: input.memory ?? {},
    now: input.now ?? T0,
    settings: IOT_EDGE_RESTART_SETTINGS,
  }).map((s) => s.id);
}

describe('plan: deployment changes', () => {
  it('creates and starts new modules, pulling every image first', () => {
    expect(run({ modules: [desired('a'), desired('b')] })).toEqual(['ensureImage:a', 'ensureImage:b', 'create:a', 'start:a', 'create:b', 'start:b']);
  });

  it('does nothing when everything runs as desired', () => {
    expect(run({ modules: [desired('a')], observed: [observed('a')] })).toEqual([]);
  });

  it('honours startupOrder ascending, then name', () => {
    const modules = [desired('z', { startupOrder: 2 }), desired('late'), desired('first', { startupOrder: 0 }), desired('a', { startupOrder: 2 })];
    expect(run({ modules }).filter((id) => id.startsWith('create'))).toEqual(['create:first', 'create:a', 'create:z', 'create:late']);
  });

  it('creates but never starts a module whose desired status is stopped', () => {
    expect(run({ modules: [desired('a', { status: 'stopped' })] })).toEqual(['ensureImage:a', 'create:a']);
  });

  it('recreates only the module whose configuration changed', () => {
    const ids = run({ modules: [desired('a', { configHash: 'new' }), desired('b')], observed: [observed('a'), observed('b')] });
    expect(ids).toEqual(['ensureImage:a', 'stop:a', 'remove:a', 'create:a', 'start:a']);
  });

  it('only starts or stops on a status-only change', () => {
    expect(run({ modules: [desired('a', { status: 'stopped' })], observed: [observed('a')] })).toEqual(['stop:a']);
    const previous = { version: 1, modules: [desired('a', { status: 'stopped' })] };
    const stoppedByUs = observed('a', { raw: 'stopped', exitCode: 0, finishedAt: iso(T0) });
    expect(run({ modules: [desired('a')], observed: [stoppedByUs], previous, memory: { a: { restartCount: 4, lastRestartTime: undefined } } })).toEqual([
      'start:a',
      'forgetRestarts:a',
    ]);
  });

  it('removes owned modules that are no longer desired, before anything else, and forgets their restarts', () => {
    const ids = run({
      modules: [desired('new')],
      observed: [observed('old'), observed('gone', { raw: 'stopped' })],
      memory: { old: { restartCount: 2, lastRestartTime: iso(T0) } },
    });
    expect(ids).toEqual(['ensureImage:new', 'remove:gone', 'stop:old', 'remove:old', 'forgetRestarts:old', 'create:new', 'start:new']);
  });

  it('replaces a dead container', () => {
    expect(run({ modules: [desired('a')], observed: [observed('a', { raw: 'dead' })] })).toEqual(['ensureImage:a', 'remove:a', 'create:a', 'start:a']);
  });
});

describe('plan: restart policies and backoff (fake clock)', () => {
  const crashed = (finishedAt: number, exitCode = 1) => observed('a', { raw: exitCode === 0 ? 'stopped' : 'failed', exitCode, finishedAt: iso(finishedAt) });
  const stats = (restartCount: number): Record<string, RestartStats> => ({ a: { restartCount, lastRestartTime: iso(T0 - 1) } });

  it('waits 10, 20, 40, 80, 160, 300, 300 s after each exit before restarting', () => {
    const waits = [0, 1, 2, 3, 4, 5, 6].map((n) => coolOffMs(n, IOT_EDGE_RESTART_SETTINGS) / 1000);
    expect(waits).toEqual([10, 20, 40, 80, 160, 300, 300]);
    for (const [count, wait] of waits.entries()) {
      const exit = T0 - wait * 1000;
      expect(run({ modules: [desired('a')], observed: [crashed(exit)], memory: stats(count), now: T0 })).toEqual(['wait:a']);
      expect(run({ modules: [desired('a')], observed: [crashed(exit)], memory: stats(count), now: T0 + 1 })).toEqual(['restart:a']);
    }
  });

  it('gives up after 20 restarts: failed, no more restarts', () => {
    expect(run({ modules: [desired('a')], observed: [crashed(T0 - 3_600_000)], memory: stats(20) })).toEqual([]);
    expect(run({ modules: [desired('a')], observed: [crashed(T0 - 3_600_000)], memory: stats(19) })).toEqual(['restart:a']);
  });

  it.each([
    ['always', 1, ['restart:a']],
    ['always', 0, ['restart:a']],
    ['on-failure', 1, ['restart:a']],
    ['on-unhealthy', 1, ['restart:a']],
    ['on-failure', 0, ['start:a']], // exited cleanly: started again at once, no backoff, no count
    ['never', 1, []],
    ['never', 0, []],
  ] as const)('policy %s, exit code %i → %j', (restartPolicy, exitCode, expected) => {
    expect(run({ modules: [desired('a', { restartPolicy })], observed: [crashed(T0 - 11_000, exitCode)] })).toEqual(expected);
  });

  it('starts a never-started module even with policy never', () => {
    expect(run({ modules: [desired('a', { restartPolicy: 'never' })], observed: [observed('a', { raw: 'stopped', startedAt: undefined })] })).toEqual(['start:a']);
  });

  it('forgets restart statistics after 10 minutes of running', () => {
    const long = observed('a', { startedAt: iso(T0 - 11 * 60_000) });
    const short = observed('a', { startedAt: iso(T0 - 9 * 60_000) });
    expect(run({ modules: [desired('a')], observed: [long], memory: stats(3) })).toEqual(['forgetRestarts:a']);
    expect(run({ modules: [desired('a')], observed: [short], memory: stats(3) })).toEqual([]);
  });

  it('restarts at once when the clock went backwards (skew)', () => {
    expect(run({ modules: [desired('a')], observed: [crashed(T0 + 5_000)], memory: stats(3) })).toEqual(['restart:a']);
  });
});

describe('plan purity and preview', () => {
  it('does not mutate its inputs and is deterministic', () => {
    const input: PlanInput = {
      desired: { version: 1, modules: [desired('b'), desired('a', { configHash: 'x' })] },
      observed: [observed('a'), observed('c')],
      memory: { a: { restartCount: 1, lastRestartTime: iso(T0) } },
      now: T0,
      settings: IOT_EDGE_RESTART_SETTINGS,
    };
    const frozen = JSON.stringify(input);
    const first = plan(input);
    expect(JSON.stringify(input)).toBe(frozen);
    expect(plan(input)).toEqual(first);
  });

  it('describes every step in one line', () => {
    const lines = plan({
      desired: { version: 1, modules: [desired('a')] },
      observed: [],
      memory: {},
      now: T0,
      settings: IOT_EDGE_RESTART_SETTINGS,
    }).map(describeStep);
    expect(lines).toEqual(['ensure image local/a:1 for a (before create)', 'create a from local/a:1 (new module)', 'start a (desired status is running)']);
  });
});

describe('plan: ownership (only containers this Gatehouse manages are ever touched)', () => {
  const OTHER: ContainerOwner = { kind: 'gatehouse', instanceId: 'other-instance', dataDir: '/data/other' };
  const foreignOwners: Array<[string, ContainerOwner]> = [
    ["another Gatehouse instance's", OTHER],
    ["a Gatehouse from before instance labels (not this folder's deployment)", { kind: 'earlier-gatehouse' }],
    ["the IoT Edge runtime's", { kind: 'iot-edge' }],
  ];
  const plans = (input: Partial<PlanInput> & { modules?: DesiredModule[] }) =>
    plan({ previous: input.previous, desired: { version: 1, modules: input.modules ?? [] }, observed: input.observed ?? [], memory: input.memory ?? {}, now: T0, settings: IOT_EDGE_RESTART_SETTINGS });

  it.each(foreignOwners)('never stops or removes %s container, running or not, whatever the deployment', (_name, owner) => {
    for (const raw of ['running', 'stopped', 'failed', 'dead'] as const) {
      const theirs = observed('theirs', { owner, raw, instanceLabel: undefined });
      expect(run({ modules: [], observed: [theirs] })).toEqual([]);
      expect(run({ modules: [desired('mine')], observed: [theirs, observed('mine')] })).toEqual([]);
      expect(run({ modules: [desired('mine')], observed: [theirs], memory: { theirs: { restartCount: 3, lastRestartTime: undefined } } })).toEqual(['ensureImage:mine', 'create:mine', 'start:mine']);
    }
  });

  it.each(foreignOwners)("blocks a desired module whose name %s container has: no pull, no stop, no remove, no create", (_name, owner) => {
    for (const over of [{}, { configHash: 'different' }, { raw: 'dead' as const }]) {
      const steps = plans({ modules: [desired('a'), desired('b')], observed: [observed('a', { owner, ...over })] });
      expect(steps.map((s) => s.id)).toEqual(['ensureImage:b', 'blocked:a', 'create:b', 'start:b']);
      expect(steps[1]?.step).toMatchObject({ kind: 'blocked', module: 'a' });
    }
  });

  it.each<[string, ContainerOwner, string[]]>([
    ['this instance', { kind: 'this' }, ['stop:old', 'remove:old']],
    ['adopted (an earlier Gatehouse on this data folder)', { kind: 'adopted' }, ['stop:old', 'remove:old']],
    ['another instance', OTHER, []],
    ['earlier Gatehouse, not this folder', { kind: 'earlier-gatehouse' }, []],
    ['IoT Edge', { kind: 'iot-edge' }, []],
  ])('a container not in the deployment, owned by %s → %j', (_name, owner, expected) => {
    expect(run({ modules: [], observed: [observed('old', { owner })] })).toEqual(expected);
  });

  it('acts on containers by id, so a same-named container of someone else can never be the one stopped or removed', () => {
    const steps = plans({ modules: [desired('a', { configHash: 'new' })], observed: [observed('a', { containerId: 'abc123' }), observed('gone', { containerId: 'def456' })] });
    expect(steps.filter((s) => s.step.kind === 'stop' || s.step.kind === 'remove').map((s) => s.step)).toEqual([
      { kind: 'stop', module: 'gone', containerId: 'def456' },
      { kind: 'remove', module: 'gone', containerId: 'def456' },
      { kind: 'stop', module: 'a', containerId: 'abc123' },
      { kind: 'remove', module: 'a', containerId: 'abc123' },
    ]);
  });
});

describe('plan preview wording and destructive steps', () => {
  const lines = (observedModules: ObservedModule[], previous?: DesiredState, modules: DesiredModule[] = []) =>
    plan({ previous, desired: { version: 2, modules }, observed: observedModules, memory: {}, now: T0, settings: IOT_EDGE_RESTART_SETTINGS }).map((p) => ({ line: describeStep(p), destructive: isDestructive(p.step) }));

  it.each<[string, ObservedModule, DesiredState | undefined, string]>([
    ['no deployment before (fresh data folder)', observed('old'), undefined, 'remove old (created by this Gatehouse, not in this deployment)'],
    ['a previous deployment without it', observed('old'), { version: 1, modules: [desired('other')] }, 'remove old (created by this Gatehouse, not in this deployment)'],
    ['a previous deployment with it', observed('old'), { version: 1, modules: [desired('old')] }, 'remove old (in the previous deployment, not in this one)'],
    ['adopted from an earlier version', observed('old', { owner: { kind: 'adopted' }, raw: 'stopped' }), undefined, 'remove old (created by an earlier Gatehouse on this data folder, not in this deployment)'],
  ])('removal after %s says why, and never "no longer in the deployment"', (_name, container, previous, expected) => {
    const described = lines([container], previous);
    expect(described.map((d) => d.line)).toContain(expected);
    expect(described.map((d) => d.line).join('\n')).not.toMatch(/no longer in the deployment/);
  });

  it('marks stop and remove (alone or in a recreate) as destructive, and nothing else', () => {
    const described = lines([observed('old'), observed('changed'), observed('stopme')], undefined, [desired('changed', { configHash: 'new' }), desired('stopme', { status: 'stopped' }), desired('fresh')]);
    expect(described).toEqual([
      { line: 'ensure image local/changed:1 for changed (before create)', destructive: false },
      { line: 'ensure image local/fresh:1 for fresh (before create)', destructive: false },
      { line: 'stop old (created by this Gatehouse, not in this deployment)', destructive: true },
      { line: 'remove old (created by this Gatehouse, not in this deployment)', destructive: true },
      { line: 'stop changed (recreate: image, createOptions, env or settings changed)', destructive: true },
      { line: 'remove changed (recreate: image, createOptions, env or settings changed)', destructive: true },
      { line: 'create changed from local/changed:1 (recreate: image, createOptions, env or settings changed)', destructive: false },
      { line: 'start changed (desired status is running)', destructive: false },
      { line: 'create fresh from local/fresh:1 (new module)', destructive: false },
      { line: 'start fresh (desired status is running)', destructive: false },
      { line: 'stop stopme (desired status is stopped)', destructive: true },
    ]);
  });

  it('describes a blocked module with the apparent owner', () => {
    const taken = observed('a', { owner: { kind: 'gatehouse', instanceId: 'i-2', dataDir: '/home/u/gh2' }, instanceLabel: 'i-2' });
    expect(lines([taken], undefined, [desired('a')])).toEqual([
      {
        line: 'cannot create a: a container with that name belongs to another Gatehouse (instance i-2, data folder /home/u/gh2) and is not managed here, so Gatehouse leaves it alone (rename the module, or remove that container yourself)',
        destructive: false,
      },
    ]);
  });
});
