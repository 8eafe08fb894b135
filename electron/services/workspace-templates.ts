import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fail, ok, type Result } from '../../shared/errors';
import type { TemplateInfo } from '../../shared/ipc/workspace.contract';

/**
 * Solution templates: `resources/templates/<id>/` is copied as-is into a new folder. Its
 * `.gatehouse-template.json` (title, description, the file to open first, order) describes it and is not copied.
 * A file named `gitignore` is written as `.gitignore`: stored with the dot, it would hide template files from
 * this repository's own git.
 */
export const TEMPLATE_META_FILE = '.gatehouse-template.json';
const RENAMED: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

const TemplateMeta = z.object({
  title: z.string().min(1),
  description: z.string(),
  mainFile: z.string().min(1),
  order: z.number().default(100),
});

/**
 * Where the templates are: GATEHOUSE_TEMPLATES_DIR, else `resources/templates` found from the bundle's location
 * (dist/cli.mjs, dist/electron/main.cjs, electron/services/ in tests), else Electron's resources folder.
 */
export function defaultTemplatesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GATEHOUSE_TEMPLATES_DIR) return resolve(env.GATEHOUSE_TEMPLATES_DIR);
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    join(here, '..', 'resources', 'templates'),
    join(here, '..', '..', 'resources', 'templates'),
    ...(resourcesPath ? [join(resourcesPath, 'templates')] : []),
  ];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0]!;
}

export async function listTemplates(dir: string): Promise<TemplateInfo[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  const found: (TemplateInfo & { order: number })[] = [];
  for (const id of names) {
    if (!/^[a-z0-9-]{1,64}$/.test(id)) continue;
    try {
      const meta = TemplateMeta.safeParse(JSON.parse(await readFile(join(dir, id, TEMPLATE_META_FILE), 'utf8')));
      if (meta.success) found.push({ id, ...meta.data });
    } catch {
      /* not a template folder */
    }
  }
  return found.sort((a, b) => a.order - b.order || a.title.localeCompare(b.title)).map(({ order: _order, ...info }) => info);
}

/** Copies template `id` into `target`, which must not exist yet or be an empty folder. */
export async function copyTemplate(dir: string, id: string, target: string): Promise<Result<TemplateInfo>> {
  const template = (await listTemplates(dir)).find((t) => t.id === id);
  if (!template) return fail('NOT_FOUND', `There is no solution template named "${id}".`);
  try {
    const existing = await readdir(target).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT') return [];
      throw cause;
    });
    if (existing.length > 0) return fail('CONFLICT', `${target} already exists and is not empty; choose another name.`, { reason: 'TARGET_EXISTS' });
    await copyTree(join(dir, id), target, true);
  } catch (cause) {
    return fail('IO', `Could not create the solution in ${target}: ${(cause as Error).message}`);
  }
  return ok(template);
}

async function copyTree(from: string, to: string, top: boolean): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (top && entry.name === TEMPLATE_META_FILE) continue;
    if (entry.isDirectory()) await copyTree(join(from, entry.name), join(to, entry.name), false);
    else if (entry.isFile()) await copyFile(join(from, entry.name), join(to, RENAMED[entry.name] ?? entry.name));
  }
}
