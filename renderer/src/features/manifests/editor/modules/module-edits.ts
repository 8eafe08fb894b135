/**
 * What a Modules form edit does to the manifest's text: jsonc-parser `modify` calls on the module's object,
 * folded into one minimal edit (the part of the text that really changed), so the editor applies it as one
 * undoable step and everything else stays as written. Pure: text in, edits (or why not) out.
 */
import { applyEdits, findNodeAtLocation, type Edit, type FormattingOptions, type JSONPath } from 'jsonc-parser';
import { err, ok, type Result } from '../../../../../../shared/errors';
import { chunkCreateOptions, modifyBounded, parseTreeBounded } from '../../../../../../shared/manifest';
import { findModule, readModules, type ModuleEntry, type MODULE_STATUSES, type RESTART_POLICIES } from './module-entries';

export type ModuleStatus = (typeof MODULE_STATUSES)[number];
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

export type EnvChange =
  | { readonly op: 'set'; readonly key: string; readonly value: string }
  | { readonly op: 'remove'; readonly key: string }
  | { readonly op: 'rename'; readonly from: string; readonly to: string };

export interface ModulePatch {
  readonly image?: string;
  readonly status?: ModuleStatus;
  readonly restartPolicy?: RestartPolicy;
  /** null removes it (the module then starts with the default order). */
  readonly startupOrder?: number | null;
  readonly env?: readonly EnvChange[];
  /** The createOptions JSON as typed in the form; blank removes createOptions. */
  readonly createOptions?: string;
}

/** Module names the form accepts: what IoT Edge and Docker both take, never `$…` (reserved). */
const MODULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Indentation and line ends as the file has them, so inserted JSON looks like its neighbours. */
function formatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 4, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

function set(text: string, path: JSONPath, value: unknown): string {
  return applyEdits(text, modifyBounded(text, path, value, { formattingOptions: formatting(text) }));
}

/** The one edit that turns `before` into `after` (nothing when they are equal): common prefix and suffix kept. */
export function diffEdits(before: string, after: string): Edit[] {
  if (before === after) return [];
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return [{ offset: start, length: endBefore - start, content: after.slice(start, endAfter) }];
}

function renameKey(text: string, path: JSONPath, to: string): string {
  const root = parseTreeBounded(text);
  const property = root ? findNodeAtLocation(root, path)?.parent : undefined;
  const key = property?.type === 'property' ? property.children?.[0] : undefined;
  if (!key) return text;
  return `${text.slice(0, key.offset)}${JSON.stringify(to)}${text.slice(key.offset + key.length)}`;
}

function applyEnv(text: string, module: ModuleEntry, change: EnvChange): Result<string, string> {
  const envPath = [...module.path, 'env'];
  const has = (key: string) => module.env.some((e) => e.key === key);
  switch (change.op) {
    case 'set': {
      if (change.key.trim() === '') return err('A variable needs a name.');
      const root = parseTreeBounded(text);
      const entry = root ? findNodeAtLocation(root, [...envPath, change.key]) : undefined;
      return ok(entry?.type === 'object' ? set(text, [...envPath, change.key, 'value'], change.value) : set(text, [...envPath, change.key], { value: change.value }));
    }
    case 'remove':
      return ok(set(text, [...envPath, change.key], undefined));
    case 'rename':
      if (change.to.trim() === '') return err('A variable needs a name.');
      if (change.to === change.from) return ok(text);
      if (has(change.to)) return err(`${module.name} already has a variable ${change.to}.`);
      return ok(renameKey(text, [...envPath, change.from], change.to));
    default: {
      const never: never = change;
      return err(`Unknown change ${JSON.stringify(never)}`);
    }
  }
}

