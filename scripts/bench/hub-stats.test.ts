import { describe, expect, it } from 'vitest';
import { mosquittoConfig } from './hub-mosquitto';
import { HUB_BENCH_DEFAULTS, parseHubBenchArgs, parseProcCpuTicks, parseVmRss, percentile, ratio } from './hub-stats';

describe('bench:hub figures', () => {
  it('takes percentiles by nearest rank, whatever the order of the samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 1000], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('gives a ratio only when both sides were measured', () => {
    expect(ratio(2, 4)).toBe(0.5);
    expect(ratio(1, 3)).toBe(0.333);
    expect(ratio(1, undefined)).toBeNull();
    expect(ratio(undefined, 1)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(Number.NaN, 1)).toBeNull();
  });

  it('reads VmRSS from /proc/<pid>/status', () => {
    expect(parseVmRss('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t   75124 kB\nRssAnon:\t 1 kB\n')).toBe(75124 * 1024);
    expect(parseVmRss('Name:\tzombie\n')).toBeUndefined();
  });

  it('reads utime + stime from /proc/<pid>/stat, whatever the command name holds', () => {
    const rest = 'S 1 2 3 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 11 0 500 1000 2000';
    expect(parseProcCpuTicks(`4242 (node) ${rest}`)).toBe(1234 + 567);
    expect(parseProcCpuTicks(`4242 (MainThread (x) y) ${rest}`)).toBe(1234 + 567);
    expect(parseProcCpuTicks('4242 (node) S 1 2')).toBeUndefined();
    expect(parseProcCpuTicks('')).toBeUndefined();
  });

  it('parses counts and refuses unknown or bad options', () => {
    expect(parseHubBenchArgs([])).toEqual({ ok: true, value: HUB_BENCH_DEFAULTS });
    expect(parseHubBenchArgs(['--json', '--drain', '0', '--qos0', '500', '--drain-secs', '5'])).toEqual({ ok: true, value: { ...HUB_BENCH_DEFAULTS, json: true, drain: 0, qos0: 500, drainSecs: 5 } });
    expect(parseHubBenchArgs(['--qos1', '0'])).toMatchObject({ ok: false, error: expect.stringContaining('--qos1') });
    expect(parseHubBenchArgs(['--rate', 'fast'])).toMatchObject({ ok: false });
    expect(parseHubBenchArgs(['--qos2', '5'])).toMatchObject({ ok: false, error: expect.stringContaining('unknown option --qos2') });
  });
});

describe('mosquitto config', () => {
  const base = { port: 18883, certFile: '/t/server.crt', keyFile: '/t/server.key', logFile: '/t/m.log' };

  it('listens with TLS on loopback only, keeps QoS 1 messages when persistence is on, and never drops the window', () => {
    const conf = mosquittoConfig({ ...base, persistenceDir: '/t/data/', asRoot: false }).split('\n');
    expect(conf).toContain('listener 18883 127.0.0.1');
    expect(conf).toContain('certfile /t/server.crt');
    expect(conf).toContain('keyfile /t/server.key');
    expect(conf).toContain('persistence true');
    expect(conf).toContain('persistence_location /t/data/');
    expect(conf).toContain('max_inflight_messages 0');
    expect(conf.some((l) => /^listener \d+$/.test(l) || l.startsWith('port '))).toBe(false);
    expect(conf).not.toContain('user root');
  });

  it('turns persistence off and keeps root when asked', () => {
    const conf = mosquittoConfig({ ...base, persistenceDir: undefined, asRoot: true }).split('\n');
    expect(conf).toContain('persistence false');
    expect(conf.some((l) => l.startsWith('persistence_location'))).toBe(false);
    expect(conf[0]).toBe('user root');
  });
});
