import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import Dockerode from 'dockerode';
import type { Result } from '../../../shared/errors';
import type { ContainerCreateOptions } from './driver-model';
import { buildLocalImages } from './images/build-local-images';

/**
 * Shared by the driver and image tests. They run against a real engine: when none answers they FAIL with a
 * message saying so (CI always has an engine), they never skip. Everything a test creates carries the label
 * `gatehouse.test=<runId>` and is removed by label in afterAll.
 */

export const DOCKER_SOCKET = process.env.GATEHOUSE_TEST_DOCKER_SOCKET ?? '/var/run/docker.sock';
export const TEST_LABEL = 'gatehouse.test';
const CLEANUP_MS = 20_000;
export const BUSYBOX_IMAGE = 'gatehouse/busybox-module:test';
export const NODE_BASE_IMAGE = 'gatehouse/node-module-base:test';

export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A dockerode client on the test engine, or an Error that says what is missing. */
export async function requireEngine(socketPath = DOCKER_SOCKET): Promise<Dockerode> {
  const docker = new Dockerode({ socketPath });
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(
      `These tests need a Docker engine at unix://${socketPath} and none answers (${(error as Error).message}). ` +
        'CI always has one. Locally: start it (e.g. `dockerd --bridge=none --iptables=false &`) or point ' +
        'GATEHOUSE_TEST_DOCKER_SOCKET at its socket.',
      { cause: error },
    );
  }
  return docker;
}

/** Ensures the test images exist (cached after the first build) or throws with the builder's error. */
export async function requireTestImages(docker: Dockerode, names: readonly string[] = ['busybox-module']): Promise<void> {
  const built = await buildLocalImages(docker, { names });
  if (!built.ok) throw new Error(`building test images failed: ${built.error.code} ${built.error.message}`);
}

/** Force-removes every container, then every image, labelled `gatehouse.test=<runId>`. */
export async function removeTestResources(docker: Dockerode, runId: string): Promise<void> {
  const filters = { label: [`${TEST_LABEL}=${runId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  const images = await docker.listImages({ filters });
  for (const image of images) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
}

/** Polls `probe` until it returns a value other than undefined; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The value of an ok Result, or an Error that shows the AppError (so a failing test says why). */
export function unwrap<T>(result: Result<T>, what = 'operation'): T {
  if (!result.ok) throw new Error(`${what} failed: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Create options for a busybox test module labelled with `runId`, on host networking. */
export function busyboxOptions(runId: string, options: Partial<ContainerCreateOptions> = {}): ContainerCreateOptions {
  return {
    Image: BUSYBOX_IMAGE,
    ...options,
    Labels: { [TEST_LABEL]: runId, ...options.Labels },
    HostConfig: { NetworkMode: 'host', ...options.HostConfig },
  };
}

/**
 * The usual hooks of a test file that runs containers on the real engine: the engine and the test images before
 * all (2 min for a first image build), the file's cleanups after each test (newest first; `removeAfterEach` also
 * removes this run's containers then), and this run's containers removed after all.
 */
export function useTestEngine(options: {
  readonly runId: string;
  readonly cleanups: (() => Promise<void> | void)[];
  readonly onEngine: (docker: Dockerode) => void;
  readonly removeAfterEach?: boolean;
}): void {
  let docker: Dockerode | undefined;
  beforeAll(async () => {
    docker = await requireEngine();
    await requireTestImages(docker);
    options.onEngine(docker);
  }, 120_000);
  afterEach(async () => {
    // Each cleanup gets 20 s; one that does not finish is named (it is a hang to look at) and the others still run,
    // so one slow close on a loaded machine does not fail the test it follows.
    const cleanups = options.cleanups.splice(0).reverse();
    for (const [i, cleanup] of cleanups.entries()) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLEANUP_MS)));
      const outcome = await Promise.race([Promise.resolve(cleanup()).then(() => 'done' as const), late]);
      clearTimeout(timer);
      if (outcome === 'late') console.warn(`test cleanup ${cleanups.length - i} of ${cleanups.length} (newest first: ${String(cleanup).slice(0, 80)}) did not finish in ${CLEANUP_MS / 1000} s`);
    }
    if (options.removeAfterEach && docker) await removeTestResources(docker, options.runId);
  }, 120_000);
  afterAll(async () => {
    if (docker) await removeTestResources(docker, options.runId);
  });
}
