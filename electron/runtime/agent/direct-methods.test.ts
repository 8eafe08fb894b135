import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import type { LogLine } from '../drivers/driver';
import { invokeAgentMethod, MAX_LOGS_PAYLOAD, type AgentMethodHost } from './direct-methods';
import { parseLogTime } from './log-filter';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const lines = (n: number, prefix = ''): LogLine[] => Array.from({ length: n }, (_, i) => ({ stream: 'stdout', line: `${prefix}line ${i}`, timestamp: `2026-11-27T11:00:${String(i % 60).padStart(2, '0')}.000000000Z` }));

function host(logs: Record<string, LogLine[]> = { tempSensor: lines(3), filter: lines(2) }): AgentMethodHost & { restart: ReturnType<typeof vi.fn>; logs: ReturnType<typeof vi.fn> } {
  return {
    modules: () => Object.keys(logs),
    restart: vi.fn(async () => ({ ok: true as const })),
    logs: vi.fn(async (name: string, o: { tail?: number }) => (o.tail !== undefined ? (logs[name] ?? []).slice(-o.tail) : (logs[name] ?? []))),
    now: () => NOW,
  };
}

describe('$edgeAgent direct methods', () => {
  it('answers ping, in any case', async () => {
    expect(await invokeAgentMethod('PING', undefined, host())).toEqual({ status: 200 });
  });

  it('refuses an unknown method with 400 and the supported list', async () => {
    const r = await invokeAgentMethod('Reboot', {}, host());
    expect(r).toEqual({ status: 400, payload: { message: expect.stringContaining("Command 'Reboot' not found. The supported commands are - ping, RestartModule, GetModuleLogs") } });
  });

  it('restarts a module of the current environment; 500 for a missing one; 400 without payload or with another major schema', async () => {
    const h = host();
    expect(await invokeAgentMethod('restartmodule', { schemaVersion: '1.0', id: 'filter' }, h)).toEqual({ status: 200 });
    expect(h.restart).toHaveBeenCalledWith('filter');
    expect(await invokeAgentMethod('RestartModule', { schemaVersion: '1.0', id: 'nope' }, h)).toEqual({ status: 500, payload: { message: 'Module nope not found in the current environment' } });
    expect((await invokeAgentMethod('RestartModule', undefined, h)).status).toBe(400);
    expect((await invokeAgentMethod('RestartModule', { schemaVersion: '2.0', id: 'filter' }, h)).status).toBe(400);
  });

  it('GetModuleLogs: items as an object or an array, id as a case-insensitive regex or "all", text and json', async () => {
    const text = await invokeAgentMethod('GetModuleLogs', { schemaVersion: '1.0', items: { id: 'TEMP', filter: { tail: 2 } }, contentType: 'text' }, host());
    expect(text).toEqual({ status: 200, payload: [{ id: 'tempSensor', payload: 'line 1\nline 2' }] });
    const all = await invokeAgentMethod('GetModuleLogs', { schemaVersion: '1.0', items: [{ id: 'all' }] }, host());
    const payload = all.payload as { id: string; payload: string }[];
    expect(payload.map((p) => p.id)).toEqual(['tempSensor', 'filter']);
    expect(JSON.parse(payload[1]?.payload ?? '')).toEqual([
      { moduleId: 'filter', stream: 'stdout', loglevel: 6, timestamp: expect.any(String), text: 'line 0' },
      { moduleId: 'filter', stream: 'stdout', loglevel: 6, timestamp: expect.any(String), text: 'line 1' },
    ]);
  });

  it('GetModuleLogs: gzip gives base64 payloadBytes', async () => {
    const r = await invokeAgentMethod('GetModuleLogs', { schemaVersion: '1.0', items: { id: 'filter' }, encoding: 'gzip', contentType: 'text' }, host());
    const entry = (r.payload as { payloadBytes: string }[])[0];
    expect(gunzipSync(Buffer.from(entry?.payloadBytes ?? '', 'base64')).toString()).toBe('line 0\nline 1');
  });

  it('GetModuleLogs: loglevel keeps syslog levels ≤ it, regex filters content', async () => {
    const logs = { m: [{ stream: 'stdout', line: '<3> error' }, { stream: 'stdout', line: '<6> info' }, { stream: 'stdout', line: '<7> debug' }] as LogLine[] };
    const r = await invokeAgentMethod('GetModuleLogs', { schemaVersion: '1.0', items: { id: 'm', filter: { loglevel: 6, regex: 'err|inf' } }, contentType: 'text' }, host(logs));
    expect(r.payload).toEqual([{ id: 'm', payload: '<3> error\n<6> info' }]);
  });

  it('GetModuleLogs: too much log is an error message in the payload, as edgeAgent does', async () => {
    const big = { m: lines(20_000, 'x'.repeat(20)) };
    const r = await invokeAgentMethod('GetModuleLogs', { schemaVersion: '1.0', items: { id: 'm' }, contentType: 'text' }, host(big));
    expect((r.payload as { payload: string }[])[0]?.payload).toMatch(new RegExp(`too large.*${MAX_LOGS_PAYLOAD}`));
  });

  it('refuses a bad filter with 400', async () => {
    expect((await invokeAgentMethod('GetModuleLogs', { schemaVersion: '1.0', items: { id: '(' } }, host())).status).toBe(400);
    expect((await invokeAgentMethod('GetModuleLogs', { schemaVersion: '1.0', items: { id: 'm', filter: { since: 'yesterday-ish' } } }, host())).status).toBe(400);
    expect((await invokeAgentMethod('GetModuleLogs', { schemaVersion: '1.0' }, host())).status).toBe(400);
  });
});

describe('log time filters', () => {
  it.each([
    ['1d', NOW - 86_400_000],
    ['90m', NOW - 5_400_000],
    ['2 days 3 hours 2 minutes', NOW - (2 * 86400 + 3 * 3600 + 120) * 1000],
    ['1700000000', 1_700_000_000_000],
    ['2026-11-27T10:00:00Z', Date.parse('2026-11-27T10:00:00Z')],
  ])('%s', (value, expected) => expect(parseLogTime(value, NOW)?.getTime()).toBe(expected));
});
