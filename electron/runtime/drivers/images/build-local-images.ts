import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { appError, err, ok, type Result } from '../../../../shared/errors';
import { toAppError } from '../docker/docker-errors';
import { hashContext, planContext, stageContext } from './build-context';
import { buildFromContext } from './image-build';
import { defaultRecipesDir, listRecipeNames, loadRecipe, type ImageRecipe } from './image-recipe';

/**
 * Builds the local images of `resources/images/<name>/` with no registry: the recipe's inputs are hashed,
 * and an image that already carries that hash is reused (cached: one read of the inputs, two API calls).
 * Otherwise the context is staged in a temp folder and sent to the engine. Used by test setup, CI and samples:
 *
 *   const built = await buildLocalImages(docker, { names: ['busybox-module'] });
 */

/** Image labels that make the cache work. */
export const IMAGE_LABELS = {
  recipe: 'gatehouse.image.recipe',
  hash: 'gatehouse.image.hash',
} as const;

export interface BuildLocalImagesOptions {
  /** Default: `<repo>/resources/images`. */
  readonly recipesDir?: string;
  /** Recipe folder names; default: every recipe. */
  readonly names?: readonly string[];
  /** Build even when an image with the same hash exists. */
  readonly force?: boolean;
  /** Extra labels on built images (tests use them to clean up). Not part of the hash. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Overrides the recipe's tag (tests build recipes under throwaway tags). */
  readonly tagFor?: (recipe: ImageRecipe) => string;
  readonly onOutput?: (recipe: string, line: string) => void;
}

export interface LocalImage {
  readonly recipe: string;
  readonly tag: string;
  readonly id: string;
  readonly hash: string;
  /** `cached`: the tag already had the hash; `retagged`: an image with the hash existed under another tag. */
  readonly outcome: 'cached' | 'retagged' | 'built';
  readonly durationMs: number;
}

function endpointOf(docker: Dockerode): string {
  const socketPath = (docker.modem as { socketPath?: unknown }).socketPath;
  return typeof socketPath === 'string' ? `unix://${socketPath}` : 'docker';
}

function splitTag(tag: string): { repo: string; tag: string } {
  const colon = tag.lastIndexOf(':');
  return { repo: tag.slice(0, colon), tag: tag.slice(colon + 1) };
}

/** An image that already has this hash: the tag itself, or any image labelled with it. */
async function findCached(docker: Dockerode, tag: string, hash: string): Promise<{ id: string; outcome: 'cached' | 'retagged' } | undefined> {
  const tagged = await docker
    .getImage(tag)
    .inspect()
    .catch(() => undefined);
  if (tagged?.Config?.Labels?.[IMAGE_LABELS.hash] === hash) return { id: tagged.Id, outcome: 'cached' };
  const [labelled] = await docker.listImages({ filters: { label: [`${IMAGE_LABELS.hash}=${hash}`] } });
  if (!labelled) return undefined;
  await docker.getImage(labelled.Id).tag(splitTag(tag));
  return { id: labelled.Id, outcome: 'retagged' };
}

/** Removes untagged leftovers of earlier builds of the same recipe (best effort: in use → kept). */
async function pruneStale(docker: Dockerode, recipe: string, keepId: string): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`${IMAGE_LABELS.recipe}=${recipe}`], dangling: ['true'] } }).catch(() => []);
  for (const image of images) {
    if (image.Id !== keepId) await docker.getImage(image.Id).remove().catch(() => undefined);
  }
}

/** Base images already ensured in one buildLocalImages call, by recipe name (hashing node once, not per module). */
type BaseImages = Map<string, Promise<Result<LocalImage>>>;

/**
 * The image of the recipe's `base` (built or cached under its own tag, whatever the options say: other images
 * build FROM that tag, and a test's labels must not mark it for removal), checked against the Dockerfile's FROM.
 */
