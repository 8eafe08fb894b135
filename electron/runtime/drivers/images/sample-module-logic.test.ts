import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifest } from '../../../../shared/manifest';
import { defaultRecipesDir, loadRecipe } from './image-recipe';
import { unwrap } from '../test-engine.test-util';

/**
 * The pure logic of the sample modules in resources/modules/<name>/logic.js (CommonJS, as IoT Edge modules are
 * written): the readings, the threshold decision, desired-property handling and the direct-method answers.
 * Their SDK wiring (index.js) runs in the images (sample-module-images.test.ts) and in the edge hub's tests.
 */

const modulesDir = path.resolve(defaultRecipesDir(), '../modules');
const load = createRequire(import.meta.url);

interface Reading {
  machine: { temperature: number; pressure: number };
  ambient: { temperature: number; humidity: number };
  timeCreated: string;
}
interface Settings {
  sendInterval: number;
  sendData: boolean;
}
const sensor = load(path.join(modulesDir, 'temperature-sensor/logic.js')) as {
  SIMULATION: { machineTempMin: number; machineTempMax: number };
  DEFAULT_SETTINGS: Settings;
  nextMachineTemperature(current: number, random: () => number): number;
  reading(temperature: number, random: () => number, now: Date): Reading;
  applyDesired(settings: Settings, desired: unknown): { settings: Settings; changed: string[]; warnings: string[]; reported: Record<string, unknown> };
  parseMessageCount(value: string | undefined): number;
};
const filter = load(path.join(modulesDir, 'filter/logic.js')) as {
  DEFAULT_THRESHOLD: number;
  decide(bytes: Buffer | string, threshold: number): { forward: boolean; reason?: string; temperature?: number };
  applyDesired(threshold: number, desired: unknown): { threshold: number; changed: boolean; warning?: string; reported: Record<string, unknown> };
};
const responder = load(path.join(modulesDir, 'method-responder/logic.js')) as {
  answer(methodName: string, payload: unknown, now: Date): { status: number; payload: unknown } | undefined;
  parseCallModule(body: unknown): { ok: true; request: { moduleId: string; methodParams: { methodName: string; payload: unknown; responseTimeoutInSeconds: number } } } | { ok: false; status: number; payload: { message: string } };
  callModuleAnswer(error: Error | undefined, result?: { status: number; payload: unknown }): { status: number; payload: unknown };
  catchAllMethods(transport: unknown, handler: (request: MethodRequest, response: { send(status: number, payload: unknown, done: () => void): void }) => void, sdk: unknown): boolean;
};
interface MethodRequest {
  methodName: string;
  payload?: unknown;
}
/** The SDK the modules use, from this repository's node_modules (the images carry the same closure). */
const deviceSdk = load('azure-iot-device') as {
  ModuleClient: { fromConnectionString(cs: string, transport: unknown): { _transport: SdkTransport } };
  DeviceMethodRequest: unknown;
  DeviceMethodResponse: unknown;
};
const { Mqtt } = load('azure-iot-device-mqtt') as { Mqtt: unknown };
interface SdkTransport {
  emit(event: string, ...args: unknown[]): boolean;
  onDeviceMethod(name: string, callback: (message: unknown) => void): void;
  sendMethodResponse: (response: { requestId: string; status: number; payload: unknown }, done: (error?: Error) => void) => void;
  _authenticationProvider?: { stop?: () => void };
}

