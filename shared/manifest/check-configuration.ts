/**
 * The wrapper of an IoT Hub configuration (automatic or layered deployment) as exported by the service
 * or written for `az iot edge deployment create`: id, targetCondition, priority, labels, metrics.
 * IoT Hub validates these when the configuration is created; problems here are warnings because the
 * file is usually an export (or an input whose fields the CLI takes from its own arguments).
 */
import { CheckContext, hasPlaceholder } from './check-context.js';
import { childPointer } from './json-pointer.js';
import { isObject } from './newtonsoft-compat.js';

/** IoT Hub configuration ids: up to 128 lower-case ASCII letters, digits and `-:+%_#*?!(),=@;$'`. */
const CONFIGURATION_ID = /^[a-z0-9\-:+%_#*?!(),=@;$']{1,128}$/;

export interface ConfigurationInfo {
  readonly id?: string;
  readonly targetCondition?: string;
  readonly priority?: number;
}

export function checkConfiguration(ctx: CheckContext, root: Record<string, unknown>): ConfigurationInfo {
  const { id, targetCondition, priority, labels, metrics } = root;
  if (id !== undefined && !(typeof id === 'string' && (CONFIGURATION_ID.test(id) || hasPlaceholder(id)))) {
    ctx.report('GH7003', '/id', `Configuration id ${JSON.stringify(id)} is not valid for IoT Hub: use up to 128 lower-case letters, digits and - : + % _ # * ? ! ( ) , = @ ; $ '.`);
  }
  if (targetCondition !== undefined && typeof targetCondition !== 'string') {
    ctx.report('GH7003', '/targetCondition', 'targetCondition must be a string such as "tags.environment=\'prod\'".');
  } else if (typeof targetCondition === 'string' && targetCondition.trim() === '' && id !== undefined) {
    ctx.report('GH7003', '/targetCondition', 'targetCondition is empty: the deployment targets no device. Write a condition such as "tags.environment=\'prod\'" (or deviceId=\'…\').');
  }
  const numericPriority = typeof priority === 'string' && /^\d+$/.test(priority) ? Number(priority) : priority;
  if (priority !== undefined && !(typeof numericPriority === 'number' && Number.isInteger(numericPriority) && numericPriority >= 0) && !hasPlaceholder(priority)) {
    ctx.report('GH7003', '/priority', `priority ${JSON.stringify(priority)} must be a non-negative integer; among deployments that target a device, the highest priority wins.`);
  }
  checkStringMap(ctx, '/labels', labels, 'labels');
  if (metrics !== undefined && isObject(metrics)) checkStringMap(ctx, '/metrics/queries', metrics['queries'], 'metrics.queries');
  const content = root['content'];
  if (isObject(content) && content['deviceContent'] !== undefined && Object.keys(content['deviceContent'] ?? {}).length > 0) {
    ctx.report('GH7003', '/content/deviceContent', 'An IoT Edge deployment sets modulesContent only; deviceContent belongs to device configurations and is refused together with modulesContent. Remove it.');
  }
  return {
    ...(typeof id === 'string' ? { id } : {}),
    ...(typeof targetCondition === 'string' ? { targetCondition } : {}),
    ...(typeof numericPriority === 'number' ? { priority: numericPriority } : {}),
  };
}

function checkStringMap(ctx: CheckContext, pointer: string, value: unknown, name: string): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) {
    ctx.report('GH7003', pointer, `${name} must be an object of string values.`);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') ctx.report('GH7003', childPointer(pointer, key), `${name}.${key} must be a string.`);
  }
}
