/**
 * Micro-benchmark of route evaluation on the hub's hot path (not a test; the bench script calls it).
 * Compiles ~50 routes shaped like the ones in real manifests (module output -> upstream / module input, a few
 * conditions on application and system properties, some `$body` queries), then routes 100k messages the way
 * the hub does: one MessageContext per message, every route evaluated against it.
 */
import { createMessageContext, evaluate } from './evaluate';
import { compileRoute } from './route';
import type { CompiledRoute, RouteMessage } from './types';

const MODULES = ['SimulatedTemperatureSensor', 'filter', 'opcPublisher', 'modbus', 'camera', 'inference', 'aggregator', 'alerts'];

function benchRoutes(): string[] {
  const routes: string[] = [];
  MODULES.forEach((m, i) => {
    const next = MODULES[(i + 1) % MODULES.length] as string;
    routes.push(`FROM /messages/modules/${m}/outputs/* INTO $upstream`);
    routes.push(`FROM /messages/modules/${m}/outputs/output1 INTO BrokeredEndpoint("/modules/${next}/inputs/input1")`);
    routes.push(`FROM /messages/modules/${m}/* WHERE alertLevel = 'critical' INTO BrokeredEndpoint("/modules/alerts/inputs/critical")`);
    routes.push(`FROM /messages/modules/${m}/outputs/telemetry WHERE as_number(temperature) > ${20 + i} AND $contentType = 'application/json' INTO BrokeredEndpoint("/modules/${next}/inputs/hot")`);
    routes.push(`FROM /messages/modules/${m}/outputs/telemetry WHERE $body.machine.temperature > ${60 + i} INTO BrokeredEndpoint("/modules/alerts/inputs/body")`);
    routes.push(`FROM /messages/modules/${m} WHERE $connectionModuleId = '${m}' AND is_defined(batchId) INTO $upstream`);
  });
  routes.push('FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream');
  routes.push('FROM /* INTO BrokeredEndpoint("/modules/archiver/inputs/all")');
  routes.push("FROM /messages/* WHERE $connectionDeviceId = 'leaf-1' INTO BrokeredEndpoint(\"/modules/relayer/inputs/input1\")");
  routes.push("FROM /twinChangeNotifications INTO BrokeredEndpoint(\"/modules/twinWatcher/inputs/changes\")");
  return routes;
}

/** Deterministic pseudo-random numbers so runs are comparable. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function benchMessages(count: number): RouteMessage[] {
  const random = lcg(42);
  const outputs = ['output1', 'telemetry', 'diagnostics'];
  const messages: RouteMessage[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.1) {
      messages.push({ body: '{"t":1}', properties: {}, systemProperties: { connectionDeviceId: 'leaf-1' }, source: { kind: 'device', deviceId: 'leaf-1' } });
      continue;
    }
    const moduleId = MODULES[Math.floor(random() * MODULES.length)] as string;
    const output = outputs[Math.floor(random() * outputs.length)] as string;
    const temperature = (10 + random() * 80).toFixed(1);
    messages.push({
      body: `{"machine":{"temperature":${temperature},"pressure":1.2},"timeCreated":"2024-05-01T10:00:00Z"}`,
      properties: random() < 0.05 ? { alertLevel: 'critical', temperature } : { temperature, batchId: String(i) },
      systemProperties: { connectionDeviceId: 'gateway', connectionModuleId: moduleId, outputName: output, contentType: 'application/json', contentEncoding: 'utf-8' },
      source: { kind: 'module', moduleId, output },
    });
  }
  return messages;
}

function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

export function benchRouteEvaluation(messageCount = 100_000): { routes: number; messages: number; nsPerEval: number } {
  const routes: CompiledRoute[] = benchRoutes().map((text) => {
    const result = compileRoute(text);
    if (!result.ok) throw new Error(`bench route does not compile: ${text}: ${result.error.message}`);
    return result.value;
  });
  const messages = benchMessages(messageCount);
  let matched = 0;
  const start = now();
  for (const message of messages) {
    const ctx = createMessageContext(message);
    for (const route of routes) if (evaluate(route, ctx)) matched++;
  }
  const elapsedMs = now() - start;
  if (matched === 0) throw new Error('bench routed no message; the benchmark is broken');
  return { routes: routes.length, messages: messages.length, nsPerEval: (elapsedMs * 1e6) / (messages.length * routes.length) };
}
