/**
 * The Modules form's view of a manifest: the `$edgeAgent` modules (and the edgeHub system module) read from the
 * text with jsonc-parser, each with the JSON path of its object so edits can target it (module-edits.ts).
 * Pure and tolerant: a text that does not parse gives `{ ok: false }` with where it broke, never an exception.
 *
 * Where modules sit: `modulesContent` (or the old `moduleContent`, or `content.modulesContent` of an IoT Hub
 * configuration) → `$edgeAgent` → `properties.desired` → `modules.<name>`; a layered deployment writes
 * `properties.desired.modules.<name>` keys directly under `$edgeAgent`.
 */
import { getNodeValue, printParseErrorCode, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import { objectMember, objectMembers, parseTreeBounded, readCreateOptionsChunks } from '../../../../../../shared/manifest';

export const MODULE_STATUSES = ['running', 'stopped'] as const;
export const RESTART_POLICIES = ['never', 'on-failure', 'on-unhealthy', 'always'] as const;

/**
 * How the file writes createOptions, kept when the form writes it back: an object (templates), one JSON string
 * (deployments), or a string cut into `createOptions`, `createOptions01`, … chunks.
 */
export type CreateOptionsForm = 'none' | 'object' | 'string' | 'chunks';

export interface CreateOptionsReading {
  readonly form: CreateOptionsForm;
  /** The JSON as the form edits it: pretty-printed when it parses, else exactly as written (chunks joined). */
  readonly text: string;
  /** The chunk keys present in `settings` (to rewrite or remove them all). */
  readonly keys: readonly string[];
}

export interface EnvVar {
  readonly key: string;
  readonly value: string;
}

export interface ModuleEntry {
  readonly name: string;
  /** edgeHub: listed, partly editable, never removed. */
  readonly system: boolean;
  /** The module object's location, for jsonc-parser's `modify`. */
  readonly path: JSONPath;
  readonly image: string;
  readonly status?: string;
  readonly restartPolicy?: string;
  readonly startupOrder?: number;
  readonly env: readonly EnvVar[];
  readonly createOptions: CreateOptionsReading;
}

/** Where a new module goes: `[...parent, prefix + name]`. */
export interface ModulePlace {
  readonly parent: JSONPath;
  readonly prefix: string;
}

export type ModulesReading =
  | {
      readonly ok: true;
      readonly layered: boolean;
      /** A deployment template: new createOptions are written as objects (the tools serialize them). */
      readonly template: boolean;
      readonly place: ModulePlace;
      /** edgeHub first (when present), then the custom modules in document order. */
      readonly modules: readonly ModuleEntry[];
    }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly column: number };

const DESIRED = 'properties.desired';
const LAYERED_PREFIX = `${DESIRED}.modules.`;

export const members = objectMembers;

