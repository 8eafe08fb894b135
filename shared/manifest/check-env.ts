/**
 * Module environment variables: `env` is `{ "NAME": { "value": "text" } }` (`EnvVal` has one string
 * property). A number or boolean is read as its JSON text (true becomes "true"; a remark, since IoT Edge
 * accepts it as is); an entry that is
 * not an object cannot be read and the deployment fails (code 400). Names become twin keys and
 * container `NAME=value` entries.
 */
import type { CheckContext } from './check-context.js';
import { childPointer } from './json-pointer.js';
import { findProperty, isObject, readString } from './newtonsoft-compat.js';

export function checkEnv(ctx: CheckContext, pointer: string, moduleName: string, env: unknown): void {
  if (!isObject(env)) return; // the schema reports a wrong type; null means no variables
  for (const [name, entry] of Object.entries(env)) {
    const at = childPointer(pointer, name);
    if (/[=\s]/.test(name) || name === '') {
      ctx.report('GH3031', at, `Environment variable name ${JSON.stringify(name)} of module "${moduleName}" contains '=' or whitespace (or is empty); the container receives "${name}=…" and the variable cannot be read as intended. Rename it.`, { part: 'key' });
    }
    if (entry === null) {
      ctx.report('GH3032', at, `Environment variable "${name}" of module "${moduleName}" is null; write { "value": "…" } or remove it.`);
      continue;
    }
    if (!isObject(entry)) {
      ctx.report('GH2011', at, `Environment variable "${name}" of module "${moduleName}" must be an object { "value": "…" }, not ${describe(entry)}; edgeAgent rejects the deployment (code 400).`, {
        ...(typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean'
          ? { fix: { title: 'Wrap in { "value": … }', edits: [{ op: 'replace' as const, path: at, value: { value: String(entry) } }] } }
          : {}),
      });
      continue;
    }
    const value = findProperty(entry, 'value');
    if (!value) {
      ctx.report('GH3032', at, `Environment variable "${name}" of module "${moduleName}" has no "value"; it is set to an empty string. Add "value".`);
      continue;
    }
    const valuePointer = childPointer(at, value.key);
    const reading = readString(value.value);
    if (reading.kind === 'coerced') {
      const text = typeof value.value === 'number' ? (ctx.rawText(valuePointer) ?? reading.text) : reading.text;
      ctx.report('GH3030', valuePointer, `The value of "${name}" is ${text} (not a string); edgeAgent reads it as the text "${text}", which the module receives. The documented form is a string.`, {
        fix: { title: `Use "${text}"`, edits: [{ op: 'replace', path: valuePointer, value: text }] },
      });
    } else if (reading.kind === 'invalid') {
      ctx.report('GH2011', valuePointer, `The value of "${name}" must be a string, not ${describe(value.value)}; edgeAgent rejects the deployment (code 400). Serialize it to text (for example JSON.stringify).`);
    } else if (reading.kind === 'null') {
      ctx.report('GH3032', valuePointer, `The value of "${name}" is null; the module receives an empty string.`);
    }
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
