/**
 * Expands a deployment template (`deployment.template.json`, `deployment.debug.template.json`) into a
 * deployment, as the VS Code IoT Edge extension and iotedgedev do. Pure: the caller reads `.env`,
 * the environment and each module.json and passes them in.
 *
 * 1. The template is strict JSON (both tools parse it with a strict parser first), except for variables written
 *    outside quotes (`"timeToLiveSecs": ${TTL}`): iotedgedev expands those in the text before it parses, so
 *    they are replaced by their values first (an unset one is an error naming it; template-text.ts).
 * 2. In every string (values and property names): `${MODULES.…}` / `${MODULEDIR<…>}` become module
 *    images (template-images.ts); `${VAR}` becomes the variable's value — an unknown variable is an
 *    error naming it and its position; a bare `$VAR` is replaced when VAR is defined and kept otherwise
 *    (`$edgeAgent`, `$edgeHub` and `$upstream` are never variables).
 * 3. `moduleContent` is renamed `modulesContent`; `$schema-template` is removed.
 * 4. createOptions objects are serialized compactly, and createOptions longer than 512 characters is
 *    cut into createOptions01, createOptions02, … chunks; more than 8 chunks (4 KB) is an error, as in the tools.
 * The result is JSON with two-space indentation.
 */
import { err, ok, type Result } from '../errors.js';
import { CheckContext } from './check-context.js';
import { reportDocument } from './check-document.js';
import { chunkCreateOptions } from './create-options.js';
import { detectShape } from './detect-kind.js';
import { sortDiagnostics, type Diagnostic } from './diagnostic.js';
import { JsonDocument } from './json-document.js';
import { childPointer } from './json-pointer.js';
import type { DeploymentManifest, IoTHubConfiguration } from './model.js';
import { isObject } from './newtonsoft-compat.js';
import { resolveImagePlaceholder, type ImageLookup, type ModuleImageInfo } from './template-images.js';
import { PreparedText } from './template-text.js';
import type { Node } from 'jsonc-parser';

export interface ExpandOptions {
  /** Variables from `.env` and the environment (the caller decides precedence). */
  readonly env: Readonly<Record<string, string>>;
  /** Module data by folder name under `modules/` (for `${MODULES.<folder>…}`). */
  readonly modules?: Readonly<Record<string, ModuleImageInfo>>;
  /** Module data by the relative path written in `${MODULEDIR<path>}`. */
  readonly moduleDirs?: Readonly<Record<string, ModuleImageInfo>>;
  /** The default platform; `amd64` unless given (iotedgedev's DEFAULT_PLATFORM). */
  readonly platform?: string;
}

export interface ExpandedTemplate {
  /** The deployment as the tools write it (JSON, two-space indentation). */
  readonly text: string;
  readonly manifest: DeploymentManifest | IoTHubConfiguration;
}

const TOKEN = /\$\{MODULES\.([^}]+)\}|\$\{MODULEDIR<([^>]+)>(\.[^}]+)?\}|\$\{([^}]*)\}|\$([A-Za-z_]\w*)/g;
const NOT_VARIABLES = new Set(['edgeAgent', 'edgeHub', 'upstream']);

export function expandTemplate(text: string, options: ExpandOptions): Result<ExpandedTemplate, Diagnostic[]> {
  const env = options.env;
  const prepared = PreparedText.prepare(text, { template: true, env });
  const doc = JsonDocument.parse(prepared.text);
  const ctx = new CheckContext(doc, 'template', env);
  reportDocument(ctx);
  /** The errors so far, located in the template's own text. */
  const errors = () => sortDiagnostics([...prepared.tokenDiagnostics(env, doc), ...prepared.finish(ctx.diagnostics, true)].filter((d) => d.severity === 'error'));
  if (!doc.root || errors().length > 0) return err(errors());
  const expandVariables = (value: string) => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a?: string, b?: string) => env[a ?? b ?? ''] ?? m);
  const lookup: ImageLookup = {
    modules: options.modules ?? {},
    moduleDirs: options.moduleDirs ?? {},
    platform: options.platform ?? 'amd64',
    env,
    expand: expandVariables,
  };
  const expandString = (value: string, node: Node, pointer: string): string =>
    value.replace(TOKEN, (match: string, modulesBody?: string, dir?: string, dirSuffix?: string, braced?: string, bare?: string, offset?: number) => {
      const at = offset ?? 0;
      if (modulesBody !== undefined || dir !== undefined) {
        const resolved = resolveImagePlaceholder([match, modulesBody, dir, dirSuffix] as unknown as RegExpMatchArray, lookup);
        if (resolved.ok) {
          const unresolved = /\$\{(\w+)\}/.exec(resolved.image);
          if (unresolved) ctx.report('GH6001', pointer, `${match} uses module.json data with the variable "${unresolved[1]}", which is not set; define it in .env or the environment.`, { range: doc.rangeInStringNode(node, at, match.length) });
          return resolved.image;
        }
        ctx.report(resolved.reason === 'unknown-module' ? 'GH6002' : 'GH6003', pointer, resolved.message, { range: doc.rangeInStringNode(node, at, match.length) });
        return match;
      }
      if (braced !== undefined) {
        if (Object.prototype.hasOwnProperty.call(env, braced)) return env[braced] ?? '';
        ctx.report('GH6001', pointer, `The variable "${braced}" (${match}) is not set; define it in .env or the environment.`, { range: doc.rangeInStringNode(node, at, match.length) });
        return match;
      }
      if (bare !== undefined && !NOT_VARIABLES.has(bare) && Object.prototype.hasOwnProperty.call(env, bare)) return env[bare] ?? '';
      return match;
    });
  const value = expandNode(doc.root, '', expandString);
  finishDeployment(ctx, value, doc);
  if (errors().length > 0) return err(errors());
  return ok({ text: JSON.stringify(value, null, 2), manifest: value as DeploymentManifest | IoTHubConfiguration });
}

