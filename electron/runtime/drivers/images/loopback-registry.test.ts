import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerDriver } from '../docker/docker-driver';
import type { ImageLoadProgress } from '../driver';
import { BUSYBOX_IMAGE, DOCKER_SOCKET, TEST_LABEL, newRunId, removeTestResources, requireEngine, requireTestImages, unwrap, waitFor } from '../test-engine.test-util';
import { saveImages } from './image-build';
import { LoopbackRegistry, type ServedImage } from './loopback-registry.test-util';

/**
 * `DockerDriver.pullImage` end to end: a real engine pulls from a registry that runs in this process on
 * 127.0.0.1, serving the busybox test image (re-labelled, so it is an image of its own) as a v2 schema 2 manifest.
 */

const runId = newRunId();
const auth = { username: 'gatehouse', password: `secret-${runId}` };
let docker: Dockerode;
let driver: DockerDriver;
let workDir: string;
let tarball: string;
const registries: LoopbackRegistry[] = [];
const pulled: string[] = [];

async function startRegistry(options: { auth?: typeof auth } = {}): Promise<LoopbackRegistry> {
  const registry = await LoopbackRegistry.start(options);
  registries.push(registry);
  return registry;
}

async function serve(registry: LoopbackRegistry, tag: string): Promise<ServedImage> {
  // A label per tag: every served image is one of its own, so each successful pull downloads its layers.
  const labels = { [TEST_LABEL]: runId, 'gatehouse.test.served-as': tag };
  const served = await registry.serveFromTarball(tarball, { source: BUSYBOX_IMAGE, name: 'gatehouse/pulled', tag, labels });
  pulled.push(served.reference);
  return served;
}

/** `Pull complete` etc. name a layer by the first 12 hex digits of its (compressed) digest. */
const shortId = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker);
  workDir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-pull-'));
  tarball = path.join(workDir, 'busybox.tar');
  unwrap(await saveImages(docker, [BUSYBOX_IMAGE], tarball), 'save busybox');
  driver = new DockerDriver({ socketPath: DOCKER_SOCKET });
  await waitFor('the driver to be available', () => (driver.state.state === 'available' ? true : undefined));
}, 120_000);

afterAll(async () => {
  await Promise.all(registries.map((r) => r.close()));
  driver?.dispose();
  if (docker) {
    for (const reference of pulled) await docker.getImage(reference).remove({ force: true }).catch(() => undefined);
    await removeTestResources(docker, runId);
  }
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('pulling from a registry on loopback (real engine)', () => {
  it('the engine treats registries on 127.0.0.0/8 as insecure, so plain HTTP on loopback works', async () => {
    const info = (await docker.info()) as { RegistryConfig?: { InsecureRegistryCIDRs?: string[] } };
    expect(info.RegistryConfig?.InsecureRegistryCIDRs).toContain('127.0.0.0/8');
  });

  it('pulls an image, reporting layer progress; the image is then inspectable', async () => {
    const registry = await startRegistry();
    const served = await serve(registry, runId);
    expect(served.reference).toBe(`${registry.host}/gatehouse/pulled:${runId}`);
    expect(await driver.inspectImage(served.reference)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const progress: ImageLoadProgress[] = [];
    unwrap(await driver.pullImage(served.reference, { onProgress: (p) => progress.push(p) }), 'pull');

    const layerEvents = progress.filter((p) => p.kind === 'layer');
    expect(layerEvents.length).toBeGreaterThan(0);
    for (const layer of served.layers) {
      expect(layerEvents).toContainEqual(expect.objectContaining({ id: shortId(layer.digest), status: 'Pull complete' }));
    }
    const image = unwrap(await driver.inspectImage(served.reference), 'inspect pulled image');
    expect(image.id).toBe(served.configDigest);
    expect(image.repoTags).toContain(served.reference);
    expect(image.labels).toEqual({ [TEST_LABEL]: runId, 'gatehouse.test.served-as': runId });
    expect(image.id).not.toBe((await docker.getImage(BUSYBOX_IMAGE).inspect()).Id);

    // What the engine asked for: the manifest by tag, then the config and every layer.
    expect(registry.count('manifest', 'GET')).toBeGreaterThanOrEqual(1);
    const blobGets = registry.requests.filter((r) => r.kind === 'blob' && r.method === 'GET' && r.status < 300).map((r) => r.path);
    for (const digest of [served.configDigest, ...served.layers.map((l) => l.digest)]) expect(blobGets).toContain(`/v2/gatehouse/pulled/blobs/${digest}`);
    expect(registry.requests.every((r) => r.credentials === 'none')).toBe(true);
  }, 120_000);

  it('a tag the registry does not have fails with the engine message', async () => {
    const registry = await startRegistry();
    const result = await driver.pullImage(`${registry.host}/gatehouse/pulled:absent-${runId}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/manifest unknown|not found/i);
    expect(registry.count('manifest')).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('with Basic auth: refused without or with wrong credentials, pulled with the right ones', async () => {
    const registry = await startRegistry({ auth });
    const served = await serve(registry, `auth-${runId}`);

    const anonymous = await driver.pullImage(served.reference);
    expect(anonymous.ok).toBe(false);
    if (anonymous.ok) return;
    // The engine fails the request (HTTP 500) with its own message, e.g. `Head "http://127.0.0.1:…": no basic auth credentials`.
    expect(['IO', 'UNAUTHORIZED']).toContain(anonymous.error.code);
    const engineMessage = (anonymous.error.details as { engineMessage?: string } | undefined)?.engineMessage ?? '';
    expect(engineMessage).toMatch(/unauthorized|authentication required|no basic auth credentials|access denied/i);
    expect(anonymous.error.message).toContain(engineMessage);

    const wrong = await driver.pullImage(served.reference, { auth: { ...auth, password: 'wrong', serveraddress: registry.host } });
    expect(wrong).toMatchObject({ ok: false });
    if (wrong.ok) return;
    expect(['IO', 'UNAUTHORIZED']).toContain(wrong.error.code);
    expect(wrong.error.message).toMatch(/unauthorized|authentication required|access denied/i);
    expect(registry.requests.some((r) => r.credentials === 'wrong' && r.status === 401)).toBe(true);
    expect(await driver.inspectImage(served.reference)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Nothing was handed out to a request without the right credentials.
    expect(registry.requests.filter((r) => r.credentials !== 'valid').every((r) => r.status === 401)).toBe(true);

    const progress: ImageLoadProgress[] = [];
    unwrap(await driver.pullImage(served.reference, { auth: { ...auth, serveraddress: registry.host }, onProgress: (p) => progress.push(p) }), 'pull with auth');
    expect(progress.some((p) => p.kind === 'layer')).toBe(true);
    expect(unwrap(await driver.inspectImage(served.reference), 'inspect').id).toBe(served.configDigest);
    const served200 = registry.requests.filter((r) => r.kind === 'blob' && r.status < 300);
    expect(served200.length).toBeGreaterThanOrEqual(1 + served.layers.length);
    expect(served200.every((r) => r.credentials === 'valid')).toBe(true);
  }, 120_000);
});
