import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerDriver } from '../docker/docker-driver';
import type { ContainerCreateOptions, LogLine } from '../driver';
import {
  BUSYBOX_IMAGE,
  DOCKER_SOCKET,
  NODE_BASE_IMAGE,
  TEST_LABEL,
  newRunId,
  removeTestResources,
  requireEngine,
  unwrap,
  waitFor,
} from '../test-engine.test-util';
import { buildLocalImages, IMAGE_LABELS } from './build-local-images';
import { defaultRecipesDir } from './image-recipe';

describe('buildLocalImages on a real engine', () => {
  const runId = newRunId();
  let docker: Dockerode;
  let driver: DockerDriver;
  let dir: string;

  /** Runs a container to completion and returns its exit code and log lines. */
  async function run(name: string, options: ContainerCreateOptions): Promise<{ exitCode: number | undefined; lines: LogLine[] }> {
    const { id } = unwrap(
      await driver.createContainer(`gatehouse-test-${runId}-${name}`, {
        ...options,
        Labels: { [TEST_LABEL]: runId },
        HostConfig: { NetworkMode: 'host', ...options.HostConfig },
      }),
      'create',
    );
    unwrap(await driver.startContainer(id), 'start');
    const details = await waitFor(`${name} to exit`, async () => {
      const d = unwrap(await driver.inspectContainer(id), 'inspect');
      return d.state === 'exited' ? d : undefined;
    });
    const lines: LogLine[] = [];
    for await (const line of unwrap(await driver.logs(id), 'logs')) lines.push(line);
    return { exitCode: details.exitCode, lines };
  }

  beforeAll(async () => {
    docker = await requireEngine();
    driver = new DockerDriver({ socketPath: DOCKER_SOCKET });
    dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-builder-'));
  });

  afterAll(async () => {
    driver?.dispose();
    if (docker) await removeTestResources(docker, runId);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds every recipe of resources/images, then reuses the images by content hash', async () => {
    const first = unwrap(await buildLocalImages(docker), 'first build');
    expect(first.map((i) => i.tag)).toEqual(expect.arrayContaining([BUSYBOX_IMAGE, NODE_BASE_IMAGE]));
    const second = unwrap(await buildLocalImages(docker), 'second build');
    expect(second.map((i) => i.outcome)).toEqual(second.map(() => 'cached'));
    expect(second.map((i) => i.id)).toEqual(first.map((i) => i.id));
    for (const image of second) {
      const details = unwrap(await driver.inspectImage(image.tag), 'inspect');
      expect(details.labels).toMatchObject({ [IMAGE_LABELS.recipe]: image.recipe, [IMAGE_LABELS.hash]: image.hash });
    }
  });

  it('rebuilds when an input changes and re-tags an image that already has the hash', async () => {
    const recipeDir = path.join(dir, 'recipes', 'throwaway');
    await mkdir(path.join(recipeDir, 'rootfs'), { recursive: true });
    await writeFile(path.join(recipeDir, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nCMD ["/hello.txt"]\n');
    await writeFile(path.join(recipeDir, 'rootfs', 'hello.txt'), `hello ${runId}\n`);
    await writeFile(path.join(recipeDir, 'recipe.json'), JSON.stringify({ image: `gatehouse-test/throwaway:${runId}`, description: 'test' }));
    const options = { recipesDir: path.join(dir, 'recipes'), names: ['throwaway'], labels: { [TEST_LABEL]: runId } };

    const [built] = unwrap(await buildLocalImages(docker, options), 'build');
    expect(built).toMatchObject({ recipe: 'throwaway', tag: `gatehouse-test/throwaway:${runId}`, outcome: 'built' });
    const [cached] = unwrap(await buildLocalImages(docker, options), 'cached');
    expect(cached).toMatchObject({ outcome: 'cached', id: built?.id, hash: built?.hash });
    const [retagged] = unwrap(await buildLocalImages(docker, { ...options, tagFor: () => `gatehouse-test/throwaway:${runId}-copy` }), 'retag');
    expect(retagged).toMatchObject({ outcome: 'retagged', id: built?.id });
    const [forced] = unwrap(await buildLocalImages(docker, { ...options, force: true }), 'forced');
    expect(forced?.outcome).toBe('built');

    await writeFile(path.join(recipeDir, 'rootfs', 'hello.txt'), `changed ${runId}\n`);
    const [rebuilt] = unwrap(await buildLocalImages(docker, options), 'rebuild');
    expect(rebuilt?.outcome).toBe('built');
    expect(rebuilt?.hash).not.toBe(built?.hash);
    expect(rebuilt?.id).not.toBe(built?.id);
  });

  it('builds a recipe’s base first, under the base’s own tag and labels, and rebuilds the module when the base changes', async () => {
    const recipes = path.join(dir, 'based-recipes');
    const baseTag = `gatehouse-test/base:${runId}`;
    const write = async (name: string, files: Record<string, string>) => {
      await mkdir(path.join(recipes, name, 'rootfs'), { recursive: true });
      for (const [file, text] of Object.entries(files)) await writeFile(path.join(recipes, name, file), text);
    };
    await write('base', {
      Dockerfile: 'FROM scratch\nCOPY rootfs/ /\n',
      'recipe.json': JSON.stringify({ image: baseTag, description: 'test base' }),
      'rootfs/base.txt': `base ${runId}\n`,
    });
    await write('module', {
      Dockerfile: `FROM ${baseTag}\nCOPY rootfs/ /\nCMD ["/module.txt"]\n`,
      'recipe.json': JSON.stringify({ image: `gatehouse-test/module:${runId}`, description: 'test module', base: 'base' }),
      'rootfs/module.txt': 'module\n',
    });
    await write('wrong-from', {
      Dockerfile: 'FROM scratch\nCOPY rootfs/ /\n',
      'recipe.json': JSON.stringify({ image: `gatehouse-test/wrong-from:${runId}`, description: 'x', base: 'base' }),
    });
    await write('loop-a', { Dockerfile: `FROM gatehouse-test/loop-b:${runId}\n`, 'recipe.json': JSON.stringify({ image: `gatehouse-test/loop-a:${runId}`, description: 'x', base: 'loop-b' }) });
    await write('loop-b', { Dockerfile: `FROM gatehouse-test/loop-a:${runId}\n`, 'recipe.json': JSON.stringify({ image: `gatehouse-test/loop-b:${runId}`, description: 'x', base: 'loop-a' }) });
    const options = { recipesDir: recipes, labels: { [TEST_LABEL]: runId } };
    try {
      const [module] = unwrap(await buildLocalImages(docker, { ...options, names: ['module'] }), 'build on a base');
      expect(module).toMatchObject({ tag: `gatehouse-test/module:${runId}`, outcome: 'built' });
      const base = await docker.getImage(baseTag).inspect();
      // The base is not a test image of this run (other images build FROM its tag); it is removed below by tag.
      expect(base.Config.Labels).toMatchObject({ [IMAGE_LABELS.recipe]: 'base' });
      expect(base.Config.Labels?.[TEST_LABEL]).toBeUndefined();
      const moduleImage = await docker.getImage(module!.tag).inspect();
      expect(moduleImage.RootFS.Layers?.slice(0, base.RootFS.Layers?.length ?? 0)).toEqual(base.RootFS.Layers);

      const [cached] = unwrap(await buildLocalImages(docker, { ...options, names: ['module'] }), 'cached');
      expect(cached).toMatchObject({ outcome: 'cached', hash: module?.hash });
      await writeFile(path.join(recipes, 'base', 'rootfs', 'base.txt'), `base changed ${runId}\n`);
      const [rebuilt] = unwrap(await buildLocalImages(docker, { ...options, names: ['module'] }), 'rebuild on a changed base');
      expect(rebuilt?.outcome).toBe('built');
      expect(rebuilt?.hash).not.toBe(module?.hash);

      const wrong = await buildLocalImages(docker, { ...options, names: ['wrong-from'] });
      expect(wrong).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      if (!wrong.ok) expect(wrong.error.message).toContain(`FROM scratch`);
      const loop = await buildLocalImages(docker, { ...options, names: ['loop-a'] });
      expect(loop).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      if (!loop.ok) expect(loop.error.message).toContain('loop-a → loop-b → loop-a');
    } finally {
      await docker.getImage(`gatehouse-test/module:${runId}`).remove({ force: true }).catch(() => undefined);
      await docker.getImage(baseTag).remove({ force: true }).catch(() => undefined);
    }
  });

  it('fails with IO and the builder message when the Dockerfile is broken', async () => {
    const recipeDir = path.join(dir, 'broken-recipes', 'broken');
    await mkdir(recipeDir, { recursive: true });
    await writeFile(path.join(recipeDir, 'Dockerfile'), 'FROM scratch\nCOPY does-not-exist /\n');
    await writeFile(path.join(recipeDir, 'recipe.json'), JSON.stringify({ image: `gatehouse-test/broken:${runId}`, description: 'test' }));
    const result = await buildLocalImages(docker, { recipesDir: path.dirname(recipeDir), labels: { [TEST_LABEL]: runId } });
    expect(result).toMatchObject({ ok: false, error: { code: 'IO' } });
    if (!result.ok) expect(result.error.message).toContain('does-not-exist');
  });

  it('busybox module image: a static busybox FROM scratch, with a sticky /tmp', async () => {
    const { exitCode, lines } = await run('busybox-layout', { Image: BUSYBOX_IMAGE, Entrypoint: ['/bin/stat'], Cmd: ['-c', '%a %n', '/tmp', '/bin/busybox'] });
    expect(exitCode).toBe(0);
    expect(lines.map((l) => l.line)).toEqual(['1777 /tmp', '755 /bin/busybox']);
  });

  it('node base image: runs node with its libraries, CA certificates, DNS and a module’s node_modules', async () => {
    const nodeModules = path.resolve(defaultRecipesDir(), '../../node_modules');
    const script = [
      "const tls = require('tls'), fs = require('fs'), os = require('os');",
      "require('dns').promises.lookup('localhost').then((lookup) => console.log(JSON.stringify({",
      '  version: process.version,',
      '  rootCertificates: tls.rootCertificates.length,',
      "  caBundleBytes: fs.statSync(process.env.SSL_CERT_FILE).size,",
      '  user: os.userInfo().username,',
      '  lookup: lookup.address,',
      "  mqtt: typeof require('mqtt').connect,",
      "  cwd: process.cwd(),",
      '})));',
    ].join('\n');
    const { exitCode, lines } = await run('node-base', {
      Image: NODE_BASE_IMAGE,
      Cmd: ['node', '-e', script],
      HostConfig: { Binds: [`${nodeModules}:/app/node_modules:ro`] },
    });
    expect(lines.filter((l) => l.stream === 'stderr')).toEqual([]);
    expect(exitCode).toBe(0);
    const report = JSON.parse(lines.at(-1)?.line ?? '{}') as Record<string, unknown>;
    expect(report).toMatchObject({
      version: execFileSync('node', ['--version'], { encoding: 'utf8' }).trim(),
      user: 'root',
      mqtt: 'function',
      cwd: '/app',
    });
    expect(report.rootCertificates).toBeGreaterThan(50);
    expect(report.caBundleBytes).toBeGreaterThan(1000);
    expect(['127.0.0.1', '::1']).toContain(report.lookup);
  });
});