type StringExpander = (value: string, node: Node, pointer: string) => string;

function expandNode(node: Node, pointer: string, expand: StringExpander): unknown {
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const keyNode = property.children?.[0];
        const valueNode = property.children?.[1];
        if (!keyNode || !valueNode || typeof keyNode.value !== 'string') continue;
        const key = expand(keyNode.value, keyNode, pointer);
        const child = expandNode(valueNode, childPointer(pointer, keyNode.value), expand);
        Object.defineProperty(result, key, { value: child, enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    case 'array':
      return (node.children ?? []).map((child, index) => expandNode(child, childPointer(pointer, index), expand));
    case 'string':
      return expand(String(node.value), node, pointer);
    default:
      return node.value;
  }
}

/** Renames moduleContent, drops $schema-template, serializes and chunks createOptions. */
function finishDeployment(ctx: CheckContext, root: unknown, doc: JsonDocument): void {
  if (!isObject(root)) return;
  const shape = detectShape(doc.value);
  delete root['$schema-template'];
  const holder = isObject(root['content']) && !('modulesContent' in root) && !('moduleContent' in root) ? root['content'] : root;
  if ('moduleContent' in holder && !('modulesContent' in holder)) {
    const entries = Object.entries(holder).map(([k, v]) => [k === 'moduleContent' ? 'modulesContent' : k, v] as const);
    for (const key of Object.keys(holder)) delete holder[key];
    for (const [k, v] of entries) holder[k] = v;
  }
  const modulesContent = holder['modulesContent'];
  if (!isObject(modulesContent)) return;
  const sourcePointer = shape.pointer ?? '/modulesContent';
  const agent = modulesContent['$edgeAgent'];
  if (!isObject(agent)) return;
  const desired = agent['properties.desired'];
  if (isObject(desired)) {
    for (const group of ['systemModules', 'modules']) {
      const modules = desired[group];
      if (!isObject(modules)) continue;
      for (const [name, module] of Object.entries(modules)) {
        convertCreateOptions(ctx, module, childPointer(sourcePointer, '$edgeAgent', 'properties.desired', group, name), name);
      }
    }
  }
  for (const [key, module] of Object.entries(agent)) {
    const match = /^properties\.desired\.(?:modules|systemModules)\.([^.]+)$/.exec(key);
    if (match) convertCreateOptions(ctx, module, childPointer(sourcePointer, '$edgeAgent', key), match[1] ?? key);
  }
}

function convertCreateOptions(ctx: CheckContext, module: unknown, modulePointer: string, name: string): void {
  const settings = isObject(module) ? module['settings'] : undefined;
  if (!isObject(settings)) return;
  const options = settings['createOptions'];
  if (options === undefined || options === null || options === '') return;
  const text = typeof options === 'string' ? options : JSON.stringify(options);
  const chunked = chunkCreateOptions(text);
  if (!chunked.ok) {
    ctx.report('GH6004', childPointer(modulePointer, 'settings', 'createOptions'), `createOptions of module "${name}": ${chunked.error.message} The VS Code tools and iotedgedev stop with "the maximum size of createOptions is 4K".`);
    return;
  }
  Object.assign(settings, chunked.value);
}
