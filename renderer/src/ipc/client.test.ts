import { describe, expect, it, vi } from 'vitest';
import { appContract } from '../../../shared/ipc';
import { createClient, subscribeEvent } from './client';
import type { Transport } from './transport';

function fakeTransport(answer: unknown): Transport & { invoke: ReturnType<typeof vi.fn>; emit(event: string, payload: unknown): void } {
  const listeners = new Map<string, (p: unknown) => void>();
  return {
    kind: 'websocket',
    state: 'connected',
    invoke: vi.fn(async () => answer),
    subscribe: (event, listener) => (listeners.set(event, listener), () => listeners.delete(event)),
    disconnectedAt: null,
    onDidChangeState: () => () => undefined,
    retryNow: () => undefined,
    emit: (event, payload) => listeners.get(event)?.(payload),
  };
}

describe('typed client', () => {
  it('validates input before it leaves the page', async () => {
    const transport = fakeTransport({ ok: true, value: {} });
    const client = createClient(appContract, transport);
    const result = await client.updateSettings({ theme: 'neon' as never });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(transport.invoke).not.toHaveBeenCalled();
  });

  it('returns the parsed value of a valid answer', async () => {
    const transport = fakeTransport({ ok: true, value: { theme: 'dark', recentFolders: [] } });
    expect(await createClient(appContract, transport).getSettings({})).toEqual({ ok: true, value: { theme: 'dark', recentFolders: [] } });
    expect(transport.invoke).toHaveBeenCalledWith('app.getSettings', {});
  });

  it.each([
    ['a malformed frame', { yes: 1 }],
    ['a value that breaks the output schema', { ok: true, value: { theme: 42 } }],
  ])('refuses %s with BAD_RESPONSE', async (_what, answer) => {
    expect(await createClient(appContract, fakeTransport(answer)).getSettings({})).toMatchObject({ ok: false, error: { code: 'BAD_RESPONSE' } });
  });

  it('passes host errors through as data', async () => {
    const error = { code: 'IO', message: 'disk full' };
    expect(await createClient(appContract, fakeTransport({ ok: false, error })).getSettings({})).toEqual({ ok: false, error });
  });

  it('delivers valid events and drops invalid ones', () => {
    const transport = fakeTransport(undefined);
    const listener = vi.fn();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    subscribeEvent(transport, appContract, 'settingsChanged', listener);
    transport.emit('app.settingsChanged', { theme: 'light', recentFolders: [] });
    transport.emit('app.settingsChanged', { theme: 'mauve' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith({ theme: 'light', recentFolders: [] });
    warn.mockRestore();
  });
});
