import type { DesiredModule, ImagePullPolicy } from './model';

/**
 * Steps are data: the planner returns them, the plan preview shows them, the executor map runs them.
 * Every kind needs an executor (see agent.executor.ts): a kind without one fails to compile.
 * Steps that act on an existing container name it by id, so they can only ever touch the container the planner
 * saw (and judged ours), never another one that has, or takes, the same name.
 */
export type Step =
  | { readonly kind: 'ensureImage'; readonly module: string; readonly image: string; readonly pullPolicy: ImagePullPolicy }
  | { readonly kind: 'create'; readonly module: string; readonly desired: DesiredModule }
  | { readonly kind: 'start'; readonly module: string }
  | { readonly kind: 'stop'; readonly module: string; readonly containerId: string }
  | { readonly kind: 'remove'; readonly module: string; readonly containerId: string }
  | { readonly kind: 'restart'; readonly module: string; readonly containerId: string; readonly restartCount: number }
  | { readonly kind: 'forgetRestarts'; readonly module: string }
  /** Nothing to do yet: a module in backoff waits for its cool-off. Executes as a no-op. */
  | { readonly kind: 'wait'; readonly module: string; readonly until: string }
  /** The module's name is taken by a container not managed here (`owner` says whose): it is left alone, and this fails. */
  | { readonly kind: 'blocked'; readonly module: string; readonly owner: string };

export type StepKind = Step['kind'];

export interface PlannedStep {
  readonly step: Step;
  /** Stable id for retries and logs, e.g. `create:tempSensor`. */
  readonly id: string;
  /** Why the planner chose it, for the plan preview. */
  readonly reason: string;
}

export function planned(step: Step, reason: string): PlannedStep {
  return { step, id: `${step.kind}:${step.module}`, reason };
}

/** Steps that stop or delete a container (a recreate is a remove then a create): marked in the plan preview. */
export function isDestructive(step: Step): boolean {
  switch (step.kind) {
    case 'stop':
    case 'remove':
      return true;
    case 'ensureImage':
    case 'create':
    case 'start':
    case 'restart':
    case 'forgetRestarts':
    case 'wait':
    case 'blocked':
      return false;
  }
}

/** One line per step, as the plan preview and `gatehouse runtime apply --dry-run` show it. */
export function describeStep({ step, reason }: PlannedStep): string {
  switch (step.kind) {
    case 'blocked':
      return `cannot create ${step.module}: a container with that name belongs to ${step.owner} and is not managed here, so Gatehouse leaves it alone (${reason})`;
    case 'ensureImage':
      return `ensure image ${step.image} for ${step.module} (${reason})`;
    case 'create':
      return `create ${step.module} from ${step.desired.image} (${reason})`;
    case 'restart':
      return `restart ${step.module}, restart #${step.restartCount + 1} (${reason})`;
    case 'wait':
      return `wait for ${step.module} until ${step.until} (${reason})`;
    case 'start':
    case 'stop':
    case 'remove':
    case 'forgetRestarts':
      return `${step.kind === 'forgetRestarts' ? 'forget restarts of' : step.kind} ${step.module} (${reason})`;
  }
}
