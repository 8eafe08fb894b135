import type { AgentMemory, DesiredModule, DesiredState, ObservedModule, RestartSettings, RestartStats } from './model';
import { computeRuntimeStatus, isPastIntensiveCare, restartDue } from './restart-policy';
import { planned, type PlannedStep } from './steps';

export interface PlanInput {
  readonly desired: DesiredState;
  /** The desired state the last plan was made for: a status-only change from stopped to running is a plain start. */
  readonly previous?: DesiredState;
  /** Containers the agent owns (owner label), as the driver sees them now. */
  readonly observed: readonly ObservedModule[];
  readonly memory: AgentMemory;
  readonly now: number;
  readonly settings: RestartSettings;
}

const NO_STATS: RestartStats = { restartCount: 0, lastRestartTime: undefined };

/**
 * The pure planner (HealthRestartPlanner semantics, EDGE-CONTRACTS.md §3.3–3.4): image steps hoisted to the
 * front, owned containers that are no longer desired removed first, then modules by ascending startupOrder.
 * It reads its inputs and returns steps; it never does I/O and never mutates what it is given.
 */
export function plan(input: PlanInput): PlannedStep[] {
  const observed = new Map(input.observed.map((o) => [o.name, o]));
  const desiredNames = new Set(input.desired.modules.map((m) => m.name));
  const ordered = [...input.desired.modules].sort((a, b) => a.startupOrder - b.startupOrder || a.name.localeCompare(b.name));
  const steps: PlannedStep[] = [];

  for (const module of ordered) {
    const current = observed.get(module.name);
    if (!current || current.configHash !== module.configHash || current.raw === 'dead') {
      steps.push(planned({ kind: 'ensureImage', module: module.name, image: module.image, pullPolicy: module.imagePullPolicy }, 'before create'));
    }
  }

  for (const current of [...input.observed].sort((a, b) => a.name.localeCompare(b.name))) {
    if (desiredNames.has(current.name)) continue;
    if (current.raw === 'running') steps.push(planned({ kind: 'stop', module: current.name }, 'no longer in the deployment'));
    steps.push(planned({ kind: 'remove', module: current.name }, 'no longer in the deployment'));
    if (input.memory[current.name]) steps.push(planned({ kind: 'forgetRestarts', module: current.name }, 'removed'));
  }

  for (const module of ordered) steps.push(...planModule(module, observed.get(module.name), input));
  return steps;
}

function planModule(module: DesiredModule, current: ObservedModule | undefined, input: PlanInput): PlannedStep[] {
  const name = module.name;
  const stats = input.memory[name];
  const startIfRunning = module.status === 'running' ? [planned({ kind: 'start', module: name }, 'desired status is running')] : [];
  const forget = stats ? [planned({ kind: 'forgetRestarts', module: name }, 'module replaced')] : [];

  if (!current) return [planned({ kind: 'create', module: name, desired: module }, 'new module'), ...startIfRunning, ...forget];

  if (current.raw === 'dead' || current.configHash !== module.configHash) {
    const reason = current.raw === 'dead' ? 'container is dead' : 'image, createOptions, env or settings changed';
    return [
      ...(current.raw === 'running' ? [planned({ kind: 'stop', module: name }, reason)] : []),
      planned({ kind: 'remove', module: name }, reason),
      planned({ kind: 'create', module: name, desired: module }, reason),
      ...startIfRunning,
      ...forget,
    ];
  }

  if (module.status === 'stopped') {
    return [...(current.raw === 'running' ? [planned({ kind: 'stop', module: name }, 'desired status is stopped')] : []), ...forget];
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
      ? [planned({ kind: 'restart', module: name, restartCount: stats.restartCount }, `exited with ${current.exitCode}, policy ${module.restartPolicy}`)]
      : [planned({ kind: 'wait', module: name, until: new Date(at).toISOString() }, `backoff after ${stats.restartCount} restarts`)];
  }
  const neverStarted = current.startedAt === undefined;
  if (status === 'stopped' && (module.restartPolicy !== 'never' || neverStarted)) {
    return [planned({ kind: 'start', module: name }, neverStarted ? 'created, never started' : `exited with 0, policy ${module.restartPolicy}`)];
  }
  if (status === 'failed' && neverStarted) return [planned({ kind: 'start', module: name }, 'created, never started')];
  return [];
}
