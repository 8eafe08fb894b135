import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../shared/errors';
import { appContract, statusContract } from '../../shared/ipc';
import { DEFAULT_SETTINGS } from '../../shared/ipc/app.contract';
import { Dispatcher } from './dispatcher';

function appDispatcher(overrides: Partial<Record<'getInfo' | 'getSettings' | 'pickFolder' | 'updateSettings', () => Promise<never>>> = {}) {
  const d = new Dispatcher();
  d.register(appContract, {
    getInfo: async () => fail('INTERNAL', 'not in this test'),
    getSettings: async () => ok(DEFAULT_SETTINGS),
    pickFolder: async () => fail('UNSUPPORTED', 'no dialog'),
    updateSettings: async (patch) => ok({ ...DEFAULT_SETTINGS, ...patch }),
    ...overrides,
  });
  return d;
}

describe('Dispatcher', () => {
  it('calls the implementation with parsed input', async () => {
    expect(await appDispatcher().invoke('app.updateSettings', { theme: 'dark' })).toEqual({ ok: true, value: { theme: 'dark', recentFolders: [] } });
  });

  it.each([
    ['an unknown method', 'app.deleteEverything', {}, 'UNKNOWN_METHOD'],
    ['a method of a contract that is not registered', 'status.get', {}, 'UNKNOWN_METHOD'],
    ['a payload of the wrong type', 'app.updateSettings', { theme: 'purple' }, 'BAD_REQUEST'],
    ['extra members on a strict payload', 'app.getSettings', { sneaky: true }, 'BAD_REQUEST'],
    ['a non-object payload', 'app.updateSettings', 'dark', 'BAD_REQUEST'],
  ])('refuses %s with a code', async (_what, method, params, code) => {
    const result = await appDispatcher().invoke(method, params);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('names the offending field', async () => {
    const result = await appDispatcher().invoke('app.updateSettings', { theme: 'purple' });
    expect(!result.ok && result.error.message).toMatch(/theme/);
  });

  it('turns a throwing implementation into INTERNAL, not a crash', async () => {
    const d = appDispatcher({ getSettings: async () => Promise.reject(new Error('disk on fire')) });
    expect(await d.invoke('app.getSettings', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('disk on fire') } });
  });

  it('refuses an implementation that breaks its own output schema', async () => {
    const d = new Dispatcher();
    d.register(statusContract, {
      get: async () => ok({ engine: { state: 'sideways' } } as never),
      refresh: async () => fail('INTERNAL', 'x'),
    });
    expect(await d.invoke('status.get', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('refuses to register a contract twice', () => {
    const d = appDispatcher();
    const again = { getInfo: async () => fail('INTERNAL', ''), getSettings: async () => ok(DEFAULT_SETTINGS), pickFolder: async () => ok({}), updateSettings: async () => ok(DEFAULT_SETTINGS) };
    expect(() => d.register(appContract, again)).toThrow(/twice/);
  });
});
