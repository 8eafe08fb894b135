/**
 * Placeholders left in a deployment (not a template): `${VAR}` / `${MODULES.x}`, whole-string `$VAR`
 * values and pipeline tokens such as `<registry>` or `#{Token}#` are what the VS Code tools, iotedgedev or a
 * release pipeline substitute when they generate a deployment from a template. In a deployment they reach
 * the device as literal text. Images are checked separately (an unexpanded image is an error); everything
 * else is a warning. A `$schema-template` key only belongs in templates.
 */
import { CheckContext, hasPlaceholder, isBareVariable } from './check-context.js';
import { childPointer } from './json-pointer.js';
import { isObject } from './newtonsoft-compat.js';

const PIPELINE_TOKEN = /^(<[A-Za-z_][\w.-]*>|#\{[\w.]+\}#|__[A-Z][A-Z0-9_]*__)$/;

export function checkPlaceholders(ctx: CheckContext, pointer: string, value: unknown): void {
  if (ctx.isTemplate) {
    if (ctx.env) checkTemplateVariables(ctx, ctx.env, pointer, value);
    return;
  }
  const reported = new Set(ctx.diagnostics.filter((d) => d.code === 'GH3023').map((d) => d.pointer));
  walk(ctx, pointer, value, reported);
}

/** `$schema-template` at the top of a file judged as a deployment. */
export function checkTemplateOnlyKeys(ctx: CheckContext, root: Record<string, unknown>): void {
  if (ctx.isTemplate || !('$schema-template' in root)) return;
  ctx.report('GH6008', '/$schema-template', '"$schema-template" belongs to deployment templates (the tools remove it when they generate the deployment). Remove it from the deployment.', {
    part: 'key',
    fix: { title: 'Remove "$schema-template"', edits: [{ op: 'remove', path: '/$schema-template' }] },
  });
}

/**
 * In a template whose variables are known: every `${VAR}` in a string must be set (both tools refuse or leave
 * it unexpanded otherwise). `${MODULES.…}` / `${MODULEDIR<…>}` come from module.json and are not judged here.
 */
function checkTemplateVariables(ctx: CheckContext, env: Readonly<Record<string, string>>, pointer: string, value: unknown): void {
  const check = (text: string, at: string, key: boolean) => {
    for (const m of text.matchAll(/\$\{(\w+)\}/g)) {
      const name = m[1] ?? '';
      if (Object.prototype.hasOwnProperty.call(env, name)) continue;
      const message = `The variable "${name}" (${m[0]}) is not set; define it in .env or the environment.`;
      if (key) ctx.report('GH6001', at, message, { part: 'key' });
      else ctx.reportInString('GH6001', at, m.index, m[0].length, message);
    }
  };
  if (typeof value === 'string') check(value, pointer, false);
  else if (Array.isArray(value)) value.forEach((item, index) => checkTemplateVariables(ctx, env, childPointer(pointer, index), item));
  else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const at = childPointer(pointer, key);
      check(key, at, true);
      checkTemplateVariables(ctx, env, at, child);
    }
  }
}

function walk(ctx: CheckContext, pointer: string, value: unknown, reported: ReadonlySet<string>): void {
  if (typeof value === 'string') {
    if (!reported.has(pointer)) checkString(ctx, pointer, value);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(ctx, childPointer(pointer, index), item, reported));
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const at = childPointer(pointer, key);
    if (hasPlaceholder(key)) {
      ctx.report('GH6005', at, `Property name "${key}" contains a template placeholder, but this file is a deployment; it is used literally. Generate the deployment from its template.`, { part: 'key' });
    }
    walk(ctx, at, child, reported);
  }
}

function checkString(ctx: CheckContext, pointer: string, value: string): void {
  const match = /\$\{[^}]*\}/.exec(value);
  if (match) {
    ctx.reportInString('GH6005', pointer, match.index, match[0].length, `"${match[0]}" is a template placeholder, but this file is a deployment: it reaches the device as literal text. Generate the deployment from its template (or name this file *.template.json).`);
  } else if (isBareVariable(value)) {
    ctx.report('GH6006', pointer, `"${value.trim()}" looks like an environment variable that was never substituted; it reaches the device as literal text. Substitute it (the VS Code tools and iotedgedev expand $VAR from .env when generating from a template).`);
  } else if (PIPELINE_TOKEN.test(value.trim())) {
    ctx.report('GH6006', pointer, `"${value.trim()}" looks like a pipeline placeholder that was never replaced; it reaches the device as literal text. Replace it before deploying.`);
  }
}
