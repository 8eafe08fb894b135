import type Dockerode from 'dockerode';
import { rmSync } from 'node:fs';
import { removeTestResources, waitFor } from '../runtime/drivers/test-engine.test-util';
import type { Host } from './host';

/** Waits until the host's edge hub and embedded local hub both run (their ports bound, their stores open). */
export async function waitForHubs(host: Pick<Host, 'dispatcher'>, timeoutMs = 60_000): Promise<void> {
  const state = async (method: string) => {
    const result = await host.dispatcher.invoke(method, {});
    return result.ok ? (result.value as { state: string }).state : undefined;
  };
  await waitFor('the edge hub and the local hub to run', async () => ((await state('edgehub.state')) === 'running' && (await state('localhub.state')) === 'running' ? true : undefined), timeoutMs);
}

/**
 * The end of an engine test's host: its agent's pass in flight finishes first (a container it is creating would
 * otherwise outlive the cleanup), then the host stops, the run's containers go, and the folders are removed.
 */
export async function disposeEngineHost(host: Host | undefined, docker: Dockerode | undefined, runId: string, ...folders: string[]): Promise<void> {
  await host?.agent.settled().catch(() => undefined);
  host?.dispose();
  if (docker) await removeTestResources(docker, runId);
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}