function member(node: Node | undefined, name: string): Node | undefined {
  return objectMember(node, name);
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function stringValue(node: Node | undefined): string | undefined {
  return node?.type === 'string' ? (node.value as string) : undefined;
}

export function readCreateOptions(settings: Node | undefined): CreateOptionsReading {
  const value = settings?.type === 'object' ? (getNodeValue(settings) as Record<string, unknown>) : {};
  const reading = readCreateOptionsChunks(value);
  const keys = reading.chunks.map((c) => c.key);
  if (keys.length === 0) return { form: 'none', text: '', keys };
  const first = reading.chunks[0]?.value;
  if (keys.length === 1 && typeof first === 'object' && first !== null) return { form: 'object', text: JSON.stringify(first, null, 2), keys };
  let text = reading.joined;
  try {
    text = JSON.stringify(JSON.parse(reading.joined), null, 2);
  } catch {
    // Not JSON (yet): the form shows it as written and asks for valid JSON before writing it back.
  }
  return { form: keys.length > 1 ? 'chunks' : 'string', text, keys };
}

function readEnv(env: Node | undefined): EnvVar[] {
  return members(env).map(([key, node]) => {
    const raw = node.type === 'object' ? member(node, 'value') : node;
    const value = raw === undefined ? '' : raw.type === 'string' ? (raw.value as string) : JSON.stringify(getNodeValue(raw));
    return { key, value };
  });
}

function readModule(name: string, node: Node, path: JSONPath, system: boolean): ModuleEntry {
  const settings = member(node, 'settings');
  const order = member(node, 'startupOrder');
  return {
    name,
    system,
    path,
    image: stringValue(member(settings, 'image')) ?? '',
    ...(stringValue(member(node, 'status')) !== undefined ? { status: stringValue(member(node, 'status')) } : {}),
    ...(stringValue(member(node, 'restartPolicy')) !== undefined ? { restartPolicy: stringValue(member(node, 'restartPolicy')) } : {}),
    ...(order?.type === 'number' ? { startupOrder: order.value as number } : {}),
    env: readEnv(member(node, 'env')),
    createOptions: readCreateOptions(settings),
  };
}

/** The container of the twins and its path: modulesContent, moduleContent or content.modulesContent. */
function container(root: Node): { node: Node | undefined; path: JSONPath } {
  for (const key of ['modulesContent', 'moduleContent']) {
    const node = member(root, key);
    if (node) return { node, path: [key] };
  }
  const content = member(root, 'content');
  for (const key of ['modulesContent', 'moduleContent']) {
    const node = member(content, key);
    if (node) return { node, path: ['content', key] };
  }
  return { node: undefined, path: ['modulesContent'] };
}

/** The modules of a manifest's text, or where the JSON broke. */
export function readModules(text: string): ModulesReading {
  const errors: ParseError[] = [];
  const root = parseTreeBounded(text, errors, { allowTrailingComma: true, disallowComments: false });
  const broken = errors[0];
  if (broken || !root) {
    const offset = broken?.offset ?? 0;
    const message = broken ? printParseErrorCode(broken.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'empty document';
    return { ok: false, message, ...lineColumn(text, offset) };
  }
  const template = member(root, '$schema-template') !== undefined || /\$\{(MODULES\.|MODULEDIR<)/.test(text);
  const { node: content, path: contentPath } = container(root);
  const agent = member(content, '$edgeAgent');
  const agentPath = [...contentPath, '$edgeAgent'];
  const layeredKeys = members(agent).filter(([key]) => key.startsWith(LAYERED_PREFIX));
  if (layeredKeys.length > 0 || (agent && !member(agent, DESIRED) && members(agent).some(([key]) => key.startsWith(`${DESIRED}.`)))) {
    const modules = layeredKeys.map(([key, node]) => readModule(key.slice(LAYERED_PREFIX.length), node, [...agentPath, key], false));
    return { ok: true, layered: true, template, place: { parent: agentPath, prefix: LAYERED_PREFIX }, modules };
  }
  const desired = member(agent, DESIRED);
  const desiredPath = [...agentPath, DESIRED];
  const modulesNode = member(desired, 'modules');
  const edgeHub = member(member(desired, 'systemModules'), 'edgeHub');
  const modules: ModuleEntry[] = [];
  if (edgeHub?.type === 'object') modules.push(readModule('edgeHub', edgeHub, [...desiredPath, 'systemModules', 'edgeHub'], true));
  for (const [name, node] of members(modulesNode)) {
    if (node.type === 'object') modules.push(readModule(name, node, [...desiredPath, 'modules', name], false));
  }
  return { ok: true, layered: false, template, place: { parent: [...desiredPath, 'modules'], prefix: '' }, modules };
}

/** A custom module by name, else the system module of that name. */
export function findModule(modules: readonly ModuleEntry[], name: string): ModuleEntry | undefined {
  return modules.find((m) => m.name === name && !m.system) ?? modules.find((m) => m.name === name);
}
