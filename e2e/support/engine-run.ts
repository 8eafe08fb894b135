import type Dockerode from 'dockerode';
import { testDeployment } from '../../electron/runtime/agent/agent.test-util';
import { rpc, type ServedConsole } from './served-console';

/**
 * Ends a flow's use of the engine: an empty deployment first (or the agent would recreate what is removed), up to
 * 10 s for the run's containers to go, then whatever is left is removed by force.
 */
export async function clearEngineRun(served: ServedConsole, docker: Dockerode, runId: string): Promise<void> {
  await rpc(served, 'runtime.apply', { text: testDeployment(runId, {}), overrideForeignRuntime: true });
  const labelled = () => docker.listContainers({ all: true, filters: { label: [`gatehouse.test=${runId}`] } });
  for (let i = 0; i < 40 && (await labelled()).length > 0; i++) await new Promise((r) => setTimeout(r, 250));
  await Promise.all((await labelled()).map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}
