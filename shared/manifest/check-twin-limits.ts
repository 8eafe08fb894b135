/**
 * IoT Hub's rules for twin desired properties, which a deployment must pass before any device sees
 * it: property names up to 1 KB without control characters, '.', '$' or spaces; string values up to
 * 4 KB; objects nested at most 10 levels below properties.desired; integers within ±2^52; and at most
 * 32 KB of desired properties per twin. Templates skip what the tooling rewrites (createOptions
 * objects become strings) and what is not expanded yet (`${…}`).
 */
import { CheckContext, hasTemplateToken } from './check-context.js';
import { childPointer } from './json-pointer.js';
import { isObject } from './newtonsoft-compat.js';
import { isCreateOptionsKey } from './create-options.js';

const KEY_LIMIT = 1024;
const STRING_LIMIT = 4096;
const DEPTH_LIMIT = 10;
const DESIRED_LIMIT = 32 * 1024;
const MAX_INTEGER = 4503599627370495;
const MIN_INTEGER = -4503599627370496;
// IoT Hub refuses control characters, dot, dollar and space in twin keys: the control range is the point here.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_KEY = /[\u0000-\u001f\u007f-\u009f.$ ]/;

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;

export function checkTwinLimits(ctx: CheckContext, twinName: string, pointer: string, desired: Record<string, unknown>): void {
  walk(ctx, desired, pointer, 0, false);
  checkDesiredSize(ctx, twinName, pointer, desired);
}

/** Checks a value that a layered deployment sets `depth` levels below properties.desired. */
export function checkTwinLimitsAt(ctx: CheckContext, pointer: string, value: unknown, depth: number): void {
  walk(ctx, value, pointer, depth, false);
}

function checkDesiredSize(ctx: CheckContext, twinName: string, pointer: string, desired: unknown): void {
  if (!ctx.isTemplate) {
    const size = byteLength(JSON.stringify(desired));
    if (size > DESIRED_LIMIT) {
      ctx.report('GH5004', pointer, `The desired properties of ${twinName} are ${size} bytes; IoT Hub allows at most 32 KB per twin and refuses the deployment. Move large data (for example long createOptions or configuration blobs) elsewhere.`);
    }
  }
}

function walk(ctx: CheckContext, value: unknown, pointer: string, depth: number, insideCreateOptionsObject: boolean): void {
  if (typeof value === 'string') {
    if (!ctx.isTemplate && byteLength(value) > STRING_LIMIT) {
      ctx.report('GH5003', pointer, `This string is ${byteLength(value)} bytes; IoT Hub allows at most 4 KB per twin string value and refuses the deployment.${isCreateOptionsKey(pointer.slice(pointer.lastIndexOf('/') + 1)) ? ' Split createOptions into createOptions01, createOptions02, … chunks.' : ''}`);
    }
    return;
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && (value > MAX_INTEGER || value < MIN_INTEGER)) {
      ctx.report('GH5006', pointer, `${value} is outside the integer range IoT Hub stores in a twin (±4503599627370495); the deployment is refused. Write it as a string if the module can read that.`);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(ctx, item, childPointer(pointer, index), depth, insideCreateOptionsObject));
    return;
  }
  if (!isObject(value)) return;
  if (depth > DEPTH_LIMIT && !insideCreateOptionsObject) {
    ctx.report('GH5005', pointer, `This object is nested ${depth} levels below properties.desired; IoT Hub allows at most ${DEPTH_LIMIT} and refuses the deployment. Flatten it or store it as a JSON string.`);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const at = childPointer(pointer, key);
    const skipKey = insideCreateOptionsObject || (ctx.isTemplate && hasTemplateToken(key));
    if (!skipKey) checkKey(ctx, at, key);
    const entersCreateOptions = ctx.isTemplate && isCreateOptionsKey(key) && isObject(child);
    walk(ctx, child, at, depth + 1, insideCreateOptionsObject || entersCreateOptions);
  }
}

function checkKey(ctx: CheckContext, pointer: string, key: string): void {
  const match = FORBIDDEN_KEY.exec(key);
  if (match) {
    const what = match[0] === ' ' ? 'a space' : match[0] === '.' ? "'.'" : match[0] === '$' ? "'$'" : 'a control character';
    ctx.report('GH5001', pointer, `Property name "${key}" contains ${what}; IoT Hub does not allow '.', '$', spaces or control characters in twin property names and refuses the deployment. Rename it.`, { part: 'key' });
  } else if (byteLength(key) > KEY_LIMIT) {
    ctx.report('GH5002', pointer, `Property name is ${byteLength(key)} bytes; IoT Hub allows at most 1 KB and refuses the deployment.`, { part: 'key' });
  }
}
