import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TappedMessage } from '../../../shared/ipc/edgehub.contract';
import type { HubMessage, IdentityRef } from '../../protocol/device-backend';
import { RecordingGateway } from './memory-store.test-util';
import { MessageRecorder, replayRecording } from './recording';
import { encodeBody, HubTap, TAP_BODY_LIMIT } from './tap';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const sensor: IdentityRef = { deviceId: 'edge1', moduleId: 'sensor' };
const leaf: IdentityRef = { deviceId: 'leaf1' };
const msg = (body: Uint8Array | string, systemProperties: Record<string, string> = {}, properties: Record<string, string> = {}): HubMessage => ({
  body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
  systemProperties,
  properties,
});

describe('HubTap', () => {
  it('keeps at most maxPerBatch messages per batch, with increasing ids (gaps = sampled out), in the contract shape', () => {
    const tap = new HubTap({ maxPerBatch: 2, now: () => T0 });
    const batches: TappedMessage[][] = [];
    tap.onMessages((batch) => batches.push(batch));
    for (let i = 0; i < 5; i++) tap.observe(sensor, msg(`{"i":${i}}`, { on: 'temp', mid: `m${i}` }, { k: 'v' }), ['r1'], ['module/filter/in'], T0);
    tap.flush();
    tap.observe(leaf, msg('x'), ['r2'], ['$upstream'], T0 + 1);
    tap.flush();
    tap.dispose();
    expect(batches.map((b) => b.map((m) => m.id))).toEqual([[1, 2], [6]]);
    const first = batches[0]?.[0];
    expect(TappedMessage.parse(first)).toEqual(first);
    expect(first).toEqual({
      id: 1,
      at: new Date(T0).toISOString(),
      deviceId: 'edge1',
      moduleId: 'sensor',
      output: 'temp',
      routes: ['r1'],
      endpoints: ['module/filter/in'],
      systemProperties: { outputName: 'temp', messageId: 'm0', connectionDeviceId: 'edge1', connectionModuleId: 'sensor', enqueuedTime: new Date(T0).toISOString() },
      properties: { k: 'v' },
      body: '{"i":0}',
      bodyEncoding: 'utf8',
      bodyBytes: 7,
    });
    expect(batches[1]?.[0]).toMatchObject({ deviceId: 'leaf1', routes: ['r2'] });
    expect(batches[1]?.[0]?.moduleId).toBeUndefined();
  });

  it('counts every message per source output and per route, and starts over after each report', () => {
    const tap = new HubTap({ maxPerBatch: 1, now: () => T0 });
    for (let i = 0; i < 3; i++) tap.observe(sensor, msg('x', { on: 'temp' }), ['r1', 'r2'], [], T0);
    tap.observe(sensor, msg('x'), [], [], T0);
    tap.observe(leaf, msg('x'), ['r2'], [], T0);
    expect(tap.takeRates()).toEqual({ at: new Date(T0).toISOString(), bySource: { 'sensor/temp': 3, sensor: 1, leaf1: 1 }, byRoute: { r1: 3, r2: 4 } });
    expect(tap.takeRates()).toEqual({ at: new Date(T0).toISOString(), bySource: {}, byRoute: {} });
  });

  it('keeps a bounded ring of recent messages', () => {
    const tap = new HubTap({ maxPerBatch: 10, ringSize: 3 });
    for (let i = 0; i < 5; i++) tap.observe(sensor, msg(String(i)), [], [], T0);
    expect(tap.recent().map((m) => m.body)).toEqual(['2', '3', '4']);
  });

  it('cuts bodies at 64 KiB without splitting a character; binary bodies are base64', () => {
    const big = new TextEncoder().encode(`${'a'.repeat(TAP_BODY_LIMIT - 1)}é and more`);
    const cut = encodeBody(big, TAP_BODY_LIMIT);
    expect(cut).toMatchObject({ encoding: 'utf8', truncated: true });
    expect(cut.text).toBe('a'.repeat(TAP_BODY_LIMIT - 1));
    expect(encodeBody(new Uint8Array([0xff, 0x00, 0xfe]), TAP_BODY_LIMIT)).toEqual({ text: '/wD+', encoding: 'base64', truncated: false });
    const tap = new HubTap();
    tap.observe(sensor, msg(big), [], [], T0);
    expect(tap.recent()[0]).toMatchObject({ bodyBytes: big.byteLength, truncated: true });
  });
});

