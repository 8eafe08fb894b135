import type Dockerode from 'dockerode';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../shared/ipc/runtime.contract';
import { EventBus } from '../host/event-bus';
import { Agent } from '../runtime/agent/agent';
import { testDeployment, TEST_RUNTIME, type TestModule } from '../runtime/agent/agent.test-util';
import { DockerDriver } from '../runtime/drivers/docker/docker-driver';
import { saveImages } from '../runtime/drivers/images/image-build';
import { BUSYBOX_IMAGE, DOCKER_SOCKET, newRunId, unwrap, waitFor, useTestEngine } from '../runtime/drivers/test-engine.test-util';
import { RuntimeService } from './runtime.service';
import { StatusService } from './status.service';

/** The runtime and status services over a real agent on the real engine: what the UI and the CLI call. */

const runId = newRunId();
let docker: Dockerode;
const cleanups: (() => Promise<void> | void)[] = [];
let seq = 0;
const uniq = (name: string) => `${name}-${runId}-${seq}`;

useTestEngine({ runId, cleanups, onEngine: (d) => (docker = d), removeAfterEach: true });

async function services() {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-runtime-service-'));
  const driver = new DockerDriver({ socketPath: DOCKER_SOCKET });
  const agent = new Agent({ dataDir, driver, runtime: TEST_RUNTIME, periodMs: 500, stopTimeoutSeconds: 2 });
  await agent.start();
  const events = new EventBus();
  const runtime = new RuntimeService(agent, driver, TEST_RUNTIME, events);
  const status = new StatusService(driver, agent, events);
  cleanups.push(() => {
    status.dispose();
    runtime.dispose();
    agent.dispose();
    driver.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const apply = async (modules: Record<string, TestModule>) => {
    // Beside the IoT Edge look-alikes other test files may put on the engine for a few seconds.
    const applied = unwrap(await runtime.apply({ text: testDeployment(runId, modules), overrideForeignRuntime: true }), 'apply');
    await agent.settled();
    return applied;
  };
  return { agent, runtime, status, events, apply };
}

const snapshot = async (runtime: RuntimeService) => unwrap(await runtime.status(), 'status');

describe('Runtime and status services (real engine)', () => {
  it('say the same word with a module in backoff and one that gave up: failing, naming both', async () => {
    seq++;
    const { runtime, status, apply } = await services();
    const [ticker, crasher, quitter] = [uniq('ticker'), uniq('crasher'), uniq('quitter')];
    await apply({ [ticker]: { cmd: ['run'] }, [crasher]: { cmd: ['crashloop', '3'], restartPolicy: 'always' }, [quitter]: { cmd: ['exit', '4', '0'], restartPolicy: 'never' } });
    const settled = await waitFor('crasher in backoff, quitter failed', async () => {
      const s = await snapshot(runtime);
      const by = (n: string) => s.modules.find((m) => m.name === n)?.runtimeStatus;
      return by(crasher) === 'backoff' && by(quitter) === 'failed' && by(ticker) === 'running' ? s : undefined;
    });
    expect(settled.state).toEqual(status.get().runtime);
    expect(settled.state).toMatchObject({ state: 'failing', tone: 'danger' });
    expect(settled.state.summary).toContain(`${quitter} failed: it exited with code 4 and its restart policy (never) does not restart it`);
    expect(settled.state.summary).toContain(`${crasher} is in backoff`);
    // The restart after the cool-off is data: the drawer shows it in local time.
    const crasherRow = settled.modules.find((m) => m.name === crasher);
    expect(Date.parse(crasherRow?.nextRetryAt ?? '')).toBeGreaterThan(Date.parse(crasherRow?.finishedAt ?? ''));
  });

  it('Restart says what it did, refuses a module stopped on purpose, and Stop/Start are new versions', async () => {
    seq++;
    const { runtime, agent, apply } = await services();
    const [ticker, resting, quitter] = [uniq('ticker'), uniq('resting'), uniq('quitter')];
    await apply({ [ticker]: { cmd: ['run'] }, [resting]: { cmd: ['run'], status: 'stopped' }, [quitter]: { cmd: ['exit', '0', '0'], restartPolicy: 'never' } });
    await waitFor('containers', () => (agent.current.observed.length === 3 && agent.current.modules.find((m) => m.name === quitter)?.runtimeStatus === 'stopped' ? true : undefined));

    expect(unwrap(await runtime.restartModule({ name: ticker }))).toEqual({ outcome: 'restarted' });
    expect(unwrap(await runtime.restartModule({ name: quitter }))).toEqual({ outcome: 'started' });
    const refused = await runtime.restartModule({ name: resting });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/stopped on purpose .*Start it instead/) } });

    expect(unwrap(await runtime.setModuleStatus({ name: ticker, status: 'stopped' }))).toEqual({ previousVersion: 1, version: 2, changed: true });
    expect(unwrap(await runtime.setModuleStatus({ name: ticker, status: 'stopped' }))).toEqual({ previousVersion: 2, version: 2, changed: false });
    await agent.settled();
    await waitFor('ticker stopped', async () => ((await docker.getContainer(ticker).inspect()).State.Running ? undefined : true));
    expect(unwrap(await runtime.setModuleStatus({ name: resting, status: 'running' }))).toEqual({ previousVersion: 2, version: 3, changed: true });
    await waitFor('resting runs', async () => ((await docker.getContainer(resting).inspect()).State.Running ? true : undefined));
  });

  it('follows a log across runs: waits while the container is stopped, resumes with its next run, repeats nothing', async () => {
    seq++;
    const { runtime, events, agent, apply } = await services();
    const once = uniq('once');
    await apply({ [once]: { cmd: ['exit', '0', '2'], restartPolicy: 'never', env: { LOG_PREFIX: 'once' } } });
    await waitFor('first run over', () => (agent.current.modules[0]?.runtimeStatus === 'stopped' && agent.current.modules[0].finishedAt ? true : undefined), 20_000);

    const seen: { lines: LogLine[]; waiting?: boolean; done?: boolean }[] = [];
    const listener = events.listen((wire, payload) => wire === 'runtime.logLines' && seen.push(payload as (typeof seen)[number]));
    cleanups.push(() => listener.dispose());
    const { streamId } = unwrap(await runtime.followLogs({ name: once, tail: 100 }));
    const lines = () => seen.flatMap((e) => e.lines.map((l) => l.line));
    await waitFor('the first run, then waiting', () => (seen.some((e) => e.waiting === true) ? true : undefined));
    expect(lines().filter((l) => l === 'once tick 1')).toHaveLength(1);
    expect(seen.some((e) => e.done)).toBe(false);

    expect(unwrap(await runtime.restartModule({ name: once }))).toEqual({ outcome: 'started' });
    await waitFor('the second run', () => (lines().filter((l) => l === 'once tick 2').length === 2 ? true : undefined), 20_000);
    expect(seen.some((e) => e.waiting === false)).toBe(true);
    // Both runs, each line once: two runs of two ticks and an exit notice.
    expect(lines()).toEqual(['once tick 1', 'once tick 2', 'once: exiting with code 0', 'once tick 1', 'once tick 2', 'once: exiting with code 0'].slice(0, lines().length));

    unwrap(await runtime.stopLogs({ streamId }));
    await waitFor('done', () => (seen.some((e) => e.done) ? true : undefined));
  });

  it('the plan preview says which images are missing on this machine', async () => {
    seq++;
    const { runtime } = await services();
    const missing = `gatehouse/not-here-${runId}:1`;
    const preview = unwrap(
      await runtime.preview({ text: testDeployment(runId, { [uniq('a')]: {}, [uniq('b')]: { image: missing }, [uniq('c')]: { image: `127.0.0.1:5999/${missing}` } }) }),
    );
    expect(preview.images).toEqual([
      { image: `127.0.0.1:5999/${missing}`, modules: [uniq('c')], present: false, registry: '127.0.0.1:5999', pullPolicy: 'on-create' },
      { image: missing, modules: [uniq('b')], present: false, registry: 'docker.io', pullPolicy: 'on-create' },
      { image: BUSYBOX_IMAGE, modules: [uniq('a')], present: true, registry: 'docker.io', pullPolicy: 'on-create' },
    ]);
  });

  it('sideloads a tarball sent from the page in chunks, lists it, and refuses chunks out of order or garbage', async () => {
    seq++;
    const { runtime } = await services();
    const work = mkdtempSync(join(tmpdir(), 'gh-sideload-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    const tag = `gatehouse/sideloaded-${runId}:1`;
    await docker.getImage(BUSYBOX_IMAGE).tag({ repo: `gatehouse/sideloaded-${runId}`, tag: '1' });
    unwrap(await saveImages(docker, [tag], join(work, 'images.tar')));
    await docker.getImage(tag).remove({ noprune: true });
    cleanups.push(async () => void (await docker.getImage(tag).remove({ noprune: true }).catch(() => undefined)));
    expect(unwrap(await runtime.listImages()).images.some((i) => i.tags.includes(tag))).toBe(false);

    const bytes = readFileSync(join(work, 'images.tar'));
    const { uploadId } = unwrap(await runtime.sideloadBegin({ fileName: 'images.tar', size: bytes.length }));
    expect(await runtime.sideloadChunk({ uploadId, offset: 5, data: '' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const chunk = Math.ceil(bytes.length / 3);
    let last: { received: number; loaded?: string[] } = { received: 0 };
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      last = unwrap(await runtime.sideloadChunk({ uploadId, offset, data: bytes.subarray(offset, offset + chunk).toString('base64') }));
    }
    expect(last).toEqual({ received: bytes.length, loaded: [tag] });
    expect(unwrap(await runtime.listImages()).images.find((i) => i.tags.includes(tag))).toMatchObject({ sizeBytes: expect.any(Number), createdAt: expect.stringMatching(/^\d{4}-/) });

    const garbage = Buffer.from('this is not a tarball'.repeat(100));
    const bad = unwrap(await runtime.sideloadBegin({ fileName: 'garbage.tar', size: garbage.length }));
    const refused = await runtime.sideloadChunk({ uploadId: bad.uploadId, offset: 0, data: garbage.toString('base64') });
    expect(refused.ok).toBe(false);
    expect(await runtime.sideloadChunk({ uploadId: bad.uploadId, offset: garbage.length, data: '' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
