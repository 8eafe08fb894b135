import { ok, type Result } from '../../../shared/errors';
import type { ContainerDetails, ContainerDriver } from '../drivers/driver';
import { CONFIG_HASH_LABEL, ORIGINAL_IMAGE_LABEL, OWNER_LABEL, OWNER_VALUE, type ObservedModule, type RawStatus } from './model';

/** Docker state → IoT Edge raw module status (edgelet `runtime_state`, EDGE-CONTRACTS.md §3.2). */
export function rawStatus(details: Pick<ContainerDetails, 'state' | 'exitCode'>): RawStatus {
  switch (details.state) {
    case 'running':
      return 'running';
    case 'created':
    case 'paused':
    case 'restarting':
      return 'stopped';
    case 'exited':
    case 'removing':
      return (details.exitCode ?? 0) === 0 ? 'stopped' : 'failed';
    case 'dead':
      return 'dead';
    case 'unknown':
      return 'unknown';
  }
}

export function observedFrom(details: ContainerDetails): ObservedModule {
  return {
    name: details.name,
    containerId: details.id,
    image: details.labels[ORIGINAL_IMAGE_LABEL] ?? details.image,
    configHash: details.labels[CONFIG_HASH_LABEL],
    raw: rawStatus(details),
    exitCode: details.exitCode ?? 0,
    statusDescription: details.error || details.status,
    startedAt: details.startedAt,
    finishedAt: details.finishedAt,
  };
}

/**
 * The modules the agent owns, as the engine shows them now. Containers without IoT Edge's owner label are
 * invisible to the agent and never touched.
 */
export async function observe(driver: ContainerDriver): Promise<Result<ObservedModule[]>> {
  const list = await driver.listContainers({ all: true, labels: { [OWNER_LABEL]: OWNER_VALUE } });
  if (!list.ok) return list;
  const observed: ObservedModule[] = [];
  for (const summary of list.value) {
    const details = await driver.inspectContainer(summary.id);
    if (details.ok) observed.push(observedFrom(details.value));
    else if (details.error.code !== 'NOT_FOUND') return details; // NOT_FOUND: removed between list and inspect
  }
  return ok(observed);
}
