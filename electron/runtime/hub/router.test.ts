import { describe, expect, it } from 'vitest';
import type { HubMessage, IdentityRef } from '../../protocol/device-backend';
import { parseEdgeHubDesired, type EdgeHubConfig } from './edgehub-config';
import { routeMessage, routingSystemProperties } from './router';

const DEVICE = 'edge1';
const sensor: IdentityRef = { deviceId: DEVICE, moduleId: 'sensor' };
const m1: IdentityRef = { deviceId: DEVICE, moduleId: 'm1' };
const m10: IdentityRef = { deviceId: DEVICE, moduleId: 'm10' };
const device: IdentityRef = { deviceId: 'leaf1' };

function config(routes: Record<string, unknown>, ttl = 7200): EdgeHubConfig {
  const parsed = parseEdgeHubDesired({ schemaVersion: '1.1', routes, storeAndForwardConfiguration: { timeToLiveSecs: ttl } });
  if (!parsed.ok) throw new Error(parsed.error.description);
  return parsed.value;
}

function message(body: string | object, system: Record<string, string> = {}, properties: Record<string, string> = {}): HubMessage {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { body: new TextEncoder().encode(text), systemProperties: system, properties };
}

function route(cfg: EdgeHubConfig, from: IdentityRef, msg: HubMessage) {
  return routeMessage(cfg.routes, cfg.timeToLiveSecs, from, msg, Date.UTC(2026, 0, 1));
}

