import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, ok, type Result } from '../../shared/errors';
import type { Agent } from '../runtime/agent/agent';
import type { LocalImage } from '../runtime/drivers/images/build-local-images';
import { listRecipeNames, loadRecipe } from '../runtime/drivers/images/image-recipe';

/**
 * "Run the sample" in one click: the sample modules (resources/modules, written with azure-iot-device) are built
 * into local images on this machine's engine from their recipes (resources/images; no registry, so it works offline),
 * then the sample deployment (resources/samples/sensor-filter.deployment.json: temperature sensor → filter →
 * $upstream) is applied like any other, validated first.
 */

export const SAMPLE_DEPLOYMENT = 'sensor-filter.deployment.json';
/** The recipes of the images the sample deployment names. */
export const SAMPLE_RECIPES = ['sample-temperature-sensor', 'sample-filter'] as const;

export type ImageBuilder = (options: { names: readonly string[]; recipesDir: string }) => Promise<Result<LocalImage[]>>;

export interface SampleRun {
  readonly version: number;
  readonly images: { tag: string; outcome: LocalImage['outcome'] }[];
  readonly modules: string[];
}

/** GATEHOUSE_RESOURCES_DIR, else `resources/` found from the bundle's location (dist/, electron/services/ in tests), else Electron's. */
export function defaultResourcesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GATEHOUSE_RESOURCES_DIR) return resolve(env.GATEHOUSE_RESOURCES_DIR);
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [join(here, '..', 'resources'), join(here, '..', '..', 'resources'), ...(resourcesPath ? [resourcesPath] : [])];
  return candidates.find((dir) => existsSync(join(dir, 'samples', SAMPLE_DEPLOYMENT))) ?? candidates[0]!;
}

export async function runSample(agent: Agent, build: ImageBuilder | undefined, resourcesDir: string): Promise<Result<SampleRun>> {
  if (!build) return fail('UNSUPPORTED', 'This runtime cannot build images here (the sample needs the Docker engine driver).');
  const file = join(resourcesDir, 'samples', SAMPLE_DEPLOYMENT);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return fail('NOT_FOUND', `The sample deployment is missing (${file}): ${(error as Error).message}`);
  }
  const built = await build({ names: SAMPLE_RECIPES, recipesDir: join(resourcesDir, 'images') });
  if (!built.ok) return fail(built.error.code, `The sample images could not be built: ${built.error.message}`, built.error.details);
  const applied = await agent.apply(text, SAMPLE_DEPLOYMENT);
  if (!applied.ok) return applied;
  const modules = agent.desiredDeployment?.modules.map((m) => m.name) ?? [];
  return ok({ version: applied.value.version, images: built.value.map((i) => ({ tag: i.tag, outcome: i.outcome })), modules });
}

/**
 * The images a deployment needs that are missing on this engine but that Gatehouse can build from a recipe
 * (resources/images: the sample modules, the test images), built now, so that a new solution from the template runs
 * offline as it is. Images with no recipe are left to the agent (pull, or sideload when offline).
 */
export async function buildMissingRecipeImages(agent: Agent, build: ImageBuilder | undefined, resourcesDir: string, text: string, fileName?: string): Promise<Result<LocalImage[]>> {
  if (!build) return ok([]);
  const preview = await agent.preview(text, fileName);
  if (!preview.ok) return ok([]); // the apply that follows says why (invalid manifest, engine down)
  const missing = new Set(preview.value.images.filter((i) => !i.present).map((i) => i.image));
  if (missing.size === 0) return ok([]);
  const recipesDir = join(resourcesDir, 'images');
  const names = await listRecipeNames(recipesDir);
  if (!names.ok) return ok([]);
  const wanted: string[] = [];
  for (const name of names.value) {
    const recipe = await loadRecipe(recipesDir, name);
    if (recipe.ok && missing.has(recipe.value.image)) wanted.push(name);
  }
  if (wanted.length === 0) return ok([]);
  const built = await build({ names: wanted, recipesDir });
  return built.ok ? built : fail(built.error.code, `Images this deployment needs could not be built on this machine: ${built.error.message}`, built.error.details);
}
