import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerDriver } from '../drivers/docker/docker-driver';
import { DOCKER_SOCKET, newRunId, unwrap, waitFor, useTestEngine } from '../drivers/test-engine.test-util';
import { deriveRuntimeState } from '../../../shared/runtime/runtime-state';
import { Agent } from './agent';
import type { AgentSnapshot } from './agent-snapshot';
import { BESIDE_TEST_LOOKALIKES, testDeployment, TEST_RUNTIME, type TestModule } from './agent.test-util';

/**
 * A console restarted on the same data folder knows which deployment version its last pass finished and how it
 * ended, so its first word is the one it had ("running", "failing"), never "applying" for a deployment applied
 * before the restart.
 */

const runId = newRunId();
const cleanups: (() => Promise<void> | void)[] = [];
/** The runtime's word for a snapshot, as the host derives it (engine available). */
const word = (s: AgentSnapshot) =>
  deriveRuntimeState({ engine: { state: 'available' }, agent: s.state, version: s.version, reconciledVersion: s.reconciledVersion, lastDesiredStatus: s.lastDesiredStatus, modules: s.modules }).state;

useTestEngine({ runId, cleanups, onEngine: () => undefined });

function agentOn(dataDir: string): Agent {
  const driver = new DockerDriver({ socketPath: DOCKER_SOCKET });
  const agent = new Agent({ dataDir, driver, runtime: TEST_RUNTIME, periodMs: 60_000, stopTimeoutSeconds: 1 });
  cleanups.push(() => {
    agent.dispose();
    driver.dispose();
  });
  return agent;
}

/** Applies `modules` with a first agent, waits for `settledWord`, then starts a second agent on the same folder. */
async function wordsAfterRestart(modules: Record<string, TestModule>, settledWord: string): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gh-agent-restart-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const first = agentOn(dataDir);
  await first.start();
  unwrap(await first.apply(testDeployment(runId, modules), undefined, BESIDE_TEST_LOOKALIKES), 'apply');
  await waitFor(settledWord, async () => {
    first.schedule();
    await first.settled();
    return word(first.current) === settledWord ? true : undefined;
  });
  first.dispose();

  const second = agentOn(dataDir);
  const seen: AgentSnapshot[] = [];
  second.onDidChange((s) => seen.push(s));
  await second.start();
  await second.settled();
  return [...seen, second.current].filter((s) => s.version > 0).map(word);
}

describe('agent restarted on the same data folder', () => {
  it('with nothing to do, reads "running" at once', async () => {
    const words = await wordsAfterRestart({ [`restart-ok-${runId}`]: { cmd: ['run'] } }, 'running');
    expect(words.length).toBeGreaterThan(0);
    expect(new Set(words)).toEqual(new Set(['running']));
  }, 60_000);

  it('with a step that keeps failing, reads "failing" at once, not "applying" while it retries the step', async () => {
    const words = await wordsAfterRestart({ [`restart-fail-${runId}`]: { image: `127.0.0.1:5999/gatehouse-missing-${runId}:1.0` } }, 'failing');
    expect(words.length).toBeGreaterThan(0);
    expect(new Set(words)).toEqual(new Set(['failing']));
  }, 60_000);
});