function sameJson(a: string, b: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/** Writes createOptions back in the form the file uses (object, string, or chunks re-cut with chunkCreateOptions). */
function applyCreateOptions(text: string, module: ModuleEntry, input: string, template: boolean): Result<string, string> {
  const settings = [...module.path, 'settings'];
  const { form, keys } = module.createOptions;
  const removeAll = (from: string, drop: readonly string[]) => drop.reduce((acc, key) => set(acc, [...settings, key], undefined), from);
  if (input.trim() === '') return ok(removeAll(text, keys));
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch (error) {
    return err(`createOptions is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return err('createOptions must be a JSON object, such as {"HostConfig": {…}}.');
  if (form !== 'none' && sameJson(module.createOptions.text, value)) return ok(text);
  if (form === 'object' || (form === 'none' && template)) {
    return ok(removeAll(set(text, [...settings, 'createOptions'], value), keys.filter((k) => k !== 'createOptions')));
  }
  const chunks = chunkCreateOptions(JSON.stringify(value));
  if (!chunks.ok) return err(chunks.error.message);
  let next = text;
  for (const [key, chunk] of Object.entries(chunks.value)) next = set(next, [...settings, key], chunk);
  return ok(removeAll(next, keys.filter((k) => !(k in chunks.value))));
}

/** The edits for a change to module `name` (a custom module, else edgeHub), or why it cannot be made. */
export function editModule(text: string, name: string, patch: ModulePatch): Result<Edit[], string> {
  const reading = readModules(text);
  if (!reading.ok) return err(`The JSON has an error at line ${reading.line}: ${reading.message}. Fix it in the editor first.`);
  const module = findModule(reading.modules, name);
  if (!module) return err(`There is no module ${name} in this file.`);
  let next = text;
  if (patch.image !== undefined) next = set(next, [...module.path, 'settings', 'image'], patch.image);
  if (patch.status !== undefined) next = set(next, [...module.path, 'status'], patch.status);
  if (patch.restartPolicy !== undefined) next = set(next, [...module.path, 'restartPolicy'], patch.restartPolicy);
  if (patch.startupOrder !== undefined) {
    if (patch.startupOrder !== null && (!Number.isInteger(patch.startupOrder) || patch.startupOrder < 0 || patch.startupOrder > 4294967295)) {
      return err('startupOrder must be a whole number from 0 to 4294967295.');
    }
    next = set(next, [...module.path, 'startupOrder'], patch.startupOrder ?? undefined);
  }
  for (const change of patch.env ?? []) {
    const changed = applyEnv(next, module, change);
    if (!changed.ok) return changed;
    next = changed.value;
  }
  if (patch.createOptions !== undefined) {
    const changed = applyCreateOptions(next, module, patch.createOptions, reading.template);
    if (!changed.ok) return changed;
    next = changed.value;
  }
  return ok(diffEdits(text, next));
}

/** Why `name` cannot be a new module's name, or undefined when it can. */
export function checkModuleName(name: string, existing: readonly ModuleEntry[]): string | undefined {
  if (name === '') return 'Give the module a name.';
  if (!MODULE_NAME.test(name)) return 'Letters, digits, dot, dash and underscore; start with a letter or digit; at most 64 characters.';
  if (existing.some((m) => !m.system && m.name.toLowerCase() === name.toLowerCase())) return `There is already a module ${name}.`;
  return undefined;
}

/** A new running module with the given image (createOptions in the file's form: `{}` or `"{}"`). */
export function addModule(text: string, name: string, image: string): Result<Edit[], string> {
  const reading = readModules(text);
  if (!reading.ok) return err(`The JSON has an error at line ${reading.line}: ${reading.message}. Fix it in the editor first.`);
  const problem = checkModuleName(name, reading.modules);
  if (problem) return err(problem);
  const module = {
    version: '1.0',
    type: 'docker',
    status: 'running',
    restartPolicy: 'always',
    settings: { image, createOptions: reading.template ? {} : '{}' },
  };
  return ok(diffEdits(text, set(text, [...reading.place.parent, `${reading.place.prefix}${name}`], module)));
}

/** Removes module `name` (its twin in modulesContent and its routes stay: the checks point them out). */
export function removeModule(text: string, name: string): Result<Edit[], string> {
  const reading = readModules(text);
  if (!reading.ok) return err(`The JSON has an error at line ${reading.line}: ${reading.message}. Fix it in the editor first.`);
  const module = reading.modules.find((m) => m.name === name && !m.system);
  if (!module) return err(`There is no module ${name} in this file.`);
  return ok(diffEdits(text, set(text, module.path, undefined)));
}
