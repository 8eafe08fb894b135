import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerCreateOptions, LogLine, LogOptions } from '../driver';
import {
  busyboxOptions,
  DOCKER_SOCKET,
  newRunId,
  removeTestResources,
  requireEngine,
  requireTestImages,
  unwrap,
  waitFor,
} from '../test-engine.test-util';
import { DockerDriver } from './docker-driver';

describe('DockerDriver: logs on a real engine', () => {
  const runId = newRunId();
  let docker: Dockerode;
  let driver: DockerDriver;
  let counter = 0;
  const uniqueName = (what: string) => `gatehouse-test-${runId}-${what}-${++counter}`;
  const busybox = (cmd: string[], extra: Partial<ContainerCreateOptions> = {}) => busyboxOptions(runId, { Cmd: cmd, Env: ['LOG_PREFIX=logs'], ...extra });

  async function readAll(id: string, options?: LogOptions): Promise<LogLine[]> {
    const stream = unwrap(await driver.logs(id, options), 'logs');
    const lines: LogLine[] = [];
    for await (const line of stream) lines.push(line);
    expect(await stream.done).toEqual({ ok: true, value: undefined });
    return lines;
  }

  /** Runs `exit <code> <seconds>` to completion: `seconds` tick lines on stdout, one notice on stderr. */
  async function finishedModule(seconds: number, code: number, extra?: Partial<ContainerCreateOptions>): Promise<string> {
    const { id } = unwrap(await driver.createContainer(uniqueName('exit'), busybox(['exit', String(code), String(seconds)], extra)), 'create');
    unwrap(await driver.startContainer(id), 'start');
    await waitFor('the module to exit', async () => {
      const details = unwrap(await driver.inspectContainer(id), 'inspect');
      return details.state === 'exited' ? true : undefined;
    });
    return id;
  }

  let finished: string;

  beforeAll(async () => {
    docker = await requireEngine();
    await requireTestImages(docker);
    driver = new DockerDriver({ socketPath: DOCKER_SOCKET });
    await waitFor('the driver to be available', () => (driver.state.state === 'available' ? true : undefined));
    finished = await finishedModule(4, 5);
  });

  afterAll(async () => {
    driver?.dispose();
    if (docker) await removeTestResources(docker, runId);
  });

  it('reads every line and tells stdout from stderr', async () => {
    expect(await readAll(finished)).toEqual([
      { stream: 'stdout', line: 'logs tick 1' },
      { stream: 'stdout', line: 'logs tick 2' },
      { stream: 'stdout', line: 'logs tick 3' },
      { stream: 'stdout', line: 'logs tick 4' },
      { stream: 'stderr', line: 'logs: exiting with code 5' },
    ]);
  });

  it('reads the last lines only with tail', async () => {
    expect(await readAll(finished, { tail: 2 })).toEqual([
      { stream: 'stdout', line: 'logs tick 4' },
      { stream: 'stderr', line: 'logs: exiting with code 5' },
    ]);
    expect(await readAll(finished, { tail: 0 })).toEqual([]);
  });

  it('returns timestamps and honours since and until', async () => {
    const lines = await readAll(finished, { timestamps: true });
    expect(lines.map((l) => l.line)).toEqual(['logs tick 1', 'logs tick 2', 'logs tick 3', 'logs tick 4', 'logs: exiting with code 5']);
    for (const line of lines) expect(Number.isNaN(Date.parse(line.timestamp ?? 'missing'))).toBe(false);
    // Ticks are a second apart (the module sleeps 1 s between them), so millisecond cuts are unambiguous.
    const third = new Date(Date.parse(lines[2]?.timestamp ?? ''));
    const sinceThird = await readAll(finished, { since: third });
    expect(sinceThird.map((l) => l.line)).toEqual(['logs tick 3', 'logs tick 4', 'logs: exiting with code 5']);
    const afterSecond = new Date(Date.parse(lines[1]?.timestamp ?? '') + 1);
    const untilSecond = await readAll(finished, { until: afterSecond });
    expect(untilSecond.map((l) => l.line)).toEqual(['logs tick 1', 'logs tick 2']);
  });

  it('follows a running module until the stream is disposed', async () => {
    const { id } = unwrap(await driver.createContainer(uniqueName('follow'), busybox(['run'])), 'create');
    unwrap(await driver.startContainer(id), 'start');
    const stream = unwrap(await driver.logs(id, { follow: true, timestamps: true }), 'follow');
    const seen: LogLine[] = [];
    for await (const line of stream) {
      seen.push(line);
      if (seen.length === 3) break; // leaving the loop disposes the stream
    }
    expect(seen.map((l) => l.line)).toEqual(['logs tick 1', 'logs tick 2', 'logs tick 3']);
    expect(seen.every((l) => l.stream === 'stdout' && l.timestamp)).toBe(true);
    expect(await stream.done).toEqual({ ok: true, value: undefined });
    unwrap(await driver.removeContainer(id, { force: true }), 'remove');
  });

  it('ends a follow when the module exits', async () => {
    const { id } = unwrap(await driver.createContainer(uniqueName('follow-exit'), busybox(['exit', '0', '2'])), 'create');
    unwrap(await driver.startContainer(id), 'start');
    const lines = await readAll(id, { follow: true });
    expect(lines.map((l) => `${l.stream}: ${l.line}`)).toEqual(['stdout: logs tick 1', 'stdout: logs tick 2', 'stderr: logs: exiting with code 0']);
  });

  it('reads the raw stream of a module with a TTY', async () => {
    const id = await finishedModule(2, 0, { Tty: true });
    const lines = await readAll(id);
    // A TTY merges stderr into the terminal and ends lines with \r\n: all stdout, without the \r.
    expect(lines).toEqual([
      { stream: 'stdout', line: 'logs tick 1' },
      { stream: 'stdout', line: 'logs tick 2' },
      { stream: 'stdout', line: 'logs: exiting with code 0' },
    ]);
  });

  it('answers NOT_FOUND for the logs of a container that does not exist', async () => {
    expect(await driver.logs(`gatehouse-test-${runId}-missing`)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
