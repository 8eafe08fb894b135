import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageLoadProgress } from '../driver';
import { buildFromContext, saveImages } from '../images/image-build';
import { DOCKER_SOCKET, TEST_LABEL, newRunId, removeTestResources, requireEngine, unwrap, waitFor } from '../test-engine.test-util';
import { DockerDriver } from './docker-driver';
import { loadedReference, toLoadProgress } from './docker-images';

describe('load progress messages (pure)', () => {
  it.each([
    [{ status: 'Loading layer', id: 'abc', progressDetail: { current: 10, total: 20 } }, { kind: 'layer', id: 'abc', status: 'Loading layer', current: 10, total: 20 }],
    [{ status: 'Loading layer', progressDetail: {} }, { kind: 'layer', id: '', status: 'Loading layer' }],
    [{ stream: 'Loaded image: a/b:c\n' }, { kind: 'message', text: 'Loaded image: a/b:c' }],
    [{ stream: '\n' }, undefined],
    ['text', undefined],
  ])('%j → %j', (message, progress) => {
    expect(toLoadProgress(message)).toEqual(progress);
  });

  it('reads the loaded reference', () => {
    expect(loadedReference('Loaded image: gatehouse/x:test')).toBe('gatehouse/x:test');
    expect(loadedReference('Loaded image ID: sha256:0123')).toBe('sha256:0123');
    expect(loadedReference('something else')).toBeUndefined();
  });
});

describe('DockerDriver: images on a real engine', () => {
  const runId = newRunId();
  const tag = `gatehouse-test/sideload:${runId}`;
  let docker: Dockerode;
  let driver: DockerDriver;
  let workDir: string;
  let imageId: string;

  beforeAll(async () => {
    docker = await requireEngine();
    driver = new DockerDriver({ socketPath: DOCKER_SOCKET });
    await waitFor('the driver to be available', () => (driver.state.state === 'available' ? true : undefined));
    // An image of its own (a random payload), so removing it really removes its layer and loading restores it.
    workDir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-sideload-'));
    const context = path.join(workDir, 'context');
    await mkdir(context);
    await writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY payload.bin /payload.bin\nCMD ["/payload.bin"]\n');
    await writeFile(path.join(context, 'payload.bin'), randomBytes(512 * 1024));
    imageId = unwrap(await buildFromContext(docker, context, { tag, labels: { [TEST_LABEL]: runId } }), 'build');
  });

  afterAll(async () => {
    driver?.dispose();
    if (docker) await removeTestResources(docker, runId);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('lists and inspects images by label and reference', async () => {
    const listed = unwrap(await driver.listImages({ labels: { [TEST_LABEL]: runId } }), 'list');
    expect(listed).toEqual([expect.objectContaining({ id: imageId, repoTags: [tag], labels: expect.objectContaining({ [TEST_LABEL]: runId }) })]);
    expect(unwrap(await driver.listImages({ reference: tag }), 'list by reference').map((i) => i.id)).toEqual([imageId]);
    const details = unwrap(await driver.inspectImage(tag), 'inspect');
    expect(details).toMatchObject({ id: imageId, repoTags: [tag], cmd: ['/payload.bin'], os: 'linux' });
    expect(await driver.inspectImage(`gatehouse-test/absent:${runId}`)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('sideloads an image: save → remove → load from the tarball, with progress', async () => {
    const tarball = path.join(workDir, 'sideload.tar');
    const saved = unwrap(await saveImages(docker, [tag], tarball), 'save');
    expect(saved.bytes).toBe((await stat(tarball)).size);
    expect(saved.bytes).toBeGreaterThan(512 * 1024);

    unwrap(await driver.removeImage(tag), 'remove');
    expect(await driver.inspectImage(tag)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const progress: ImageLoadProgress[] = [];
    const loaded = unwrap(await driver.loadImage(createReadStream(tarball), { onProgress: (p) => progress.push(p) }), 'load');
    expect(loaded.loaded).toEqual([tag]);
    const uploads = progress.filter((p) => p.kind === 'upload');
    expect(uploads.at(-1)).toEqual({ kind: 'upload', bytes: saved.bytes });
    expect(progress.some((p) => p.kind === 'layer' && /Loading layer/.test(p.status))).toBe(true);
    expect(progress).toContainEqual({ kind: 'message', text: `Loaded image: ${tag}` });
    expect(unwrap(await driver.inspectImage(tag), 'inspect loaded').id).toBe(imageId);
  });

  it('loads from any async source of bytes', async () => {
    const tarball = path.join(workDir, 'again.tar');
    unwrap(await saveImages(docker, [tag], tarball), 'save');
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for await (const chunk of createReadStream(tarball, { highWaterMark: 64 * 1024 })) yield chunk as Buffer;
    }
    expect(unwrap(await driver.loadImage(chunks()), 'load').loaded).toEqual([tag]);
  });

  it('fails with IO and the engine message for a file that is not an image tarball', async () => {
    const loaded = await driver.loadImage(Readable.from([Buffer.from('this is not a tar archive\n'.repeat(100))]));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.error.code).toBe('IO');
      expect(loaded.error.message.length).toBeGreaterThan('load image tarball: '.length);
    }
  });

  it('answers NOT_FOUND when removing an image that does not exist', async () => {
    expect(await driver.removeImage(`gatehouse-test/absent:${runId}`)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