describe('recording and replay', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-recording-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records every message with its full body and replays them in order with their properties', async () => {
    const path = join(dir, 'rec.ndjson');
    const started = await MessageRecorder.start(path);
    if (!started.ok) throw new Error(started.error.message);
    const big = 'b'.repeat(TAP_BODY_LIMIT + 10);
    const bodies = [msg('{"t":1}', { on: 'temp', mid: 'm1', ct: 'application/json', ce: 'utf-8' }, { alert: 'yes' }), msg(new Uint8Array([0, 1, 255])), msg(big)];
    bodies.forEach((m, i) => started.value.record({ id: i + 1, atMs: T0, source: sensor, message: m, routes: ['r'], endpoints: ['$upstream'] }));
    expect(await started.value.stop()).toEqual({ ok: true, value: { path, messages: 3 } });
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((l) => TappedMessage.parse(JSON.parse(l)).bodyEncoding)).toEqual(['utf8', 'base64', 'utf8']);
    expect(JSON.parse(lines[2] ?? '{}')).not.toHaveProperty('truncated');

    const gateway = new RecordingGateway();
    const target = { deviceId: 'edge1', moduleId: 'filter' };
    expect(await replayRecording(path, gateway, target, 'input1')).toEqual({ ok: true, value: { delivered: 3 } });
    expect(gateway.delivered.map((d) => [d.target, d.input])).toEqual([
      [target, 'input1'],
      [target, 'input1'],
      [target, 'input1'],
    ]);
    expect(gateway.delivered[0]?.message).toEqual({ body: new TextEncoder().encode('{"t":1}'), systemProperties: { mid: 'm1', ct: 'application/json', ce: 'utf-8', cdid: 'edge1', cmid: 'sensor' }, properties: { alert: 'yes' } });
    expect([...(gateway.delivered[1]?.message.body ?? [])]).toEqual([0, 1, 255]);
    expect(Buffer.from(gateway.delivered[2]?.message.body ?? []).toString()).toBe(big);
  });

  it('creates the folder of a new recording, and never overwrites an existing file', async () => {
    const path = join(dir, 'recordings', 'day 1', 'rec.ndjson');
    const started = await MessageRecorder.start(path);
    expect(started.ok).toBe(true);
    if (started.ok) await started.value.stop();
    const again = await MessageRecorder.start(path);
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: `${path} already exists: a recording never overwrites a file` } });
  });

  it('stops at a line that is not a recorded message, or when the module takes no input, saying how many went', async () => {
    const path = join(dir, 'bad.ndjson');
    const good = JSON.stringify({ id: 1, at: new Date(T0).toISOString(), deviceId: 'e', routes: [], endpoints: [], systemProperties: {}, properties: {}, body: 'x', bodyEncoding: 'utf8', bodyBytes: 1 });
    await writeFile(path, `${good}\n{"nope":1}\n${good}\n`);
    const gateway = new RecordingGateway();
    expect(await replayRecording(path, gateway, { deviceId: 'e', moduleId: 'm' }, 'in')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { delivered: 1 } } });
    gateway.accepting = false;
    expect(await replayRecording(path, gateway, { deviceId: 'e', moduleId: 'm' }, 'in')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { delivered: 0 } } });
    expect(await replayRecording(join(dir, 'missing.ndjson'), gateway, { deviceId: 'e', moduleId: 'm' }, 'in')).toMatchObject({ ok: false, error: { code: 'IO' } });
  });
});
