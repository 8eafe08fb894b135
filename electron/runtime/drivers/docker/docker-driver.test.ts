import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerCreateOptions } from '../driver';
import {
  BUSYBOX_IMAGE,
  busyboxOptions,
  DOCKER_SOCKET,
  TEST_LABEL,
  newRunId,
  removeTestResources,
  requireEngine,
  requireTestImages,
  unwrap,
  waitFor,
} from '../test-engine.test-util';
import { DockerDriver } from './docker-driver';

const OWNER_LABEL = 'net.azure-devices.edge.owner';

describe('DockerDriver: containers on a real engine', () => {
  const runId = newRunId();
  let docker: Dockerode;
  let driver: DockerDriver;
  let counter = 0;
  const uniqueName = (what: string) => `gatehouse-test-${runId}-${what}-${++counter}`;
  const busybox = (options: Partial<ContainerCreateOptions> = {}) => busyboxOptions(runId, options);

  beforeAll(async () => {
    docker = await requireEngine();
    await requireTestImages(docker);
    driver = new DockerDriver({ socketPath: DOCKER_SOCKET });
    await waitFor('the driver to be available', () => (driver.state.state === 'available' ? true : undefined));
  });

  afterAll(async () => {
    driver?.dispose();
    if (docker) await removeTestResources(docker, runId);
  });

  it('reports the engine it is connected to', async () => {
    const version = unwrap(await driver.version(), 'version');
    expect(driver.state).toMatchObject({ state: 'available', endpoint: `unix://${DOCKER_SOCKET}`, version: version.version, apiVersion: version.apiVersion });
    expect(unwrap(await driver.ping(), 'ping')).toBeUndefined();
    const info = unwrap(await driver.info(), 'info');
    expect(info.serverVersion).toBe(version.version);
    expect(info.osType).toBe('linux');
    expect(Number.isNaN(Date.parse(info.systemTime))).toBe(false);
  });

  it('creates, starts, stops, restarts and removes a module with labels and env', async () => {
    const name = uniqueName('lifecycle');
    const created = unwrap(
      await driver.createContainer(
        name,
        busybox({ Env: ['LOG_PREFIX=lifecycle-module', 'IOTEDGE_MODULEID=lifecycle'], Labels: { [OWNER_LABEL]: 'Microsoft.Azure.Devices.Edge.Agent' } }),
      ),
      'create',
    );
    expect(created.id).toMatch(/^[0-9a-f]{64}$/);

    const fresh = unwrap(await driver.inspectContainer(name), 'inspect');
    expect(fresh).toMatchObject({ id: created.id, name, image: BUSYBOX_IMAGE, state: 'created', running: false });
    expect(fresh.labels).toMatchObject({ [TEST_LABEL]: runId, [OWNER_LABEL]: 'Microsoft.Azure.Devices.Edge.Agent' });
    expect(fresh.env).toEqual(expect.arrayContaining(['LOG_PREFIX=lifecycle-module', 'IOTEDGE_MODULEID=lifecycle']));

    const listed = unwrap(await driver.listContainers({ labels: { [TEST_LABEL]: runId, [OWNER_LABEL]: true } }), 'list');
    expect(listed.map((c) => c.name)).toContain(name);
    expect(listed.find((c) => c.name === name)?.labels[OWNER_LABEL]).toBe('Microsoft.Azure.Devices.Edge.Agent');

    expect(unwrap(await driver.startContainer(name), 'start')).toEqual({ changed: true });
    expect(unwrap(await driver.startContainer(name), 'start again')).toEqual({ changed: false });
    const running = unwrap(await driver.inspectContainer(name), 'inspect running');
    expect(running).toMatchObject({ state: 'running', running: true });
    expect(running.pid).toBeGreaterThan(0);
    expect(running.startedAt).toBeDefined();

    // The env reached the module: its log lines carry the prefix.
    await waitFor('a log line with the env prefix', async () => {
      const stream = unwrap(await driver.logs(name), 'logs');
      const lines: string[] = [];
      for await (const line of stream) lines.push(line.line);
      return lines.some((l) => l.startsWith('lifecycle-module tick')) ? true : undefined;
    });

    const removeRunning = await driver.removeContainer(name);
    expect(removeRunning).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    expect(unwrap(await driver.stopContainer(name, { timeoutSeconds: 20 }), 'stop')).toEqual({ changed: true });
    expect(unwrap(await driver.stopContainer(name), 'stop again')).toEqual({ changed: false });
    const stopped = unwrap(await driver.inspectContainer(name), 'inspect stopped');
    expect(stopped).toMatchObject({ state: 'exited', running: false, exitCode: 0 }); // the module traps SIGTERM
    expect(stopped.finishedAt).toBeDefined();

    unwrap(await driver.restartContainer(name, { timeoutSeconds: 20 }), 'restart');
    expect(unwrap(await driver.inspectContainer(name), 'inspect restarted').state).toBe('running');

    unwrap(await driver.removeContainer(name, { force: true }), 'remove');
    expect(await driver.inspectContainer(name)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(unwrap(await driver.listContainers({ labels: { [TEST_LABEL]: runId } }), 'list').map((c) => c.name)).not.toContain(name);
  });

  it('answers NOT_FOUND for a container that does not exist', async () => {
    const missing = `gatehouse-test-${runId}-missing`;
    const inspected = await driver.inspectContainer(missing);
    expect(inspected).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { status: 404 } } });
    if (!inspected.ok) expect(inspected.error.message).toContain(missing);
    expect(await driver.startContainer(missing)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await driver.stopContainer(missing)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await driver.removeContainer(missing)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('answers CONFLICT for a taken name and NOT_FOUND for a missing image', async () => {
    const name = uniqueName('taken');
    unwrap(await driver.createContainer(name, busybox()), 'create');
    expect(await driver.createContainer(name, busybox())).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { status: 409 } } });
    const noImage = await driver.createContainer(uniqueName('no-image'), busybox({ Image: `gatehouse-test/absent:${runId}` }));
    expect(noImage).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('answers BAD_REQUEST when the engine refuses the create options', async () => {
    const refused = await driver.createContainer(
      uniqueName('bad-options'),
      busybox({ HostConfig: { Mounts: [{ Type: 'bind', Source: 'relative/path', Target: '/data' }] } }),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { status: 400 } } });
    if (!refused.ok) expect(refused.error.message).toContain('must be absolute');
  });

  it('reports a start the engine cannot perform, with the engine message', async () => {
    const name = uniqueName('no-entrypoint');
    unwrap(await driver.createContainer(name, busybox({ Entrypoint: ['/bin/does-not-exist'] })), 'create');
    const started = await driver.startContainer(name);
    expect(started.ok).toBe(false);
    if (!started.ok) {
      expect(['BAD_REQUEST', 'IO']).toContain(started.error.code);
      expect(started.error.message).toContain('/bin/does-not-exist');
    }
    const details = unwrap(await driver.inspectContainer(name), 'inspect');
    expect(details.running).toBe(false);
    expect(details.error).toContain('/bin/does-not-exist');
  });
});
