import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { expandTemplate, moduleImageInfoFromModuleJson, parseDotEnv, type Diagnostic, type ModuleImageInfo } from '../../shared/manifest';

export interface ExpandFileOptions {
  readonly platform?: string;
  /** A `.env` file; default: `.env` beside the template (missing is fine). */
  readonly envFile?: string;
  /** The process environment: fills in variables `.env` does not set (VS Code's IoT Edge tooling does the same). */
  readonly env?: NodeJS.ProcessEnv;
  /** The template's text when it differs from the file (an editor's unsaved buffer); the file is then not read. */
  readonly text?: string;
  /** `${MODULEDIR<…>}` folders outside this folder (lexically or through a link) are not read. */
  readonly within?: string;
}

export interface ExpandedFile {
  readonly text: string;
  /** `deployment.<platform>.json`, or `deployment.debug.<platform>.json` for a debug template, as the tools name it. */
  readonly outputName: string;
  readonly platform: string;
}

/** Reads what a template refers to (`.env`, `modules/<m>/module.json`, `${MODULEDIR<…>}` folders) and expands it. */
export async function expandTemplateFile(templatePath: string, options: ExpandFileOptions = {}): Promise<{ ok: true; value: ExpandedFile } | { ok: false; diagnostics: Diagnostic[] }> {
  const dir = dirname(templatePath);
  const text = options.text ?? (await readFile(templatePath, 'utf8'));
  const envText = await readFile(options.envFile ?? join(dir, '.env'), 'utf8').catch(() => '');
  const fromFile = parseDotEnv(envText);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  Object.assign(env, fromFile);

  const modules: Record<string, ModuleImageInfo> = {};
  const modulesDir = join(dir, 'modules');
  for (const entry of await readdir(modulesDir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    const info = await readModuleJson(join(modulesDir, entry.name));
    if (info) modules[entry.name] = info;
  }
  const moduleDirs: Record<string, ModuleImageInfo> = {};
  for (const match of text.matchAll(/\$\{MODULEDIR<([^>]+)>/g)) {
    const rel = match[1] as string;
    const folder = resolve(dir, rel);
    if (options.within !== undefined && !(await isWithin(options.within, folder))) continue;
    const info = await readModuleJson(folder);
    if (info) moduleDirs[rel] = info;
  }
  const platform = options.platform ?? 'amd64';
  const expanded = expandTemplate(text, { env, modules, moduleDirs, platform });
  if (!expanded.ok) return { ok: false, diagnostics: [...expanded.error] };
  const debug = /\.debug\.template\.json$/i.test(basename(templatePath));
  return { ok: true, value: { text: expanded.value.text, outputName: `deployment${debug ? '.debug' : ''}.${platform}.json`, platform } };
}

async function isWithin(root: string, folder: string): Promise<boolean> {
  const inside = (from: string, to: string) => {
    const back = relative(from, to);
    return back === '' || (back !== '..' && !back.startsWith(`..${sep}`) && !isAbsolute(back));
  };
  if (!inside(root, folder)) return false;
  try {
    return inside(await realpath(root), await realpath(folder));
  } catch {
    return true; // a missing folder reads as no module.json
  }
}

async function readModuleJson(folder: string): Promise<ModuleImageInfo | undefined> {
  try {
    return moduleImageInfoFromModuleJson(JSON.parse(await readFile(join(folder, 'module.json'), 'utf8')));
  } catch {
    return undefined;
  }
}