/** A deterministic random source cycling through `values`. */
const cycle = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('temperature-sensor logic', () => {
  it("produces SimulatedTemperatureSensor's shape, pressure following the machine temperature", () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const body = sensor.reading(21, cycle(0.5, 0.5), now);
    expect(Object.keys(body)).toEqual(['machine', 'ambient', 'timeCreated']);
    expect(body).toEqual({ machine: { temperature: 21, pressure: 1 }, ambient: { temperature: 21, humidity: 25 }, timeCreated: '2026-01-02T03:04:05.678Z' });
    expect(sensor.reading(100, cycle(0), now).machine.pressure).toBeCloseTo(10);
    const warm = sensor.reading(60.5, cycle(0.99), now).ambient;
    expect(warm.temperature).toBeCloseTo(21.49);
    expect(warm.humidity).toBe(26);
  });

  it('drifts the machine temperature upward, across a threshold of 25, and starts over past the maximum', () => {
    const random = cycle(0.1, 0.9, 0.5, 0.7);
    let temperature = sensor.SIMULATION.machineTempMin;
    const seen: number[] = [];
    for (let i = 0; i < 400; i++) {
      seen.push(temperature);
      temperature = sensor.nextMachineTemperature(temperature, random);
    }
    expect(seen.slice(0, 10).every((t) => t >= 20 && t < 30)).toBe(true);
    expect(seen.some((t) => t > 25)).toBe(true);
    expect(Math.max(...seen)).toBeLessThanOrEqual(sensor.SIMULATION.machineTempMax + 1.25);
    // Past the maximum it starts over at the minimum, so a filter sees readings on both sides again.
    const resetAt = seen.findIndex((t, i) => i > 0 && seen[i - 1]! > sensor.SIMULATION.machineTempMax);
    expect(resetAt).toBeGreaterThan(0);
    expect(seen[resetAt]).toBe(sensor.SIMULATION.machineTempMin);
    expect(sensor.nextMachineTemperature(30, cycle(0))).toBe(29.75);
    expect(sensor.nextMachineTemperature(30, cycle(0.999999))).toBeCloseTo(31.25);
  });

  it('applies SendInterval and SendData from desired properties, refuses invalid values and reports what is in force', () => {
    const defaults = sensor.DEFAULT_SETTINGS;
    expect(defaults).toEqual({ sendInterval: 5, sendData: true });
    expect(sensor.applyDesired(defaults, { SendInterval: 2, SendData: false, $version: 3 })).toEqual({
      settings: { sendInterval: 2, sendData: false },
      changed: ['SendInterval', 'SendData'],
      warnings: [],
      reported: { SendInterval: 2, SendData: false },
    });
    expect(sensor.applyDesired(defaults, { SendInterval: 5 })).toMatchObject({ changed: [], reported: { SendInterval: 5 } });
    const invalid = sensor.applyDesired(defaults, { SendInterval: -1, SendData: 'yes' });
    expect(invalid.settings).toEqual(defaults);
    expect(invalid.warnings).toHaveLength(2);
    expect(invalid.reported).toEqual({ SendInterval: 5, SendData: true });
    expect(sensor.applyDesired(defaults, { SendInterval: '3' }).settings.sendInterval).toBe(5);
    expect(sensor.applyDesired(defaults, { other: 1 })).toEqual({ settings: defaults, changed: [], warnings: [], reported: {} });
    expect(sensor.applyDesired(defaults, null).settings).toEqual(defaults);
  });

  it('reads MessageCount as the original does: 500 by default, a negative count for no limit', () => {
    expect(sensor.parseMessageCount(undefined)).toBe(500);
    expect(sensor.parseMessageCount('')).toBe(500);
    expect(sensor.parseMessageCount('20')).toBe(20);
    expect(sensor.parseMessageCount(' 0 ')).toBe(0);
    expect(sensor.parseMessageCount('-1')).toBe(Infinity);
    expect(sensor.parseMessageCount('many')).toBe(500);
    expect(sensor.parseMessageCount('2.5')).toBe(500);
  });
});