async function ensureBase(docker: Dockerode, recipe: ImageRecipe, options: BuildLocalImagesOptions, chain: readonly string[], bases: BaseImages): Promise<Result<LocalImage | undefined>> {
  const name = recipe.base;
  if (!name) return ok(undefined);
  if (chain.includes(name)) return err(appError('BAD_REQUEST', `image recipes build on each other in a cycle: ${[...chain, name].join(' → ')}`, { chain }));
  const base = await loadRecipe(path.dirname(recipe.dir), name);
  if (!base.ok) return base;
  const dockerfile = await readFile(path.join(recipe.dir, 'Dockerfile'), 'utf8').catch(() => '');
  const from = /^\s*FROM\s+(\S+)/im.exec(dockerfile)?.[1];
  if (from !== base.value.image) {
    return err(appError('BAD_REQUEST', `recipe ${recipe.name} builds on ${name} (${base.value.image}) but its Dockerfile starts FROM ${from ?? 'nothing'}`, { recipe: recipe.name }));
  }
  let image = bases.get(name);
  if (!image) {
    image = buildRecipe(docker, base.value, options.onOutput ? { onOutput: options.onOutput } : {}, [...chain, name], bases);
    bases.set(name, image);
  }
  return image;
}

export async function buildLocalImage(docker: Dockerode, recipe: ImageRecipe, options: BuildLocalImagesOptions = {}, bases: BaseImages = new Map()): Promise<Result<LocalImage>> {
  return buildRecipe(docker, recipe, options, [recipe.name], bases);
}

async function buildRecipe(docker: Dockerode, recipe: ImageRecipe, options: BuildLocalImagesOptions, chain: readonly string[], bases: BaseImages): Promise<Result<LocalImage>> {
  const started = Date.now();
  const tag = options.tagFor?.(recipe) ?? recipe.image;
  const base = await ensureBase(docker, recipe, options, chain, bases);
  if (!base.ok) return base;
  const plan = await planContext(recipe);
  if (!plan.ok) return plan;
  const hash = await hashContext(plan.value, base.value ? { base: `${base.value.tag} ${base.value.hash}` } : {});
  const done = (id: string, outcome: LocalImage['outcome']): Result<LocalImage> =>
    ok({ recipe: recipe.name, tag, id, hash, outcome, durationMs: Date.now() - started });

  if (!options.force) {
    try {
      const cached = await findCached(docker, tag, hash);
      if (cached) return done(cached.id, cached.outcome);
    } catch (error) {
      return err(toAppError(error, { operation: `look up image ${tag}`, endpoint: endpointOf(docker) }));
    }
  }

  const contextDir = await mkdtemp(path.join(os.tmpdir(), `gatehouse-image-${recipe.name}-`));
  try {
    await stageContext(plan.value, contextDir);
    const built = await buildFromContext(docker, contextDir, {
      tag,
      labels: { ...options.labels, [IMAGE_LABELS.recipe]: recipe.name, [IMAGE_LABELS.hash]: hash },
      ...(options.onOutput ? { onOutput: (line: string) => options.onOutput?.(recipe.name, line) } : {}),
    });
    if (!built.ok) return built;
    await pruneStale(docker, recipe.name, built.value);
    return done(built.value, 'built');
  } finally {
    await rm(contextDir, { recursive: true, force: true });
  }
}

/** Ensures the named recipes' images exist (all recipes by default), in name order; stops at the first failure. */
export async function buildLocalImages(docker: Dockerode, options: BuildLocalImagesOptions = {}): Promise<Result<LocalImage[]>> {
  const recipesDir = options.recipesDir ?? defaultRecipesDir();
  let names = options.names;
  if (!names) {
    const listed = await listRecipeNames(recipesDir);
    if (!listed.ok) return listed;
    names = listed.value;
  }
  const images: LocalImage[] = [];
  const bases: BaseImages = new Map();
  for (const name of names) {
    const recipe = await loadRecipe(recipesDir, name);
    if (!recipe.ok) return recipe;
    const image = await buildLocalImage(docker, recipe.value, options, bases);
    if (!image.ok) return image;
    images.push(image.value);
  }
  return ok(images);
}
