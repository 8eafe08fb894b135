import { fail, ok, type Result } from '../../../shared/errors';
import type { ContainerCreateOptions, ContainerDriver } from '../drivers/driver';
import { containerSpec, type RuntimeContext } from './container-spec';
import type { AgentMemory } from './model';
import type { Step, StepKind } from './steps';
import { credentialsFor, registryOf, type RegistryCredential } from './registry-credentials';
import { neverPullFailure, pullFailure } from './step-failure';

export interface ExecContext {
  readonly driver: ContainerDriver;
  readonly runtime: RuntimeContext;
  readonly now: () => number;
  readonly memory: { get(): AgentMemory; set(next: AgentMemory): void };
  /** Seconds the engine waits after SIGTERM before SIGKILL. */
  readonly stopTimeoutSeconds: number;
  /** The deployment's registry credentials, matched to an image's registry. */
  readonly registryCredentials: readonly RegistryCredential[];
  readonly log?: (line: string) => void;
}

type Executor<S extends Step> = (step: S, ctx: ExecContext) => Promise<Result<void>>;

/** One executor per step kind. A kind added to `Step` without an executor here fails to compile. */
export type Executors = { readonly [K in StepKind]: Executor<Extract<Step, { kind: K }>> };

const asVoid = <T>(result: Result<T>): Result<void> => (result.ok ? ok(undefined) : result);

export const EXECUTORS: Executors = {
  async ensureImage(step, { driver, registryCredentials, log }) {
    // Offline first: an image already on this machine (built, pulled or sideloaded) is used as it is.
    const image = await driver.inspectImage(step.image);
    if (image.ok) return ok(undefined);
    if (image.error.code !== 'NOT_FOUND') return image;
    if (step.pullPolicy === 'never') {
      const failure = neverPullFailure(step.image, step.module);
      return fail('NOT_FOUND', failure.summary, { summary: failure.summary });
    }
    let last = 0;
    const pulled = await driver.pullImage(step.image, {
      auth: credentialsFor(step.image, registryCredentials),
      onProgress: (p) => {
        if (p.kind !== 'layer' || Date.now() - last < 1000) return;
        last = Date.now();
        log?.(`agent: pulling ${step.image}: ${p.status} ${p.id}${p.total ? ` ${Math.round((100 * (p.current ?? 0)) / p.total)}%` : ''}`);
      },
    });
    if (pulled.ok) return ok(undefined);
    if (pulled.error.code === 'ENGINE_UNAVAILABLE' || pulled.error.code === 'TIMEOUT') return pulled;
    // A sentence first; the engine's own words (which may name an HTTP status) only as detail.
    const engineText = (pulled.error.details as { engineMessage?: unknown } | undefined)?.engineMessage;
    const failure = pullFailure(step.image, step.module, typeof engineText === 'string' ? engineText : pulled.error.message);
    return fail('NOT_FOUND', failure.summary, { summary: failure.summary, engineMessage: failure.detail, registry: registryOf(step.image) });
  },
  async create(step, ctx) {
    return asVoid(await ctx.driver.createContainer(step.module, containerSpec(step.desired, ctx.runtime) as unknown as ContainerCreateOptions));
  },
  async start(step, { driver }) {
    return asVoid(await driver.startContainer(step.module));
  },
  // By container id: only the container the planner saw and judged managed, never a same-named one of someone else.
  async stop(step, { driver, stopTimeoutSeconds }) {
    const result = await driver.stopContainer(step.containerId, { timeoutSeconds: stopTimeoutSeconds });
    return !result.ok && result.error.code === 'NOT_FOUND' ? ok(undefined) : asVoid(result);
  },
  async remove(step, { driver }) {
    const result = await driver.removeContainer(step.containerId, { force: true });
    return !result.ok && result.error.code === 'NOT_FOUND' ? ok(undefined) : result;
  },
  async restart(step, ctx) {
    // IoT Edge: stop, then start; then record restartCount + 1 and the time.
    const stopped = await ctx.driver.stopContainer(step.containerId, { timeoutSeconds: ctx.stopTimeoutSeconds });
    if (!stopped.ok) return stopped;
    const started = await ctx.driver.startContainer(step.containerId);
    if (!started.ok) return started;
    const memory = ctx.memory.get();
    ctx.memory.set({ ...memory, [step.module]: { restartCount: step.restartCount + 1, lastRestartTime: new Date(ctx.now()).toISOString() } });
    return ok(undefined);
  },
  async forgetRestarts(step, ctx) {
    const { [step.module]: _forgotten, ...rest } = ctx.memory.get();
    ctx.memory.set(rest);
    return ok(undefined);
  },
  async wait() {
    return ok(undefined);
  },
  async blocked(step) {
    return fail('CONFLICT', `Module ${step.module} cannot be created: a container named ${step.module} belongs to ${step.owner} and is not managed here. Gatehouse leaves it alone; rename the module, or remove that container yourself.`);
  },
};

export function execute(step: Step, ctx: ExecContext): Promise<Result<void>> {
  return (EXECUTORS[step.kind] as Executor<Step>)(step, ctx);
}