describe('filter logic', () => {
  const body = (temperature: unknown) => Buffer.from(JSON.stringify({ machine: { temperature, pressure: 1 }, ambient: {}, timeCreated: 'x' }));

  it('forwards only readings whose machine temperature is above the threshold', () => {
    expect(filter.DEFAULT_THRESHOLD).toBe(25);
    expect(filter.decide(body(25.01), 25)).toEqual({ forward: true, temperature: 25.01 });
    expect(filter.decide(body(25), 25)).toEqual({ forward: false, reason: 'below-threshold', temperature: 25 });
    expect(filter.decide(body(-3), -5)).toMatchObject({ forward: true });
    expect(filter.decide(JSON.stringify({ machine: { temperature: 30 } }), 25)).toMatchObject({ forward: true });
  });

  it('drops what is not a reading, saying why', () => {
    expect(filter.decide(Buffer.from('not json'), 25)).toEqual({ forward: false, reason: 'not-json' });
    expect(filter.decide(body('30'), 25)).toEqual({ forward: false, reason: 'no-temperature' });
    expect(filter.decide(Buffer.from('{"ambient":{"temperature":40}}'), 25)).toEqual({ forward: false, reason: 'no-temperature' });
    expect(filter.decide(Buffer.from('null'), 25)).toEqual({ forward: false, reason: 'no-temperature' });
    expect(filter.decide(Buffer.from('[1]'), 25)).toEqual({ forward: false, reason: 'no-temperature' });
  });

  it('applies TemperatureThreshold from desired properties and reports it', () => {
    expect(filter.applyDesired(25, { TemperatureThreshold: 30, $version: 2 })).toEqual({ threshold: 30, changed: true, warning: undefined, reported: { TemperatureThreshold: 30 } });
    expect(filter.applyDesired(30, { TemperatureThreshold: 30 })).toMatchObject({ changed: false, reported: { TemperatureThreshold: 30 } });
    const invalid = filter.applyDesired(25, { TemperatureThreshold: 'hot' });
    expect(invalid).toMatchObject({ threshold: 25, changed: false, reported: { TemperatureThreshold: 25 } });
    expect(invalid.warning).toContain('TemperatureThreshold');
    expect(filter.applyDesired(25, { SendInterval: 1 })).toEqual({ threshold: 25, changed: false, warning: undefined, reported: {} });
  });
});

describe('method-responder logic', () => {
  const now = new Date('2026-01-02T03:04:05.000Z');

  it('echoes the payload, tells the time, and answers an unknown method 404 with a message', () => {
    expect(responder.answer('echo', { a: [1, 'b'] }, now)).toEqual({ status: 200, payload: { a: [1, 'b'] } });
    expect(responder.answer('echo', undefined, now)).toEqual({ status: 200, payload: null });
    expect(responder.answer('getTime', undefined, now)).toEqual({ status: 200, payload: { time: '2026-01-02T03:04:05.000Z', epochMs: now.getTime() } });
    const unknown = responder.answer('reboot', {}, now);
    expect(unknown?.status).toBe(404);
    expect((unknown?.payload as { message: string }).message).toContain('reboot');
    expect(responder.answer('callModule', {}, now)).toBeUndefined();
  });

  it('validates a callModule request and passes the callee’s answer back', () => {
    expect(responder.parseCallModule({ moduleId: 'filter', methodName: 'echo', payload: { x: 1 } })).toEqual({
      ok: true,
      request: { moduleId: 'filter', methodParams: { methodName: 'echo', payload: { x: 1 }, responseTimeoutInSeconds: 30 } },
    });
    expect(responder.parseCallModule({ moduleId: 'm', methodName: 'n', responseTimeoutInSeconds: 10 })).toMatchObject({ ok: true, request: { methodParams: { payload: null, responseTimeoutInSeconds: 10 } } });
    for (const bad of [undefined, 'x', [], {}, { moduleId: 'm' }, { methodName: 'n' }, { moduleId: '', methodName: 'n' }, { moduleId: 'm', methodName: 'n', responseTimeoutInSeconds: 1 }]) {
      expect(responder.parseCallModule(bad)).toMatchObject({ ok: false, status: 400 });
    }
    expect(responder.callModuleAnswer(undefined, { status: 201, payload: { ok: 1 } })).toEqual({ status: 200, payload: { status: 201, payload: { ok: 1 } } });
    expect(responder.callModuleAnswer(new Error('Request timed out'))).toMatchObject({ status: 504 });
    expect(responder.callModuleAnswer(new Error('module not found'))).toMatchObject({ status: 502, payload: { message: 'the call failed: module not found' } });
  });
});

