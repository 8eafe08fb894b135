import type { ContainerOwner, DesiredModule, ObservedContainer, ObservedModule } from './model';

/**
 * Ownership, pure: which containers with IoT Edge's owner label this Gatehouse instance manages, and whether a real
 * IoT Edge runtime shares the engine. IoT Edge's label says "an IoT Edge agent made this", which is true of the
 * real runtime, of every Gatehouse data folder and of Gatehouse versions before instance labels; only our own
 * instance label says "this Gatehouse made this" (ARCHITECTURE.md, Decisions: ownership is explicit).
 */

export interface OwnershipContext {
  /** This data folder's instance id (`<data>/runtime/instance.json`). */
  readonly instanceId: string;
  /**
   * Migration from Gatehouse versions without the instance label: module name → configuration hashes of this
   * data folder's persisted deployments (the applied one and the one before). A container without the instance
   * label but with Gatehouse's config-hash label is adopted when its name and hash are one of these.
   */
  readonly adoptable: Readonly<Record<string, readonly string[]>>;
}

/** The names IoT Edge's own runtime gives its system modules' containers. */
export const IOT_EDGE_RUNTIME_CONTAINERS: readonly string[] = ['edgeAgent', 'edgeHub'];

export function ownerOf(container: ObservedContainer, ctx: OwnershipContext): ContainerOwner {
  if (container.instanceLabel !== undefined) {
    return container.instanceLabel === ctx.instanceId ? { kind: 'this' } : { kind: 'gatehouse', instanceId: container.instanceLabel, dataDir: container.dataDirLabel };
  }
  // IoT Edge never writes Gatehouse's config-hash label: without it, this is IoT Edge's (or imitates it).
  if (container.configHash === undefined) return { kind: 'iot-edge' };
  return ctx.adoptable[container.name]?.includes(container.configHash) ? { kind: 'adopted' } : { kind: 'earlier-gatehouse' };
}

export function withOwners(containers: readonly ObservedContainer[], ctx: OwnershipContext): ObservedModule[] {
  return containers.map((c) => ({ ...c, owner: ownerOf(c, ctx) }));
}

/** Containers this instance may stop, remove and recreate. */
export function isManaged(owner: ContainerOwner): boolean {
  switch (owner.kind) {
    case 'this':
    case 'adopted':
      return true;
    case 'gatehouse':
    case 'earlier-gatehouse':
    case 'iot-edge':
      return false;
  }
}

/** Who seems to own a container, for the status and the plan preview. */
export function describeOwner(owner: ContainerOwner): string {
  switch (owner.kind) {
    case 'this':
      return 'this Gatehouse';
    case 'adopted':
      return 'this Gatehouse (created by an earlier version on this data folder)';
    case 'gatehouse':
      return `another Gatehouse (instance ${owner.instanceId}${owner.dataDir ? `, data folder ${owner.dataDir}` : ''})`;
    case 'earlier-gatehouse':
      return 'a Gatehouse version without instance labels, not this data folder\'s deployment';
    case 'iot-edge':
      return 'IoT Edge runtime';
  }
}

/** `adoptable` from this data folder's persisted deployments. */
export function adoptableFrom(...deployments: readonly (readonly DesiredModule[] | undefined)[]): Record<string, string[]> {
  const adoptable: Record<string, string[]> = {};
  for (const modules of deployments) for (const m of modules ?? []) (adoptable[m.name] ??= []).push(m.configHash);
  return adoptable;
}

/**
 * Signs that the real IoT Edge runtime uses this engine: its edgeAgent/edgeHub containers (IoT Edge's labels,
 * no Gatehouse label) and the aziot services' sockets found on this machine. Empty when there are none.
 */
export function foreignRuntimeEvidence(observed: readonly ObservedModule[], aziotSockets: readonly string[]): string[] {
  const containers = observed
    .filter((o) => o.owner.kind === 'iot-edge' && IOT_EDGE_RUNTIME_CONTAINERS.includes(o.name))
    .map((o) => `container ${o.name}`)
    .sort();
  return [...containers, ...[...aziotSockets].sort().map((s) => `socket ${s}`)];
}
