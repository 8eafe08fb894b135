import type { AgentMemory, DesiredModule, DesiredState, ObservedModule, RestartSettings, RestartStats } from './model';
import { describeOwner, isManaged } from './ownership';
import { computeRuntimeStatus, isPastIntensiveCare, restartDue } from './restart-policy';
import { planned, type PlannedStep } from './steps';

export interface PlanInput {
  readonly desired: DesiredState;
  /** The desired state the last plan was made for: a status-only change from stopped to running is a plain start. */
  readonly previous?: DesiredState;
  /**
   * Every container with IoT Edge's owner label, as the driver sees it now, each with its `owner` (ownership.ts).
   * Only managed ones (this instance's, or adopted) are ever stopped, removed or recreated.
   */
  readonly observed: readonly ObservedModule[];
  readonly memory: AgentMemory;
  readonly now: number;
  readonly settings: RestartSettings;
}

const NO_STATS: RestartStats = { restartCount: 0, lastRestartTime: undefined };

/**
 * The pure planner (HealthRestartPlanner semantics, EDGE-CONTRACTS.md §3.3–3.4): image steps hoisted to the
 * front, managed containers that are not desired removed first, then modules by ascending startupOrder.
 * Containers not managed here are never in a step, except to say that a desired module's name is taken.
 * It reads its inputs and returns steps; it never does I/O and never mutates what it is given.
 */
export function plan(input: PlanInput): PlannedStep[] {
  const managed = input.observed.filter((o) => isManaged(o.owner));
  const observed = new Map(managed.map((o) => [o.name, o]));
  const foreign = new Map(input.observed.filter((o) => !isManaged(o.owner)).map((o) => [o.name, o]));
  const desiredNames = new Set(input.desired.modules.map((m) => m.name));
  const ordered = [...input.desired.modules].sort((a, b) => a.startupOrder - b.startupOrder || a.name.localeCompare(b.name));
  const steps: PlannedStep[] = [];

  for (const module of ordered) {
    const current = observed.get(module.name);
    if (!current && foreign.has(module.name)) continue;
    if (!current || current.configHash !== module.configHash || current.raw === 'dead') {
      steps.push(planned({ kind: 'ensureImage', module: module.name, image: module.image, pullPolicy: module.imagePullPolicy }, 'before create'));
    }
  }

  const previousNames = new Set(input.previous?.modules.map((m) => m.name));
  for (const current of [...managed].sort((a, b) => a.name.localeCompare(b.name))) {
    if (desiredNames.has(current.name)) continue;
    const reason = removalReason(current, previousNames.has(current.name));
    if (current.raw === 'running') steps.push(planned({ kind: 'stop', module: current.name, containerId: current.containerId }, reason));
    steps.push(planned({ kind: 'remove', module: current.name, containerId: current.containerId }, reason));
    if (input.memory[current.name]) steps.push(planned({ kind: 'forgetRestarts', module: current.name }, 'removed'));
  }

  for (const module of ordered) {
    const current = observed.get(module.name);
    const taken = current ? undefined : foreign.get(module.name);
    steps.push(...(taken ? [planned({ kind: 'blocked', module: module.name, owner: describeOwner(taken.owner) }, 'rename the module, or remove that container yourself')] : planModule(module, current, input)));
  }
  return steps;
}

/** Says why a managed container goes, without claiming a deployment that never was. */
function removalReason(current: ObservedModule, inPrevious: boolean): string {
  if (inPrevious) return 'in the previous deployment, not in this one';
  return current.owner.kind === 'adopted' ? 'created by an earlier Gatehouse on this data folder, not in this deployment' : 'created by this Gatehouse, not in this deployment';
}

function planModule(module: DesiredModule, current: ObservedModule | undefined, input: PlanInput): PlannedStep[] {
  const name = module.name;
  const stats = input.memory[name];
  const startIfRunning = module.status === 'running' ? [planned({ kind: 'start', module: name }, 'desired status is running')] : [];
  const forget = stats ? [planned({ kind: 'forgetRestarts', module: name }, 'module replaced')] : [];

  if (!current) return [planned({ kind: 'create', module: name, desired: module }, 'new module'), ...startIfRunning, ...forget];

  const containerId = current.containerId;
  if (current.raw === 'dead' || current.configHash !== module.configHash) {
    const reason = current.raw === 'dead' ? 'recreate: container is dead' : 'recreate: image, createOptions, env or settings changed';
    return [
      ...(current.raw === 'running' ? [planned({ kind: 'stop', module: name, containerId }, reason)] : []),
      planned({ kind: 'remove', module: name, containerId }, reason),
      planned({ kind: 'create', module: name, desired: module }, reason),
      ...startIfRunning,
      ...forget,
    ];
  }

  if (module.status === 'stopped') {
    return [...(current.raw === 'running' ? [planned({ kind: 'stop', module: name, containerId }, 'desired status is stopped')] : []), ...forget];
  }
  const wasStopped = input.previous?.modules.find((m) => m.name === name)?.status === 'stopped';
  if (wasStopped && current.raw !== 'running') return [planned({ kind: 'start', module: name }, 'desired status changed to running'), ...forget];
  return planRestart(module, current, stats ?? NO_STATS, input);
}

/** A module that should be running: keep it, start it, restart it after its cool-off, or leave it failed. */
function planRestart(module: DesiredModule, current: ObservedModule, stats: RestartStats, input: PlanInput): PlannedStep[] {
  const name = module.name;
  if (current.raw === 'running') {
    const healthy = stats.restartCount > 0 && isPastIntensiveCare(current.startedAt, current.raw, input.now, input.settings);
    return healthy ? [planned({ kind: 'forgetRestarts', module: name }, 'running for longer than the intensive-care time')] : [];
  }
  const status = computeRuntimeStatus(current.raw, module.restartPolicy, stats.restartCount, input.settings);
  if (status === 'backoff') {
    const { due, at } = restartDue(stats, current.finishedAt, input.now, input.settings);
    return due
      ? [planned({ kind: 'restart', module: name, containerId: current.containerId, restartCount: stats.restartCount }, `exited with ${current.exitCode}, policy ${module.restartPolicy}`)]
      : [planned({ kind: 'wait', module: name, until: new Date(at).toISOString() }, `backoff after ${stats.restartCount} restarts`)];
  }
  const neverStarted = current.startedAt === undefined;
  if (status === 'stopped' && (module.restartPolicy !== 'never' || neverStarted)) {
    return [planned({ kind: 'start', module: name }, neverStarted ? 'created, never started' : `exited with 0, policy ${module.restartPolicy}`)];
  }
  if (status === 'failed' && neverStarted) return [planned({ kind: 'start', module: name }, 'created, never started')];
  return [];
}
