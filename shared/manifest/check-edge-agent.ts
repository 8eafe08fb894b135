/**
 * `$edgeAgent` → `properties.desired`: schemaVersion (`EdgeAgentConnection.ValidateSchemaVersion`:
 * a .NET Version with major 1, not greater than 1.1.0, else code 412), runtime, registry credentials,
 * system modules and custom modules with their names.
 */
import { CheckContext, hasTemplateToken } from './check-context.js';
import { checkKeyCase, checkModule } from './check-module.js';
import { checkImagesHaveCredentials, checkMisplacedCredentials, checkRegistryCredentials } from './check-registry.js';
import { childPointer } from './json-pointer.js';
import { compareDotNetVersions, findProperty, isObject, parseDotNetVersion } from './newtonsoft-compat.js';

export type EdgeAgentSchema = '1.0' | '1.1';

export interface EdgeAgentFacts {
  /** The schema to validate against (1.1 when the version is unusable, to still report structure). */
  readonly schema: EdgeAgentSchema;
  /** Custom module names. */
  readonly moduleNames: readonly string[];
}

const TOP_KEYS = ['schemaVersion', 'runtime', 'systemModules', 'modules', 'integrity'];
const MAX_SUPPORTED = { major: 1, minor: 1, build: 0, revision: -1 };
const MODULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]+$/;

export function checkEdgeAgent(ctx: CheckContext, pointer: string, desired: Record<string, unknown>): EdgeAgentFacts {
  if (Object.keys(desired).length === 0) {
    ctx.report('GH2006', pointer, '$edgeAgent has empty desired properties; the agent reports 417 (empty configuration) and runs nothing. Add schemaVersion, runtime and systemModules.');
    return { schema: '1.1', moduleNames: [] };
  }
  checkKeyCase(ctx, pointer, desired, TOP_KEYS);
  const schema = checkAgentSchemaVersion(ctx, pointer, desired);
  const images: Array<{ pointer: string; image: string }> = [];
  const runtime = findProperty(desired, 'runtime');
  let credentials: unknown;
  if (runtime && isObject(runtime.value)) {
    const settings = findProperty(runtime.value, 'settings');
    const registry = settings && isObject(settings.value) ? findProperty(settings.value, 'registryCredentials') : undefined;
    if (settings && isObject(settings.value)) checkMisplacedCredentials(ctx, childPointer(pointer, runtime.key, settings.key), settings.value);
    if (settings && registry) {
      credentials = registry.value;
      checkRegistryCredentials(ctx, childPointer(pointer, runtime.key, settings.key, registry.key), registry.value);
    }
  }
  const system = findProperty(desired, 'systemModules');
  if (system && isObject(system.value)) {
    for (const role of ['edgeAgent', 'edgeHub'] as const) {
      const found = findProperty(system.value, role);
      if (!found) continue;
      const at = childPointer(pointer, system.key, found.key);
      checkModule(ctx, at, role, found.value, role);
      collectImage(images, at, found.value);
    }
  }
  const moduleNames: string[] = [];
  const modules = findProperty(desired, 'modules');
  if (modules && isObject(modules.value)) {
    for (const [name, module] of Object.entries(modules.value)) {
      const at = childPointer(pointer, modules.key, name);
      moduleNames.push(name);
      checkModuleName(ctx, at, name);
      checkModule(ctx, at, name, module, 'custom');
      collectImage(images, at, module);
    }
  }
  checkImagesHaveCredentials(ctx, images, credentials);
  return { schema, moduleNames };
}

function collectImage(images: Array<{ pointer: string; image: string }>, modulePointer: string, module: unknown): void {
  const settings = findProperty(module, 'settings');
  const image = settings ? findProperty(settings.value, 'image') : undefined;
  if (settings && image && typeof image.value === 'string') images.push({ pointer: childPointer(modulePointer, settings.key, image.key), image: image.value });
}

export function checkModuleName(ctx: CheckContext, pointer: string, name: string): void {
  if (ctx.isTemplate && hasTemplateToken(name)) return;
  if (name === 'edgeAgent' || name === 'edgeHub') {
    ctx.report('GH3002', pointer, `A custom module may not be named "${name}": it collides with the system module of that name and the deployment fails. Rename the module.`, { part: 'key' });
    return;
  }
  let reason: string | undefined;
  if (name.length > 128) reason = 'it is longer than 128 characters (the IoT Hub module identity limit)';
  else if (/[.$\s]/.test(name)) reason = "it contains '.', '$' or whitespace, which IoT Hub does not allow in a twin property name";
  else if (!MODULE_NAME.test(name)) reason = 'the module name is also the Docker container name, which must be at least 2 characters of letters, digits, "_" or "-", starting with a letter or digit';
  if (reason) ctx.report('GH3001', pointer, `Module name "${name}" cannot be deployed: ${reason}. Rename the module.`, { part: 'key' });
}

function checkAgentSchemaVersion(ctx: CheckContext, pointer: string, desired: Record<string, unknown>): EdgeAgentSchema {
  const found = findProperty(desired, 'schemaVersion');
  const at = childPointer(pointer, found?.key ?? 'schemaVersion');
  if (!found || found.value === null || found.value === undefined) {
    ctx.report('GH2021', at, '$edgeAgent has no schemaVersion; the agent refuses the deployment. Add "schemaVersion": "1.1".', {
      fix: { title: 'Add schemaVersion "1.1"', edits: [{ op: 'add', path: childPointer(pointer, 'schemaVersion'), value: '1.1' }] },
    });
    return '1.1';
  }
  let text: string;
  if (typeof found.value === 'string') {
    text = found.value;
  } else if (typeof found.value === 'number') {
    text = ctx.rawText(at) ?? String(found.value);
    ctx.report('GH2024', at, `schemaVersion is the number ${text}; it works because it is converted to text, but write it as the string "${text}".`, {
      fix: { title: `Use "${text}"`, edits: [{ op: 'replace', path: at, value: text }] },
    });
  } else {
    ctx.report('GH2021', at, `schemaVersion must be a string such as "1.1", not ${JSON.stringify(found.value)}; the agent refuses the deployment.`);
    return '1.1';
  }
  if (ctx.isTemplate && hasTemplateToken(text)) return '1.1';
  const version = parseDotNetVersion(text);
  if (!version) {
    ctx.report('GH2021', at, `schemaVersion "${text}" is not a version number; the agent refuses the deployment (code 412). Use "1.1".`, {
      fix: { title: 'Use "1.1"', edits: [{ op: 'replace', path: at, value: '1.1' }] },
    });
    return '1.1';
  }
  if (version.major !== 1 || compareDotNetVersions(version, MAX_SUPPORTED) > 0) {
    ctx.report('GH2020', at, `$edgeAgent schemaVersion "${text}" is not supported: edgeAgent accepts major version 1 up to 1.1.0 and refuses this deployment (code 412). Use "1.1".`, {
      fix: { title: 'Use "1.1"', edits: [{ op: 'replace', path: at, value: '1.1' }] },
    });
    return '1.1';
  }
  return version.minor === 0 ? '1.0' : '1.1';
}
