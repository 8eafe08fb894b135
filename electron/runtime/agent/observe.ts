import { ok, type Result } from '../../../shared/errors';
import type { ContainerDetails, ContainerDriver } from '../drivers/driver';
import { CONFIG_HASH_LABEL, DATA_DIR_LABEL, INSTANCE_LABEL, ORIGINAL_IMAGE_LABEL, OWNER_LABEL, OWNER_VALUE, type ObservedContainer, type ObservedModule, type RawStatus } from './model';
import { withOwners, type OwnershipContext } from './ownership';

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

export function observedFrom(details: ContainerDetails): ObservedContainer {
  return {
    name: details.name,
    containerId: details.id,
    image: details.labels[ORIGINAL_IMAGE_LABEL] ?? details.image,
    configHash: details.labels[CONFIG_HASH_LABEL],
    instanceLabel: details.labels[INSTANCE_LABEL],
    dataDirLabel: details.labels[DATA_DIR_LABEL],
    raw: rawStatus(details),
    exitCode: details.exitCode ?? 0,
    statusDescription: details.error || details.status,
    startedAt: details.startedAt,
    finishedAt: details.finishedAt,
  };
}

/**
 * Inspect results by container, reused while the container's state is unchanged and no event arrived for it:
 * an idle reconcile is then one list call instead of one inspect per module.
 */
export class ObservationCache {
  private readonly entries = new Map<string, { readonly state: string; readonly module: ObservedContainer }>();

  get(id: string, state: string): ObservedContainer | undefined {
    const entry = this.entries.get(id);
    return entry?.state === state ? entry.module : undefined;
  }

  set(id: string, state: string, module: ObservedContainer): void {
    this.entries.set(id, { state, module });
  }

  invalidate(id?: string): void {
    if (id === undefined) this.entries.clear();
    else this.entries.delete(id);
  }

  retain(ids: ReadonlySet<string>): void {
    for (const id of this.entries.keys()) if (!ids.has(id)) this.entries.delete(id);
  }
}

/**
 * Every container with IoT Edge's owner label, as the engine shows it now, with whose it is (`ownership.ts`): the
 * agent manages only its own, and shows the others as not managed here. Containers without IoT Edge's owner label
 * are invisible to the agent.
 */
export async function observe(driver: ContainerDriver, ownership: OwnershipContext, cache?: ObservationCache): Promise<Result<ObservedModule[]>> {
  const list = await driver.listContainers({ all: true, labels: { [OWNER_LABEL]: OWNER_VALUE } });
  if (!list.ok) return list;
  const observed: ObservedContainer[] = [];
  for (const summary of list.value) {
    const cached = cache?.get(summary.id, summary.state);
    if (cached) {
      observed.push(cached);
      continue;
    }
    const details = await driver.inspectContainer(summary.id);
    if (details.ok) {
      const module = observedFrom(details.value);
      cache?.set(summary.id, details.value.state, module);
      observed.push(module);
    } else if (details.error.code !== 'NOT_FOUND') return details; // NOT_FOUND: removed between list and inspect
  }
  cache?.retain(new Set(list.value.map((c) => c.id)));
  return ok(withOwners(observed, ownership));
}
