import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DockerDriver } from '../drivers/docker/docker-driver';
import { saveImages } from '../drivers/images/image-build';
import { LoopbackRegistry, type ServedImage } from '../drivers/images/loopback-registry.test-util';
import { BUSYBOX_IMAGE, DOCKER_SOCKET, TEST_LABEL, newRunId, removeTestResources, requireEngine, requireTestImages, unwrap, waitFor } from '../drivers/test-engine.test-util';
import { Agent } from './agent';
import { BESIDE_TEST_LOOKALIKES, testDeployment, TEST_RUNTIME, type TestModule } from './agent.test-util';
import type { RegistryCredential } from './registry-credentials';

/**
 * The agent pulls a module image that is not on this machine from a registry on 127.0.0.1 (in this process,
 * behind Basic auth), with the credentials of the deployment's `$edgeAgent` runtime.settings.registryCredentials.
 */

const runId = newRunId();
const auth = { username: 'gatehouse', password: `secret-${runId}` };
let docker: Dockerode;
let registry: LoopbackRegistry;
let workDir: string;
const served: ServedImage[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

/** Serves the busybox test image as `gatehouse/pulled:<tag>`: an image of its own (own labels), not on this machine. */
async function serve(tag: string): Promise<ServedImage> {
  const tarball = join(workDir, 'busybox.tar');
  const image = await registry.serveFromTarball(tarball, { source: BUSYBOX_IMAGE, name: 'gatehouse/pulled', tag, labels: { [TEST_LABEL]: runId, 'gatehouse.test.served-as': tag } });
  served.push(image);
  return image;
}

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker);
  workDir = await mkdtemp(join(tmpdir(), 'gh-agent-pull-'));
  unwrap(await saveImages(docker, [BUSYBOX_IMAGE], join(workDir, 'busybox.tar')), 'save busybox');
  registry = await LoopbackRegistry.start({ auth });
}, 120_000);
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await removeTestResources(docker, runId);
});
afterAll(async () => {
  await registry?.close();
  if (docker) {
    for (const image of served) await docker.getImage(image.reference).remove({ force: true }).catch(() => undefined);
    await removeTestResources(docker, runId);
  }
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

let seq = 0;
const uniq = (name: string) => `${name}-${runId}-${seq}`;

async function newAgent() {
  const dataDir = await mkdtemp(join(tmpdir(), 'gh-agent-'));
  const driver = new DockerDriver({ socketPath: DOCKER_SOCKET });
  const agent = new Agent({ dataDir, driver, runtime: TEST_RUNTIME, periodMs: 60_000, stopTimeoutSeconds: 2 });
  await agent.start();
  cleanups.push(async () => {
    agent.dispose();
    driver.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });
  return agent;
}

async function applyAndSettle(agent: Agent, modules: Record<string, TestModule>, credentials: Record<string, RegistryCredential>) {
  unwrap(await agent.apply(testDeployment(runId, modules, credentials), undefined, BESIDE_TEST_LOOKALIKES), 'apply');
  await agent.settled();
}

const inspect = (name: string) => docker.getContainer(name).inspect();
const running = async (name: string) => ((await inspect(name).catch(() => undefined))?.State.Running ? true : undefined);
const absent = async (reference: string) => (await docker.getImage(reference).inspect().then(() => false, () => true));

describe('Agent pulls module images from a registry on loopback (real engine)', () => {
  it('pulls an image that is not here with the deployment credentials, and the module runs', async () => {
    seq++;
    const image = await serve(`ok-${runId}`);
    expect(await absent(image.reference)).toBe(true);
    const agent = await newAgent();
    const module = uniq('pulled');
    await applyAndSettle(agent, { [module]: { image: image.reference } }, { loopback: { address: registry.host, ...auth } });

    await waitFor(`${module} running`, () => running(module), 60_000);
    const details = await inspect(module);
    expect(details.Config.Image).toBe(image.reference);
    expect(details.Image).toBe(image.configDigest);
    expect((await docker.getImage(image.reference).inspect()).Id).toBe(image.configDigest);
    await waitFor('converged', () => (agent.current.state.state === 'converged' ? true : undefined));

    // The agent's credentials reached the registry, and it handed out the manifest, the config and every layer.
    const fetched = registry.requests.filter((r) => r.kind !== 'ping' && r.method === 'GET' && r.status < 300 && r.path.startsWith('/v2/gatehouse/pulled/'));
    expect(fetched.every((r) => r.credentials === 'valid')).toBe(true);
    for (const digest of [image.configDigest, ...image.layers.map((l) => l.digest)]) expect(fetched.map((r) => r.path)).toContain(`/v2/gatehouse/pulled/blobs/${digest}`);
    const manifestPaths = [`ok-${runId}`, image.manifestDigest].map((ref) => `/v2/gatehouse/pulled/manifests/${ref}`);
    expect(fetched.some((r) => manifestPaths.includes(r.path))).toBe(true);
  }, 120_000);

  it('with wrong credentials the agent is failing with a message naming the registry, and the other modules still run', async () => {
    seq++;
    const image = await serve(`denied-${runId}`);
    const agent = await newAgent();
    const [other, denied] = [uniq('other'), uniq('denied')];
    const before = registry.requests.length;
    await applyAndSettle(
      agent,
      { [other]: { startupOrder: 1 }, [denied]: { image: image.reference, startupOrder: 2 } },
      { loopback: { address: registry.host, username: auth.username, password: 'not-the-password' } },
    );

    expect(agent.current.state).toMatchObject({ state: 'failing' });
    const reason = agent.current.state.state === 'failing' ? agent.current.state.reason : '';
    expect(reason).toContain(image.reference);
    expect(reason).toContain(`could not be pulled: the registry ${registry.host} refused the credentials`);
    // The engine's own words stay behind the sentence, on the module.
    expect(agent.current.modules.find((m) => m.name === denied)?.problem?.detail).toMatch(/unauthorized/i);
    expect(agent.current.lastDesiredStatus.code).toBe(500);
    await waitFor(`${other} running`, () => running(other), 60_000);
    expect(await inspect(denied).catch(() => undefined)).toBeUndefined();
    expect(await absent(image.reference)).toBe(true);

    // The wrong credentials were sent and refused; nothing was handed out.
    const attempts = registry.requests.slice(before);
    expect(attempts.some((r) => r.credentials === 'wrong' && r.status === 401)).toBe(true);
    expect(attempts.every((r) => r.status === 401)).toBe(true);
  }, 120_000);
});