describe('method-responder: methods without a handler', () => {
  it("reach the catch-all through the SDK's MQTT transport as the SDK's own request and response", () => {
    // A module client that never connects: only its transport's method dispatch is used.
    const key = Buffer.from('not-a-real-key-not-a-real-key-00').toString('base64');
    const client = deviceSdk.ModuleClient.fromConnectionString(`HostName=127.0.0.1;DeviceId=d;ModuleId=m;SharedAccessKey=${key}`, Mqtt);
    const transport = client._transport;
    transport._authenticationProvider?.stop?.();
    const sent: Array<{ requestId: string; status: number; payload: unknown }> = [];
    transport.sendMethodResponse = (response, done) => {
      sent.push({ requestId: response.requestId, status: response.status, payload: response.payload });
      done();
    };
    const handled: MethodRequest[] = [];
    expect(
      responder.catchAllMethods(
        transport,
        (request, response) => {
          handled.push({ methodName: request.methodName, payload: request.payload });
          const answer = responder.answer(request.methodName, request.payload, new Date(0));
          if (answer) response.send(answer.status, answer.payload, () => undefined);
        },
        deviceSdk,
      ),
    ).toBe(true);
    const registered: unknown[] = [];
    transport.onDeviceMethod('echo', (message) => registered.push(message));

    const request = (requestId: string, methodName: string, body: string) => ({ requestId, methods: { methodName }, body: Buffer.from(body), properties: {}, verb: 'POST' });
    transport.emit('method_reboot', request('1', 'reboot', '{"now":true}'));
    transport.emit('method_echo', request('2', 'echo', '{"x":1}'));
    transport.emit('method_broken', request('3', 'broken', 'not json'));

    expect(handled).toEqual([{ methodName: 'reboot', payload: { now: true } }]);
    expect(registered).toHaveLength(1);
    expect(sent).toEqual([
      { requestId: '1', status: 404, payload: { message: expect.stringContaining('reboot') } },
      { requestId: '3', status: 400, payload: { message: expect.stringContaining('invalid request') } },
    ]);
    expect(responder.catchAllMethods(undefined, () => undefined, deviceSdk)).toBe(false);
  });
});

describe('the sample deployment (resources/samples/sensor-filter.deployment.json)', () => {
  const file = path.resolve(modulesDir, '../samples/sensor-filter.deployment.json');
  const text = readFileSync(file, 'utf8');

  it('is valid, runs the sample images, and routes sensor → filter → $upstream on the names the modules use', async () => {
    expect(validateManifest(text, { fileName: 'sensor-filter.deployment.json' })).toMatchObject({ kind: 'deployment', ok: true, diagnostics: [] });
    const content = (JSON.parse(text) as { modulesContent: Record<string, { 'properties.desired': Record<string, unknown> }> }).modulesContent;
    const agent = content.$edgeAgent!['properties.desired'] as { modules: Record<string, { settings: { image: string } }> };
    expect(agent.modules.tempSensor?.settings.image).toBe(unwrap(await loadRecipe(defaultRecipesDir(), 'sample-temperature-sensor')).image);
    expect(agent.modules.filter?.settings.image).toBe(unwrap(await loadRecipe(defaultRecipesDir(), 'sample-filter')).image);
    expect(content.$edgeHub!['properties.desired'].routes).toEqual({
      sensorToFilter: 'FROM /messages/modules/tempSensor/outputs/temperatureOutput INTO BrokeredEndpoint("/modules/filter/inputs/input1")',
      filterToUpstream: { route: 'FROM /messages/modules/filter/outputs/output1 INTO $upstream', priority: 0, timeToLiveSecs: 3600 },
    });
    // The module code sends and listens on exactly these names.
    expect(readFileSync(path.join(modulesDir, 'temperature-sensor/index.js'), 'utf8')).toContain("sendOutputEvent('temperatureOutput'");
    const filterCode = readFileSync(path.join(modulesDir, 'filter/index.js'), 'utf8');
    expect(filterCode).toContain("inputName !== 'input1'");
    expect(filterCode).toContain("sendOutputEvent('output1'");
    expect(content.filter?.['properties.desired']).toEqual({ TemperatureThreshold: 25 });
    expect(content.tempSensor?.['properties.desired']).toEqual({ SendData: true, SendInterval: 5 });
  });
});