describe('routeMessage', () => {
  it('routes by module output ($.on) and source prefix (as the route core matches sources: m1 does not select m10)', () => {
    const cfg = config({
      temps: 'FROM /messages/modules/sensor/outputs/temperature INTO BrokeredEndpoint("/modules/filter/inputs/in")',
      anyM1: 'FROM /messages/modules/m1 INTO BrokeredEndpoint("/modules/sink/inputs/m1")',
      devices: 'FROM /messages INTO $upstream',
    });
    expect(route(cfg, sensor, message('x', { on: 'temperature' })).routeNames).toEqual(['temps', 'devices']);
    expect(route(cfg, sensor, message('x', { on: 'other' })).routeNames).toEqual(['devices']);
    expect(route(cfg, m1, message('x', { on: 'o' })).routeNames).toEqual(['anyM1', 'devices']);
    expect(route(cfg, m1, message('x')).routeNames).toEqual(['anyM1', 'devices']);
    expect(route(cfg, m10, message('x', { on: 'o' })).routeNames).toEqual(['devices']);
    expect(route(cfg, device, message('x')).routeNames).toEqual(['devices']);
  });

  it('applies WHERE conditions on application and system properties, and the sender identity the hub set', () => {
    const cfg = config({
      hot: "FROM /messages/* WHERE alert = 'hot' INTO $upstream",
      fromSensor: "FROM /* WHERE $connectionModuleId = 'sensor' INTO BrokeredEndpoint(\"/modules/audit/inputs/in\")",
      number: 'FROM /* WHERE as_number(level) > 3 INTO BrokeredEndpoint("/modules/level/inputs/in")',
    });
    expect(route(cfg, sensor, message('x', {}, { alert: 'hot', level: '4' })).routeNames).toEqual(['hot', 'fromSensor', 'number']);
    expect(route(cfg, m1, message('x', {}, { alert: 'cold', level: '2' })).routeNames).toEqual([]);
    // A client cannot claim another sender: the authenticated identity replaces $.cmid.
    expect(route(cfg, m1, message('x', { cmid: 'sensor' })).routeNames).toEqual([]);
    expect(routingSystemProperties(m1, message('x', { cmid: 'sensor', mid: 'id1' }), 0)).toMatchObject({ connectionModuleId: 'm1', connectionDeviceId: DEVICE, messageId: 'id1' });
  });

  it('lets an application property named $name shadow the system property; {$name} forces the system one', () => {
    const cfg = config({
      shadowed: "FROM /* WHERE $connectionModuleId = 'fake' INTO $upstream",
      forced: "FROM /* WHERE {$connectionModuleId} = 'sensor' INTO BrokeredEndpoint(\"/modules/x/inputs/in\")",
    });
    expect(route(cfg, sensor, message('x', {}, { $connectionModuleId: 'fake' })).routeNames).toEqual(['shadowed', 'forced']);
    expect(route(cfg, sensor, message('x')).routeNames).toEqual(['forced']);
  });

  it('routes on $body only with $.ct=application/json and $.ce utf-8/16/32', () => {
    const cfg = config({ body: 'FROM /* WHERE $body.temperature > 30 INTO $upstream' });
    const hot = { temperature: 35 };
    expect(route(cfg, sensor, message(hot, { ct: 'application/json', ce: 'utf-8' })).routeNames).toEqual(['body']);
    expect(route(cfg, sensor, message(hot, { ct: 'application/json', ce: 'UTF-8' })).routeNames).toEqual(['body']);
    expect(route(cfg, sensor, message(hot, { ct: 'application/json' })).routeNames).toEqual([]);
    expect(route(cfg, sensor, message(hot, { ce: 'utf-8' })).routeNames).toEqual([]);
    expect(route(cfg, sensor, message(hot, { ct: 'application/json', ce: 'latin1' })).routeNames).toEqual([]);
    expect(route(cfg, sensor, message({ temperature: 20 }, { ct: 'application/json', ce: 'utf-8' })).routeNames).toEqual([]);
  });

  it('gives each endpoint one target: the best priority, then the smallest TTL; route TTL 0 takes the global one', () => {
    const cfg = config(
      {
        low: { route: 'FROM /* INTO $upstream', priority: 5, timeToLiveSecs: 10 },
        high: { route: 'FROM /* INTO $upstream', priority: 1, timeToLiveSecs: 100 },
        sameA: { route: 'FROM /* INTO BrokeredEndpoint("/modules/b/inputs/in")', priority: 2, timeToLiveSecs: 0 },
        sameB: { route: 'FROM /* INTO BrokeredEndpoint("/modules/b/inputs/in")', priority: 2, timeToLiveSecs: 60 },
        plain: 'FROM /* INTO BrokeredEndpoint("/modules/c/inputs/in")',
      },
      3600,
    );
    const routed = route(cfg, sensor, message('x'));
    expect(routed.routeNames).toEqual(['low', 'high', 'sameA', 'sameB', 'plain']);
    expect(routed.targets).toEqual([
      { endpoint: '$upstream', priority: 1, ttlSecs: 100 },
      { endpoint: 'module/b/in', priority: 2, ttlSecs: 60 },
      { endpoint: 'module/c/in', priority: 2_000_000_000, ttlSecs: 3600 },
    ]);
  });

  it('decodes the body once per message however many routes read $body (one MessageContext per message)', () => {
    const reads = (routes: Record<string, unknown>) => {
      let count = 0;
      const body = new TextEncoder().encode(JSON.stringify({ x: 1, y: 2, z: 3 }));
      const counting = new Proxy(body, {
        get(target, prop) {
          count += 1;
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const cfg = config(routes);
      const routed = route(cfg, sensor, { body: counting, systemProperties: { ct: 'application/json', ce: 'utf-8' }, properties: {} });
      return { count, names: routed.routeNames };
    };
    const one = reads({ a: 'FROM /* WHERE $body.x = 1 INTO $upstream' });
    const three = reads({
      a: 'FROM /* WHERE $body.x = 1 INTO $upstream',
      b: 'FROM /* WHERE $body.y = 2 INTO BrokeredEndpoint("/modules/b/inputs/in")',
      c: 'FROM /* WHERE $body.z = 3 INTO BrokeredEndpoint("/modules/c/inputs/in")',
    });
    expect(one.names).toEqual(['a']);
    expect(three.names).toEqual(['a', 'b', 'c']);
    expect(one.count).toBeGreaterThan(0);
    expect(three.count).toBe(one.count);
  });

  it('routes nothing when there are no routes', () => {
    expect(routeMessage([], undefined, sensor, message('x'), 0)).toEqual({ targets: [], routeNames: [] });
  });
});
