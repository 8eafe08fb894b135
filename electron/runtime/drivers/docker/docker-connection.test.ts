import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerEvent, DriverState } from '../driver';
import {
  BUSYBOX_IMAGE,
  DOCKER_SOCKET,
  TEST_LABEL,
  newRunId,
  removeTestResources,
  requireEngine,
  requireTestImages,
  unwrap,
  waitFor,
} from '../test-engine.test-util';
import { DockerDriver, type DockerDriverOptions } from './docker-driver';
import { UnixSocketProxy } from './unix-socket-proxy.test-util';

type StateOf<S extends DriverState['state']> = Extract<DriverState, { state: S }>;

describe('DockerDriver: engine availability', () => {
  const runId = newRunId();
  let docker: Dockerode;
  let dir: string;
  const owned: Array<{ dispose(): void } | UnixSocketProxy> = [];
  const fast: DockerDriverOptions = { backoff: { initialMs: 50, maxMs: 300 }, heartbeatMs: 300, attemptTimeoutMs: 1_500 };

  function driverAt(socketPath: string, options: DockerDriverOptions = fast): DockerDriver {
    const driver = new DockerDriver({ ...options, socketPath });
    owned.push(driver);
    return driver;
  }
  function proxyAt(name: string): UnixSocketProxy {
    const proxy = new UnixSocketProxy(path.join(dir, name), DOCKER_SOCKET);
    owned.push(proxy);
    return proxy;
  }
  const waitForState = <S extends DriverState['state']>(driver: DockerDriver, state: S, what: string = state): Promise<StateOf<S>> =>
    waitFor(`the driver to be ${what} (it is ${JSON.stringify(driver.state)})`, () =>
      driver.state.state === state ? (driver.state as StateOf<S>) : undefined,
    );

  beforeAll(async () => {
    docker = await requireEngine();
    await requireTestImages(docker);
    dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-engine-'));
  });

  afterEach(async () => {
    for (const item of owned.splice(0)) {
      if (item instanceof UnixSocketProxy) await item.stop();
      else item.dispose();
    }
  });

  afterAll(async () => {
    if (docker) await removeTestResources(docker, runId);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says ENGINE_UNAVAILABLE, clearly, when nothing listens at the socket', async () => {
    const socketPath = path.join(dir, 'nobody-here.sock');
    const driver = driverAt(socketPath);
    expect(driver.state).toEqual({ state: 'connecting', endpoint: `unix://${socketPath}` });
    const state = await waitForState(driver, 'unavailable');
    expect(state.error.code).toBe('ENGINE_UNAVAILABLE');
    expect(state.error.message).toContain(`Docker engine at unix://${socketPath} does not answer`);
    expect(state.nextRetryAt).toBeGreaterThan(0);
    // It keeps trying, with a growing delay.
    await waitFor('a third attempt', () => (driver.state.state === 'unavailable' && driver.state.attempt >= 3 ? true : undefined));
    const listed = await driver.listContainers();
    expect(listed).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });
    expect(await driver.ping()).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });
  });

  it('becomes available when the engine appears, and recovers after an outage without losing events', async () => {
    const proxy = proxyAt('engine.sock');
    const driver = driverAt(proxy.path);
    const states: string[] = [];
    driver.onDidChangeState((s) => {
      if (states.at(-1) !== s.state) states.push(s.state);
    });
    await waitForState(driver, 'unavailable');

    await proxy.start();
    const available = await waitForState(driver, 'available');
    expect(available).toMatchObject({ endpoint: `unix://${proxy.path}`, version: unwrap(await driver.version()).version });

    const events: ContainerEvent[] = [];
    driver.onContainerEvent((e) => events.push(e), { labels: { [TEST_LABEL]: runId } });

    // The engine goes away: the broken event stream makes the driver notice without waiting for a call.
    await proxy.stop();
    const down = await waitForState(driver, 'unavailable', 'unavailable after the outage');
    expect(down.error.code).toBe('ENGINE_UNAVAILABLE');

    // Meanwhile a module crashes (through the real socket, which the driver cannot see).
    const crashed = await docker.createContainer({
      Image: BUSYBOX_IMAGE,
      name: `gatehouse-test-${runId}-while-away`,
      Cmd: ['exit', '4', '0'],
      Labels: { [TEST_LABEL]: runId },
      HostConfig: { NetworkMode: 'host' },
    });
    await crashed.start();
    await waitFor('the module to exit', async () => ((await crashed.inspect()).State.Status === 'exited' ? true : undefined));

    await proxy.start();
    await waitForState(driver, 'available', 'available again');
    // The re-subscribed stream replays what happened while we were away...
    const replayed = await waitFor('the replayed die event', () => events.find((e) => e.id === crashed.id && e.kind === 'die'));
    expect(replayed).toMatchObject({ kind: 'die', exitCode: 4 });
    // ...and delivers new events.
    const name = `gatehouse-test-${runId}-after`;
    const { id } = unwrap(
      await driver.createContainer(name, { Image: BUSYBOX_IMAGE, Cmd: ['exit', '0', '0'], Labels: { [TEST_LABEL]: runId }, HostConfig: { NetworkMode: 'host' } }),
    );
    unwrap(await driver.startContainer(id));
    await waitFor('a live die event after recovery', () => events.find((e) => e.id === id && e.kind === 'die'));
    expect(events.filter((e) => e.id === crashed.id && e.kind === 'die')).toHaveLength(1); // replayed once, not twice
    expect(states).toEqual(['unavailable', 'available', 'unavailable', 'available']);
  });

  it('notices an engine that hangs (the heartbeat times out) and recovers when it answers again', async () => {
    const proxy = proxyAt('hung.sock');
    await proxy.start();
    const driver = driverAt(proxy.path);
    await waitForState(driver, 'available');
    proxy.hang();
    const hung = await waitForState(driver, 'unavailable', 'unavailable while hung');
    expect(hung.error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', details: { cause: 'TIMEOUT' } });
    expect(hung.error.message).toContain('does not answer');
    await proxy.stop();
    await proxy.start();
    await waitForState(driver, 'available', 'available after the hang');
    expect(unwrap(await driver.ping())).toBeUndefined();
  });

  it('stops retrying once disposed', async () => {
    const socketPath = path.join(dir, 'disposed.sock');
    const driver = driverAt(socketPath);
    const states: DriverState[] = [];
    driver.onDidChangeState((s) => states.push(s));
    await waitForState(driver, 'unavailable');
    driver.dispose();
    const seen = states.length;
    const proxy = proxyAt('disposed.sock');
    await proxy.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // several retry periods: nothing may happen
    expect(states.length).toBe(seen);
    expect(driver.state.state).toBe('unavailable');
  });
});
