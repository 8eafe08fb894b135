import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../../shared/errors';
import { Agent } from '../runtime/agent/agent';
import { TEST_RUNTIME } from '../runtime/agent/agent.test-util';
import { DockerDriver } from '../runtime/drivers/docker/docker-driver';
import type { LocalImage } from '../runtime/drivers/images/build-local-images';
import { loadRecipe } from '../runtime/drivers/images/image-recipe';
import { buildMissingRecipeImages, defaultResourcesDir, runSample, SAMPLE_DEPLOYMENT, SAMPLE_RECIPES, type ImageBuilder } from './sample-runner';
import { requireEngine, requireTestImages } from '../runtime/drivers/test-engine.test-util';

/**
 * "Run the sample": the recipes built are exactly the images the sample deployment names, a failed build applies
 * nothing, and the deployment is applied as any other (the agent here has no engine: it persists and waits for one;
 * the sample running in containers end to end is electron/host/edge-hub-sample.test.ts).
 */

const REPO = resolve(__dirname, '../..');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function agentWithoutEngine(): Agent {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-sample-runner-'));
  const driver = new DockerDriver({ socketPath: join(dataDir, 'no-engine.sock') });
  const agent = new Agent({ dataDir, driver, runtime: TEST_RUNTIME, periodMs: 60_000 });
  cleanups.push(() => (agent.dispose(), driver.dispose(), rmSync(dataDir, { recursive: true, force: true })));
  return agent;
}

const built = (names: readonly string[]): LocalImage[] => names.map((recipe) => ({ recipe, tag: `gatehouse/${recipe}:1.0`, id: 'sha256:x', hash: 'h', outcome: 'built' as const, durationMs: 1 }));

describe('runSample', () => {
  it('finds the resources folder beside the sources', () => {
    expect(defaultResourcesDir({})).toBe(join(REPO, 'resources'));
  });

  it("builds the recipes of every image the sample names, then applies the sample deployment", async () => {
    const deployment = JSON.parse(readFileSync(join(REPO, 'resources/samples', SAMPLE_DEPLOYMENT), 'utf8')) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: Record<string, { settings: { image: string } }> } } } };
    const images = Object.values(deployment.modulesContent.$edgeAgent['properties.desired'].modules).map((m) => m.settings.image).sort();
    const recipeImages = (await Promise.all(SAMPLE_RECIPES.map((name) => loadRecipe(join(REPO, 'resources/images'), name)))).map((r) => (r.ok ? r.value.image : r.error.message)).sort();
    expect(recipeImages).toEqual(images);

    const calls: { names: readonly string[]; recipesDir: string }[] = [];
    const build: ImageBuilder = async (options) => (calls.push(options), ok(built(options.names)));
    const agent = agentWithoutEngine();
    const run = await runSample(agent, build, join(REPO, 'resources'));
    expect(run.ok, run.ok ? '' : run.error.message).toBe(true);
    expect(calls).toEqual([{ names: SAMPLE_RECIPES, recipesDir: join(REPO, 'resources/images') }]);
    expect(run.ok && run.value).toMatchObject({ version: 1, modules: expect.arrayContaining(['tempSensor', 'filter']) });
    expect(agent.persistedDeployment?.version).toBe(1);
  });

  it('applies nothing when the images cannot be built, and says why', async () => {
    const agent = agentWithoutEngine();
    const run = await runSample(agent, async () => fail('ENGINE_UNAVAILABLE', 'Docker engine is not reachable'), join(REPO, 'resources'));
    expect(run).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: 'The sample images could not be built: Docker engine is not reachable' } });
    expect(agent.persistedDeployment).toBeUndefined();
  });

  it('says where the sample deployment should be when it is missing', async () => {
    const run = await runSample(agentWithoutEngine(), async () => ok([]), '/nonexistent');
    expect(run).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('/nonexistent/samples/sensor-filter.deployment.json') } });
  });
});

describe('buildMissingRecipeImages (apply: a new solution from the template runs offline as it is)', () => {
  it('builds exactly the missing images that a local recipe makes; images with no recipe are left to the agent', async () => {
    await requireTestImages(await requireEngine(), ['busybox-module']);
    const dataDir = mkdtempSync(join(tmpdir(), 'gh-recipe-images-'));
    const driver = new DockerDriver();
    const agent = new Agent({ dataDir, driver, runtime: TEST_RUNTIME, periodMs: 60_000 });
    cleanups.push(() => (agent.dispose(), driver.dispose(), rmSync(dataDir, { recursive: true, force: true })));
    // A resources folder with one recipe whose tag no engine has, and one whose image is present.
    const resources = join(dataDir, 'resources');
    const probeTag = `gatehouse/recipe-probe-${Date.now().toString(36)}:1.0`;
    cpSync(join(REPO, 'resources/images/busybox-module'), join(resources, 'images/probe'), { recursive: true });
    const recipe = JSON.parse(readFileSync(join(resources, 'images/probe/recipe.json'), 'utf8')) as { image: string };
    writeFileSync(join(resources, 'images/probe/recipe.json'), JSON.stringify({ ...recipe, image: probeTag }));
    const deployment = JSON.parse(readFileSync(join(REPO, 'resources/samples', SAMPLE_DEPLOYMENT), 'utf8')) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: Record<string, { settings: { image: string } }> } } } };
    const modules = deployment.modulesContent.$edgeAgent['properties.desired'].modules;
    modules.tempSensor!.settings.image = probeTag;
    modules.filter!.settings.image = '127.0.0.1:5999/nobody/makes-this:1.0';
    const calls: { names: readonly string[]; recipesDir: string }[] = [];
    const build: ImageBuilder = async (options) => (calls.push(options), ok(built(options.names)));
    const result = await buildMissingRecipeImages(agent, build, resources, JSON.stringify(deployment));
    expect(result.ok).toBe(true);
    expect(calls).toEqual([{ names: ['probe'], recipesDir: join(resources, 'images') }]);
    // Nothing missing that a recipe makes: nothing is built.
    modules.tempSensor!.settings.image = 'gatehouse/busybox-module:test';
    await buildMissingRecipeImages(agent, build, resources, JSON.stringify(deployment));
    expect(calls).toHaveLength(1);
  });
});
