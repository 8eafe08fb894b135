import { describe, expect, it } from 'vitest';
import { asSentence, edgeHubWord, formatAge, formatBytes, formatRate, upstreamWord } from './hub-words';

const at = (iso: string) => `<${iso}>`;

describe('edgeHubWord', () => {
  it('says the state as the contract names it, with the reason', () => {
    expect(edgeHubWord({ state: 'running', mqttPort: 8883, httpsPort: 443, since: '2026-12-03T12:00:00Z' })).toMatchObject({ word: 'running', tone: 'ok' });
    expect(edgeHubWord({ state: 'starting' })).toMatchObject({ word: 'starting', tone: 'busy' });
    expect(edgeHubWord({ state: 'failed', reason: 'port 8883 is taken' })).toEqual({ word: 'failed', tone: 'danger', sentence: 'The edge hub could not start: port 8883 is taken' });
    expect(edgeHubWord({ state: 'off', reason: 'GATEHOUSE_EDGEHUB=off' })).toMatchObject({ word: 'off', tone: 'neutral', sentence: 'The edge hub is not running: GATEHOUSE_EDGEHUB=off' });
  });
});

describe('upstreamWord', () => {
  it('gives offline the warning tone (messages kept, retried) with the error and the next try', () => {
    const word = upstreamWord({ state: 'offline', hubHost: 'hub.local', lastError: 'connection refused', retryAt: '2026-12-03T12:00:05Z' }, at);
    expect(word.word).toBe('offline');
    expect(word.tone).toBe('warning');
    expect(word.sentence).toContain('connection refused');
    expect(word.sentence).toContain('<2026-12-03T12:00:05Z>');
  });

  it('says connected with the host and since when', () => {
    expect(upstreamWord({ state: 'connected', hubHost: 'hub.local', since: 'S' }, at)).toEqual({ word: 'connected', tone: 'ok', sentence: 'Connected to hub.local since <S>.' });
    expect(upstreamWord({ state: 'connecting', hubHost: 'hub.local' }, at).tone).toBe('busy');
    expect(upstreamWord({ state: 'off', reason: 'no edge device identity' }, at).tone).toBe('neutral');
  });
});

describe('formats', () => {
  it('says ages, rates and sizes shortly', () => {
    expect(formatAge(0)).toBe('—');
    expect(formatAge(850)).toBe('850 ms');
    expect(formatAge(12_400)).toBe('12 s');
    expect(formatAge(245_000)).toBe('4 min 5 s');
    expect(formatAge(2 * 3_600_000 + 180_000)).toBe('2 h 3 min');
    expect(formatRate(0)).toBe('0/s');
    expect(formatRate(0.5)).toBe('0.5/s');
    expect(formatRate(12)).toBe('12/s');
    expect(formatRate(1204.4)).toBe(`${(1204).toLocaleString()}/s`);
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MB');
  });
});

describe('asSentence', () => {
  it('makes the host’s reason a sentence of its own', () => {
    expect(asSentence('the edge hub is off in this process (GATEHOUSE_EDGEHUB=off)')).toBe('The edge hub is off in this process (GATEHOUSE_EDGEHUB=off).');
    expect(asSentence('Port 8883 is taken.')).toBe('Port 8883 is taken.');
    expect(asSentence('  ')).toBe('');
  });
});
