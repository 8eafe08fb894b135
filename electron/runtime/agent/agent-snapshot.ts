import type { ObservedModule, RuntimeStatus } from './model';
import type { DeploymentStatusCode } from './reported';

export type AgentState =
  | { readonly state: 'idle' }
  | { readonly state: 'reconciling'; readonly version: number; readonly step?: string; readonly done?: number; readonly total?: number }
  | { readonly state: 'converged'; readonly version: number }
  | { readonly state: 'failing'; readonly version: number; readonly reason: string }
  | { readonly state: 'engineUnavailable'; readonly reason: string };

/** One row of the modules table. */
export interface ModuleRow {
  readonly name: string;
  readonly image: string;
  readonly desiredStatus: 'running' | 'stopped';
  readonly runtimeStatus: RuntimeStatus;
  readonly exitCode: number | undefined;
  readonly restartCount: number;
  readonly startedAt: string | undefined;
  readonly finishedAt: string | undefined;
  readonly lastRestartTime: string | undefined;
  readonly containerId: string | undefined;
  readonly restartPolicy: string;
  readonly startupOrder: number;
  /** When the agent next tries this module again (ISO): a restart after its backoff cool-off, or a failed step's retry. */
  readonly nextRetryAt: string | undefined;
  /** The last failed step of this module, in words, until a step of it succeeds (see step-failure.ts). */
  readonly problem: ModuleProblem | undefined;
}

export interface ModuleProblem {
  readonly summary: string;
  readonly detail?: string;
  /** When it failed (ISO). */
  readonly at: string;
  /** The step has used up its retries: it runs again after the next apply (or a sideload). */
  readonly gaveUp?: boolean;
}

/** What the agent publishes after every reconcile. */
export interface AgentSnapshot {
  readonly state: AgentState;
  readonly version: number;
  /** The version of the last completed reconcile pass (0: none since the agent started). */
  readonly reconciledVersion: number;
  readonly appliedAt: string | undefined;
  readonly modules: readonly ModuleRow[];
  readonly lastPlan: readonly string[];
  readonly lastDesiredStatus: { readonly code: DeploymentStatusCode; readonly description: string };
  /** Containers this Gatehouse manages (its instance label, or adopted). */
  readonly observed: readonly ObservedModule[];
  /** Containers with IoT Edge's labels that it does not manage: shown, never touched. */
  readonly notManaged: readonly ObservedModule[];
  /** Signs of a real IoT Edge runtime on this engine (empty when none). */
  readonly foreignRuntime: readonly string[];
}
