/**
 * The effective desired state of a device targeted by a base deployment and layered deployments.
 *
 * IoT Hub applies the base deployment, then every layered deployment that targets the device. Each
 * layer key `properties.desired.<a>.<b>` sets the value at that path of the twin's desired
 * properties (replacing what was there); a `properties.desired` key sets the whole desired properties
 * of a (custom) module twin. When two layers set the same path, the higher priority wins; for equal
 * priorities the later layer in the array wins (IoT Hub prefers the most recently created one).
 * Pure: the inputs are not modified.
 */
import type { DeploymentManifest, ModulesContent } from './model.js';
import { isObject } from './newtonsoft-compat.js';

export interface DeploymentLayer {
  readonly id?: string;
  readonly priority: number;
  /** The layer's modulesContent: twin → { "properties.desired.<path>": value, … }. */
  readonly modulesContent: Readonly<Record<string, unknown>>;
}

const DESIRED = 'properties.desired';

/** Builds a layer from an IoT Hub configuration object (`{ id, priority, content: { modulesContent } }`). */
export function layerFromConfiguration(configuration: unknown): DeploymentLayer | undefined {
  if (!isObject(configuration)) return undefined;
  const content = isObject(configuration['content']) ? configuration['content'] : configuration;
  const modulesContent = content['modulesContent'] ?? content['moduleContent'];
  if (!isObject(modulesContent)) return undefined;
  const priority = Number(configuration['priority'] ?? 0);
  return {
    ...(typeof configuration['id'] === 'string' ? { id: configuration['id'] } : {}),
    priority: Number.isFinite(priority) ? priority : 0,
    modulesContent,
  };
}

export function effectiveManifest(base: DeploymentManifest, layers: readonly DeploymentLayer[]): DeploymentManifest {
  const result = clone(base.modulesContent) as Record<string, unknown>;
  const ordered = layers.map((layer, index) => ({ layer, index })).sort((a, b) => a.layer.priority - b.layer.priority || a.index - b.index);
  for (const { layer } of ordered) {
    for (const [twin, content] of Object.entries(layer.modulesContent)) {
      if (!isObject(content)) continue;
      const twinContent = ensureObject(result, twin);
      for (const [key, value] of Object.entries(content)) {
        if (key === DESIRED) {
          define(twinContent, DESIRED, clone(value));
        } else if (key.startsWith(`${DESIRED}.`)) {
          const path = key.slice(DESIRED.length + 1).split('.');
          setPath(ensureObject(twinContent, DESIRED), path, clone(value));
        }
      }
    }
  }
  return { modulesContent: result as ModulesContent };
}

function ensureObject(holder: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = Object.prototype.hasOwnProperty.call(holder, key) ? holder[key] : undefined;
  if (isObject(existing)) return existing;
  const created: Record<string, unknown> = {};
  define(holder, key, created);
  return created;
}

/** Sets a property as data, even when it is named `__proto__`. */
function define(holder: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = target;
  path.slice(0, -1).forEach((segment) => {
    current = ensureObject(current, segment);
  });
  const last = path[path.length - 1];
  if (last !== undefined) define(current, last, value);
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
