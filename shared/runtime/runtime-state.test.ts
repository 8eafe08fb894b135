import { describe, expect, it } from 'vitest';
import { deriveRuntimeState, moduleTone, RUNTIME_STATES, STATE_TONE, type RuntimeStateInput } from './runtime-state';

type Module = RuntimeStateInput['modules'][number];
const mod = (name: string, runtimeStatus: Module['runtimeStatus'], extra: Partial<Module> = {}): Module => ({
  name,
  desiredStatus: 'running',
  runtimeStatus,
  restartCount: 0,
  restartPolicy: 'always',
  ...extra,
});

const base: RuntimeStateInput = {
  engine: { state: 'available' },
  agent: { state: 'converged', version: 2 },
  version: 2,
  reconciledVersion: 2,
  lastDesiredStatus: { code: 200, description: '' },
  modules: [mod('a', 'running'), mod('b', 'running')],
};
const at = (patch: Partial<RuntimeStateInput>): RuntimeStateInput => ({ ...base, ...patch });

describe('deriveRuntimeState: one word, one tone, one sentence', () => {
  it.each<[string, RuntimeStateInput, string, string, RegExp]>([
    ['no deployment', at({ agent: { state: 'idle' }, version: 0, reconciledVersion: 0, modules: [] }), 'idle', 'neutral', /^No deployment applied\.$/],
    ['an empty deployment', at({ modules: [] }), 'idle', 'neutral', /^Deployment v2 has no modules\.$/],
    ['engine gone (driver)', at({ engine: { state: 'unavailable', reason: 'connect ENOENT /var/run/docker.sock' } }), 'unavailable', 'danger', /does not answer \(connect ENOENT \/var\/run\/docker\.sock\)\. The runtime resumes/],
    ['engine gone (agent)', at({ agent: { state: 'engineUnavailable', reason: 'Docker engine does not answer.' } }), 'unavailable', 'danger', /does not answer \(Docker engine does not answer\)\./],
    ['first pass of a new version', at({ agent: { state: 'reconciling', version: 3, done: 2, total: 9 }, version: 3 }), 'applying', 'busy', /^Applying deployment v3: step 3 of 9\.$/],
    ['all running', base, 'running', 'ok', /^2 of 2 modules running \(deployment v2\)\.$/],
    ['one stopped on purpose', at({ modules: [mod('a', 'running'), mod('b', 'stopped', { desiredStatus: 'stopped' })] }), 'running', 'ok', /^1 of 1 module running, 1 stopped on purpose \(deployment v2\)\.$/],
    ['all stopped on purpose', at({ modules: [mod('a', 'stopped', { desiredStatus: 'stopped' }), mod('b', 'failed', { desiredStatus: 'stopped', exitCode: 137 })] }), 'stopped', 'neutral', /^All 2 modules stopped on purpose \(deployment v2\)\.$/],
    ['a module in backoff', at({ modules: [mod('a', 'running'), mod('crasher', 'backoff', { exitCode: 1, restartCount: 3 })] }), 'degraded', 'warning', /^1 of 2 modules running \(deployment v2\): crasher is in backoff \(it exited with code 1; 3 restarts so far\)\.$/],
    ['a module unhealthy', at({ modules: [mod('a', 'unhealthy')] }), 'degraded', 'warning', /a is unhealthy/],
    ['exited cleanly, policy on-failure', at({ modules: [mod('a', 'stopped', { exitCode: 0, restartPolicy: 'on-failure' })] }), 'degraded', 'warning', /a exited with code 0 and its restart policy \(on-failure\) does not restart it/],
    ['a restart pass of the applied version keeps the modules’ word', at({ agent: { state: 'reconciling', version: 2, done: 0, total: 1 }, modules: [mod('crasher', 'backoff', { exitCode: 1, restartCount: 1 })] }), 'degraded', 'warning', /crasher is in backoff/],
    ['restarts used up', at({ modules: [mod('a', 'failed', { exitCode: 2, restartCount: 20 })] }), 'failing', 'danger', /^0 of 1 module running \(deployment v2\)\. a failed: it exited with code 2 and has used up its 20 restarts\.$/],
    ['policy never, exited with an error', at({ modules: [mod('a', 'failed', { exitCode: 1, restartPolicy: 'never' })] }), 'failing', 'danger', /its restart policy \(never\) does not restart it/],
    ['a dead container', at({ modules: [mod('a', 'dead')] }), 'failing', 'danger', /a is dead/],
    ['a failed step', at({ agent: { state: 'failing', version: 2, reason: 'The image x for b is not on this machine.' }, modules: [mod('a', 'running'), mod('b', 'unknown')] }), 'failing', 'danger', /^1 of 2 modules running \(deployment v2\)\. The image x for b is not on this machine\. b has no container yet\.$/],
    ['a failed step, during a later pass of the same version', at({ agent: { state: 'reconciling', version: 2 }, lastDesiredStatus: { code: 500, description: 'b could not be created' } }), 'failing', 'danger', /b could not be created\.$/],
    ['one in backoff and one failed: failing names both', at({ modules: [mod('crasher', 'backoff', { exitCode: 1, restartCount: 2 }), mod('quitter', 'failed', { exitCode: 3, restartPolicy: 'never' })] }), 'failing', 'danger', /quitter failed: .*\. crasher is in backoff/],
  ])('%s', (_name, input, state, tone, summary) => {
    const derived = deriveRuntimeState(input);
    expect(derived.state).toBe(state);
    expect(derived.tone).toBe(tone);
    expect(derived.summary).toMatch(summary);
  });

  it('names three modules and counts the rest', () => {
    const modules = ['a', 'b', 'c', 'd', 'e'].map((n) => mod(n, 'backoff', { restartCount: 1 }));
    expect(deriveRuntimeState(at({ modules })).summary).toMatch(/c is in backoff .*; and 2 more\.$/);
  });

  it('never writes a clock time, an ISO stamp or an HTTP status', () => {
    const derived = deriveRuntimeState(at({ agent: { state: 'failing', version: 2, reason: 'b could not be created' }, lastDesiredStatus: { code: 500, description: 'b could not be created' } }));
    expect(derived.summary).not.toMatch(/\d{4}-\d\d-\d\dT|\b500\b|\d\d:\d\d/);
  });

  it('gives every word a tone, and module statuses the same tones', () => {
    expect(RUNTIME_STATES.map((s) => STATE_TONE[s])).toEqual(['danger', 'neutral', 'busy', 'danger', 'warning', 'neutral', 'ok']);
    expect((['running', 'backoff', 'unhealthy', 'failed', 'dead', 'stopped', 'unknown'] as const).map(moduleTone)).toEqual(['ok', 'warning', 'warning', 'danger', 'danger', 'neutral', 'neutral']);
  });
});
