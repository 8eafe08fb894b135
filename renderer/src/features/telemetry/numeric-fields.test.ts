import { describe, expect, it } from 'vitest';
import { MAX_FIELDS_PER_BODY, messageNumericFields, messageSource, numericFields } from './numeric-fields';

const tapped = (body: string, extra: Partial<{ bodyEncoding: 'utf8' | 'base64'; truncated: boolean }> = {}) => ({ body, bodyEncoding: 'utf8' as const, ...extra });

describe('numericFields', () => {
  it('flattens nested numbers to dotted paths (the simulated temperature sensor)', () => {
    const body = { machine: { temperature: 21.5, pressure: 1.2 }, ambient: { temperature: 20.9, humidity: 25 }, timeCreated: '2026-12-03T12:00:00Z' };
    expect([...numericFields(body)]).toEqual([
      ['machine.temperature', 21.5],
      ['machine.pressure', 1.2],
      ['ambient.temperature', 20.9],
      ['ambient.humidity', 25],
    ]);
  });

  it('names array items by index and skips what is not a finite number', () => {
    expect([...numericFields({ v: [1, '2', null, true, { x: 3 }], n: Number.NaN, s: '42' })]).toEqual([
      ['v[0]', 1],
      ['v[4].x', 3],
    ]);
  });

  it('gives nothing for a bare number (no name to chart it by)', () => {
    expect(numericFields(42).size).toBe(0);
  });

  it('stops at MAX_FIELDS_PER_BODY fields', () => {
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, i]));
    const fields = numericFields(wide);
    expect(fields.size).toBe(MAX_FIELDS_PER_BODY);
    expect(fields.has('f0')).toBe(true);
  });

  it('does not walk deeper than a few levels', () => {
    expect([...numericFields({ a: { b: { c: { d: { e: { f: { g: 1 } } } } } }, top: 2 })]).toEqual([['top', 2]]);
  });
});

describe('messageNumericFields', () => {
  it('reads whole UTF-8 JSON bodies', () => {
    expect(messageNumericFields(tapped('{"temperature": 30}')).get('temperature')).toBe(30);
  });

  it('gives nothing for text, base64, cut or broken bodies', () => {
    expect(messageNumericFields(tapped('30')).size).toBe(0);
    expect(messageNumericFields(tapped('eyJ0IjoxfQ==', { bodyEncoding: 'base64' })).size).toBe(0);
    expect(messageNumericFields(tapped('{"t": 1}', { truncated: true })).size).toBe(0);
    expect(messageNumericFields(tapped('{"t": ')).size).toBe(0);
  });
});

describe('messageSource', () => {
  it('is <module>/<output> for module outputs and the device id for device telemetry, as rates.bySource', () => {
    expect(messageSource({ deviceId: 'gw', moduleId: 'sensor', output: 'temperatureOutput' })).toBe('sensor/temperatureOutput');
    expect(messageSource({ deviceId: 'gw', moduleId: 'sensor' })).toBe('sensor');
    expect(messageSource({ deviceId: 'leaf-1' })).toBe('leaf-1');
  });
});
