import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerCreateOptions, ContainerEvent } from '../driver';
import { nextEvent, Emitter } from '../event';
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

describe('DockerDriver: container events on a real engine', () => {
  const runId = newRunId();
  let docker: Dockerode;
  let driver: DockerDriver;
  let counter = 0;
  const uniqueName = (what: string) => `gatehouse-test-${runId}-${what}-${++counter}`;
  const busybox = (cmd: string[], extra: Partial<ContainerCreateOptions> = {}) => busyboxOptions(runId, { Cmd: cmd, ...extra });

  /** Every event of one container, as an event source to wait on. */
  function record(id: string): { events: ContainerEvent[]; next: (kind: ContainerEvent['kind'], nth?: number) => Promise<ContainerEvent> } {
    const events: ContainerEvent[] = [];
    const emitter = new Emitter<ContainerEvent>();
    driver.onContainerEvent(
      (event) => {
        events.push(event);
        emitter.fire(event);
      },
      { containerIds: [id] },
    );
    const next = async (kind: ContainerEvent['kind'], nth = 1) => {
      const present = () => events.filter((e) => e.kind === kind)[nth - 1];
      const found = present();
      if (found) return found;
      await Promise.race([
        nextEvent(emitter.event, () => present() !== undefined),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`no ${kind} #${nth} event for ${id}; saw ${events.map((e) => e.kind).join(', ')}`)), 30_000)),
      ]);
      return present() as ContainerEvent;
    };
    return { events, next };
  }

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

  it('delivers start, then die with the exit code, with the container labels', async () => {
    const name = uniqueName('exits');
    const { id } = unwrap(await driver.createContainer(name, busybox(['exit', '3', '1'])), 'create');
    const seen = record(id);
    unwrap(await driver.startContainer(id), 'start');
    const start = await seen.next('start');
    const die = await seen.next('die');
    expect(start).toMatchObject({ kind: 'start', id, name, image: BUSYBOX_IMAGE, labels: { [TEST_LABEL]: runId } });
    expect(die).toMatchObject({ kind: 'die', id, name, exitCode: 3 });
    expect(BigInt(die.timeNano) >= BigInt(start.timeNano)).toBe(true);
    expect(die.labels).not.toHaveProperty('exitCode');
    expect(unwrap(await driver.inspectContainer(id), 'inspect')).toMatchObject({ state: 'exited', exitCode: 3 });
  });

  it('a crash-looping module dies with its code on every start', async () => {
    const name = uniqueName('crashloop');
    const { id } = unwrap(await driver.createContainer(name, busybox(['crashloop', '7'])), 'create');
    const seen = record(id);
    for (const nth of [1, 2, 3]) {
      unwrap(await driver.startContainer(id), `start #${nth}`);
      expect(await seen.next('die', nth)).toMatchObject({ kind: 'die', exitCode: 7 });
    }
    expect(unwrap(await driver.inspectContainer(id), 'inspect')).toMatchObject({ state: 'exited', exitCode: 7, running: false });
    const stream = unwrap(await driver.logs(id), 'logs');
    const lines: string[] = [];
    for await (const line of stream) lines.push(`${line.stream}: ${line.line}`);
    expect(lines).toEqual([
      'stderr: busybox-module: start #1, crashing with code 7',
      'stderr: busybox-module: start #2, crashing with code 7',
      'stderr: busybox-module: start #3, crashing with code 7',
    ]);
  });

  it('delivers kill, die, stop on stop and destroy on remove; filters by kind', async () => {
    const name = uniqueName('stopped');
    const { id } = unwrap(await driver.createContainer(name, busybox(['run'])), 'create');
    const seen = record(id);
    const destroys: ContainerEvent[] = [];
    driver.onContainerEvent((event) => destroys.push(event), { kinds: ['destroy'], labels: { [TEST_LABEL]: runId } });
    unwrap(await driver.startContainer(id), 'start');
    await seen.next('start');
    unwrap(await driver.stopContainer(id, { timeoutSeconds: 20 }), 'stop');
    expect(await seen.next('kill')).toMatchObject({ kind: 'kill', signal: '15' });
    expect(await seen.next('die')).toMatchObject({ kind: 'die', exitCode: 0 });
    await seen.next('stop');
    unwrap(await driver.removeContainer(id), 'remove');
    await seen.next('destroy');
    await waitFor('the destroy event in the kind-filtered subscription', () => (destroys.some((e) => e.id === id) ? true : undefined));
    expect(destroys.every((e) => e.kind === 'destroy')).toBe(true);
    const kinds = seen.events.map((e) => e.kind);
    expect(kinds.indexOf('kill')).toBeLessThan(kinds.indexOf('die'));
    expect(kinds.indexOf('die')).toBeLessThan(kinds.indexOf('destroy'));
  });

  it('offers the same events as an async iterable that stops when left', async () => {
    const name = uniqueName('iterated');
    const { id } = unwrap(await driver.createContainer(name, busybox(['exit', '5', '0'])), 'create');
    // `create` may still be on its way from the engine: ask for the kinds this test is about.
    const iterable = driver.containerEvents({ containerIds: [id], kinds: ['start', 'die'] });
    unwrap(await driver.startContainer(id), 'start');
    const kinds: string[] = [];
    for await (const event of iterable) {
      kinds.push(event.kind);
      if (event.kind === 'die') {
        expect(event.exitCode).toBe(5);
        break; // leaving the loop disposes the subscription
      }
    }
    expect(kinds).toEqual(['start', 'die']);
    expect(await iterable[Symbol.asyncIterator]().next()).toEqual({ value: undefined, done: true });
  });
});
