import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { appError, err, ok, type Result } from '../../../../shared/errors';

/**
 * A local image recipe: `resources/images/<name>/` holds
 *   Dockerfile    – copies `rootfs/` into the image and sets ENTRYPOINT/ENV; never pulls (FROM scratch)
 *   recipe.json   – the image tag and what to stage into `rootfs/` from this machine (validated here)
 *   rootfs/       – files that go into the image as they are (optional)
 * A module image also names its `base` recipe, the `folders` of its code and the `nodeModules` it needs.
 */

const absolute = z.string().startsWith('/', 'must be an absolute path inside the image');

const HostFileSchema = z.object({
  /** `{path}`: a fixed file on this machine; `{which}`: an executable found on PATH (symlinks resolved). */
  from: z.union([z.object({ path: z.string().startsWith('/') }).strict(), z.object({ which: z.string().min(1) }).strict()]),
  to: absolute,
  /** Also stage the shared libraries and the loader `ldd` lists, at the same paths. */
  sharedLibraries: z.boolean().default(false),
  /** Refuse a dynamically linked binary (a FROM scratch image has no loader). */
  requireStatic: z.boolean().default(false),
  /** Said when the file is missing, e.g. which package provides it. */
  hint: z.string().optional(),
});

export const RecipeSchema = z
  .object({
    image: z.string().regex(/^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'must be repository:tag'),
    description: z.string(),
    hostFiles: z.array(HostFileSchema.strict()).default([]),
    /** Image path → link target, e.g. `"/bin/sh": "busybox"`. */
    symlinks: z.record(absolute, z.string().min(1)).default({}),
    /** Image path → octal mode, e.g. `"/tmp": "1777"`. */
    directories: z.record(absolute, z.string().regex(/^[0-7]{3,4}$/)).default({}),
    /** The recipe (folder name) whose image the Dockerfile builds FROM: built first, its hash is part of this one's. */
    base: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a recipe folder name').optional(),
    /** Image path → a folder of this repository, relative to the recipe folder, copied as it is (e.g. a module's code). */
    folders: z.record(absolute, z.string().min(1).refine((p) => !p.startsWith('/'), 'must be relative to the recipe folder')).default({}),
    /**
     * npm packages staged with their production dependency closure, as installed on this machine (found like Node
     * does, from the recipe folder upwards), into the context's `node_modules/` (not rootfs/): the Dockerfile copies
     * it, e.g. `COPY node_modules/ /app/node_modules/`. Type declarations, source maps and docs are left out.
     */
    nodeModules: z.array(z.string().regex(/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i, 'must be an npm package name')).default([]),
  })
  .strict();

export type HostFileSpec = z.infer<typeof HostFileSchema>;

export interface ImageRecipe extends z.infer<typeof RecipeSchema> {
  /** The folder name, e.g. `busybox-module`. */
  readonly name: string;
  readonly dir: string;
}

/** `<repo>/resources/images`, found from this file's location (pass `recipesDir` explicitly when bundled). */
export function defaultRecipesDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../resources/images');
}

export async function loadRecipe(recipesDir: string, name: string): Promise<Result<ImageRecipe>> {
  const dir = path.join(recipesDir, name);
  const file = path.join(dir, 'recipe.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return err(appError('NOT_FOUND', `no image recipe ${name} (${file})`, { name, file }));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return err(appError('BAD_REQUEST', `${file} is not JSON: ${(error as Error).message}`, { file }));
  }
  const parsed = RecipeSchema.safeParse(json);
  if (!parsed.success) {
    return err(appError('BAD_REQUEST', `${file} is not a valid image recipe`, { file, issues: parsed.error.issues }));
  }
  return ok({ ...parsed.data, name, dir });
}

/** Every folder of `recipesDir` that has a recipe.json, sorted by name. */
export async function listRecipeNames(recipesDir: string): Promise<Result<string[]>> {
  try {
    const entries = await readdir(recipesDir, { withFileTypes: true });
    const names: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const files = await readdir(path.join(recipesDir, entry.name));
      if (files.includes('recipe.json')) names.push(entry.name);
    }
    return ok(names.sort());
  } catch (error) {
    return err(appError('NOT_FOUND', `cannot read image recipes in ${recipesDir}: ${(error as Error).message}`, { recipesDir }));
  }
}
