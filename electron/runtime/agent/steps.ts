import type { DesiredModule, ImagePullPolicy } from './model';

/**
 * Steps are data: the planner returns them, the plan preview shows them, the executor map runs them.
 * Every kind needs an executor (see agent.executor.ts): a kind without one fails to compile.
 */
export type Step =
  | { readonly kind: 'ensureImage'; readonly module: string; readonly image: string; readonly pullPolicy: ImagePullPolicy }
  | { readonly kind: 'create'; readonly module: string; readonly desired: DesiredModule }
  | { readonly kind: 'start'; readonly module: string }
  | { readonly kind: 'stop'; readonly module: string }
  | { readonly kind: 'remove'; readonly module: string }
  | { readonly kind: 'restart'; readonly module: string; readonly restartCount: number }
  | { readonly kind: 'forgetRestarts'; readonly module: string }
  /** Nothing to do yet: a module in backoff waits for its cool-off. Executes as a no-op. */
  | { readonly kind: 'wait'; readonly module: string; readonly until: string };

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

/** One line per step, as the plan preview and `gatehouse runtime apply --dry-run` show it. */
export function describeStep({ step, reason }: PlannedStep): string {
  switch (step.kind) {
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
