import { z } from 'zod';
import { defineContract } from './contract';
import { EngineStatus, RuntimeState } from './status.contract';

export const RuntimeStatusValue = z.enum(['unknown', 'backoff', 'running', 'unhealthy', 'stopped', 'failed', 'dead']);

export const ModuleRow = z.object({
  name: z.string(),
  image: z.string(),
  desiredStatus: z.enum(['running', 'stopped']),
  runtimeStatus: RuntimeStatusValue,
  exitCode: z.number().int().optional(),
  restartCount: z.number().int().nonnegative(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  lastRestartTime: z.string().optional(),
  containerId: z.string().optional(),
  restartPolicy: z.string(),
  startupOrder: z.number(),
  /** When the agent next tries this module again (ISO): its restart after a backoff cool-off, or a failed step's retry. */
  nextRetryAt: z.string().optional(),
  /**
   * Why the agent's last step for this module failed, until a step of it succeeds: a sentence (`summary`), the
   * engine's own words behind it (`detail`), and when (`at`, ISO). `gaveUp`: it is not retried before the next apply.
   */
  problem: z.object({ summary: z.string(), detail: z.string().optional(), at: z.string(), gaveUp: z.boolean().optional() }).optional(),
});
export type ModuleRow = z.infer<typeof ModuleRow>;

/**
 * The agent's state.
 *   idle ──apply──▶ reconciling ──▶ converged ◀──▶ reconciling ──▶ failing / engineUnavailable
 */
export const AgentState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('idle') }),
  z.object({ state: z.literal('reconciling'), version: z.number(), step: z.string().optional(), done: z.number().optional(), total: z.number().optional() }),
  z.object({ state: z.literal('converged'), version: z.number() }),
  z.object({ state: z.literal('failing'), version: z.number(), reason: z.string() }),
  z.object({ state: z.literal('engineUnavailable'), reason: z.string() }),
]);

/**
 * Whose a container is, for one that carries IoT Edge's labels but is not managed here: another Gatehouse
 * instance (its instance id and data folder), a Gatehouse version from before instance labels, or the IoT Edge
 * runtime. Such containers are shown read-only and never stopped, removed or recreated.
 */
export const ForeignOwner = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('gatehouse'), instanceId: z.string(), dataDir: z.string().optional() }),
  z.object({ kind: z.literal('earlier-gatehouse') }),
  z.object({ kind: z.literal('iot-edge') }),
]);
export type ForeignOwner = z.infer<typeof ForeignOwner>;

export const NotManagedRow = z.object({
  name: z.string(),
  image: z.string(),
  state: z.enum(['running', 'stopped', 'failed', 'dead', 'unknown']),
  containerId: z.string(),
  owner: ForeignOwner,
  /** Who seems to own it, in words ("IoT Edge runtime", "another Gatehouse (instance …, data folder …)"). */
  apparentOwner: z.string(),
});
export type NotManagedRow = z.infer<typeof NotManagedRow>;

export const RuntimeSnapshot = z.object({
  /** The runtime in one word, tone and sentence (shared/runtime/runtime-state.ts): the same value as `status.get().runtime`. */
  state: RuntimeState,
  agent: AgentState,
  engine: EngineStatus,
  version: z.number().int().nonnegative(),
  /** The version of the agent's last completed reconcile pass (0: none since it started). */
  reconciledVersion: z.number().int().nonnegative(),
  appliedAt: z.string().optional(),
  modules: z.array(ModuleRow),
  lastPlan: z.array(z.string()),
  lastDesiredStatus: z.object({ code: z.number().int(), description: z.string() }),
  network: z.string(),
  /** Containers with IoT Edge's labels that this Gatehouse does not manage. */
  notManaged: z.array(NotManagedRow),
  /** Signs of a real IoT Edge runtime on this engine ("container edgeAgent", "socket /run/aziot/keyd.sock"). */
  foreignRuntime: z.array(z.string()),
});
export type RuntimeSnapshot = z.infer<typeof RuntimeSnapshot>;

/** `destructive`: the step stops or deletes a container (stop, remove; a recreate removes first). */
export const PlanStep = z.object({ id: z.string(), kind: z.string(), module: z.string(), description: z.string(), destructive: z.boolean() });
export type PlanStep = z.infer<typeof PlanStep>;

export const LogLine = z.object({ stream: z.enum(['stdout', 'stderr']), line: z.string(), timestamp: z.string().optional() });
export type LogLine = z.infer<typeof LogLine>;

/** Bytes per sideload chunk: its base64 (SIDELOAD_CHUNK_CHARS) fits one transport message (MAX_FRAME_BYTES, 8 MiB). */
export const SIDELOAD_CHUNK_BYTES = 3 * 1024 * 1024;
const SIDELOAD_CHUNK_CHARS = (SIDELOAD_CHUNK_BYTES / 3) * 4;

export const EngineImage = z.object({ id: z.string(), tags: z.array(z.string()), sizeBytes: z.number(), createdAt: z.string() });
export type EngineImage = z.infer<typeof EngineImage>;

/** An image the plan needs, and whether this machine's engine has it (apply pulls a missing one: offline, that fails). */
export const ImageNeed = z.object({
  image: z.string(),
  modules: z.array(z.string()),
  present: z.boolean(),
  registry: z.string(),
  pullPolicy: z.enum(['on-create', 'never']),
});
export type ImageNeed = z.infer<typeof ImageNeed>;

const ModuleName = z.object({ name: z.string().min(1).max(256) }).strict();
const DeploymentText = z.object({ text: z.string().max(4 * 1024 * 1024), fileName: z.string().max(1024).optional() }).strict();
/**
 * `overrideForeignRuntime`: apply even though a real IoT Edge runtime uses the engine (refused otherwise, CONFLICT).
 * `overrideCloud`: apply although the cloud's `$edgeAgent` desired properties drive this runtime (refused otherwise,
 * CONFLICT with details.reason `cloud-drives`); the local deployment stands until the cloud sends a new version.
 */
const ApplyInput = z
  .object({ text: z.string().max(4 * 1024 * 1024), fileName: z.string().max(1024).optional(), overrideForeignRuntime: z.boolean().optional(), overrideCloud: z.boolean().optional() })
  .strict();

export const runtimeContract = defineContract({
  name: 'runtime',
  methods: {
    status: { input: z.object({}).strict(), output: RuntimeSnapshot, summary: 'Agent state, engine and the modules table.' },
    preview: {
      input: DeploymentText,
      output: z.object({ steps: z.array(PlanStep), images: z.array(ImageNeed), notes: z.array(z.string()), notManaged: z.array(NotManagedRow), foreignRuntime: z.array(z.string()) }),
      summary:
        'Validate a deployment and show the plan, changing nothing; says which images it needs are missing on this machine, what is not managed here and whether a real IoT Edge runtime is present.',
    },
    apply: {
      input: ApplyInput,
      output: z.object({ version: z.number().int(), plan: z.array(z.string()), notes: z.array(z.string()) }),
      summary: 'Validate and apply a deployment; an invalid one is refused whole, and so is any beside a real IoT Edge runtime without overrideForeignRuntime.',
    },
    restartModule: {
      input: ModuleName,
      output: z.object({ outcome: z.enum(['restarted', 'started']) }),
      summary:
        'Restart a module (the $edgeAgent RestartModule method): `started` when its container was not running (it starts now, without waiting for its backoff). Refused (CONFLICT) for a module stopped on purpose: Start it instead.',
    },
    setModuleStatus: {
      input: z.object({ name: z.string().min(1), status: z.enum(['running', 'stopped']) }).strict(),
      output: z.object({ version: z.number().int(), previousVersion: z.number().int(), changed: z.boolean() }),
      summary:
        'Start or stop a module by changing its desired status in the applied deployment: a new deployment version (previousVersion → version). Nothing changes (changed: false) when it already has that status.',
    },
    setModulesStatus: {
      input: z.object({ names: z.array(z.string().min(1).max(256)).min(1).max(1000).optional(), status: z.enum(['running', 'stopped']) }).strict(),
      output: z.object({ version: z.number().int(), previousVersion: z.number().int(), changed: z.array(z.string()), unchanged: z.array(z.string()) }),
      summary:
        'Start or stop every module of the applied deployment (or the named ones) at once: their desired status changes in one new deployment version (previousVersion → version), which the agent then brings about and keeps across restarts. `changed` lists the modules whose status changed; none changed: no new version.',
    },
    moduleDetails: {
      input: ModuleName,
      output: z.object({
        name: z.string(),
        image: z.string(),
        containerId: z.string().optional(),
        createOptions: z.record(z.string(), z.unknown()),
        env: z.array(z.object({ name: z.string(), value: z.string(), masked: z.boolean() })),
        labels: z.record(z.string(), z.string()),
      }),
      summary: 'Effective createOptions and environment of a module, secrets masked.',
    },
    logs: {
      input: z.object({ name: z.string().min(1), tail: z.number().int().positive().max(100_000).optional(), since: z.string().optional() }).strict(),
      output: z.object({ lines: z.array(LogLine) }),
      summary: 'Recent log lines of a module.',
    },
    followLogs: {
      input: z.object({ name: z.string().min(1), tail: z.number().int().nonnegative().max(100_000).optional() }).strict(),
      output: z.object({ streamId: z.string() }),
      summary: 'Start streaming a module log, across its runs (restarts); lines arrive as runtime.logLines events.',
    },
    stopLogs: { input: z.object({ streamId: z.string() }).strict(), output: z.object({}), summary: 'Stop a log stream.' },
    sideloadBegin: {
      input: z.object({ fileName: z.string().min(1).max(1024), size: z.number().int().positive().max(64 * 1024 ** 3) }).strict(),
      output: z.object({ uploadId: z.string() }),
      summary: 'Start sideloading a tarball picked in the page: its bytes follow with sideloadChunk, in order, straight into the engine.',
    },
    sideloadChunk: {
      input: z.object({ uploadId: z.string().max(64), offset: z.number().int().nonnegative(), data: z.string().max(SIDELOAD_CHUNK_CHARS) }).strict(),
      output: z.object({ received: z.number().int(), loaded: z.array(z.string()).optional() }),
      summary: 'The next chunk of an upload (base64, at most SIDELOAD_CHUNK_BYTES); the last one answers with the images loaded.',
    },
    sideloadCancel: { input: z.object({ uploadId: z.string().max(64) }).strict(), output: z.object({}), summary: 'Drop an upload (the engine loads nothing of it).' },
    listImages: {
      input: z.object({}).strict(),
      output: z.object({ images: z.array(EngineImage) }),
      summary: "The images on this machine's engine (what modules can run offline).",
    },
    sideload: {
      input: z.object({ path: z.string().min(1).max(4096) }).strict(),
      output: z.object({ loaded: z.array(z.string()) }),
      summary: 'Load images from a tarball (docker save) on this machine: offline sideloading.',
    },
    invokeMethod: {
      input: z.object({ methodName: z.string().min(1).max(256), payload: z.unknown().optional() }).strict(),
      output: z.object({ status: z.number().int(), payload: z.unknown().optional() }),
      summary: 'Invoke an $edgeAgent direct method (ping, RestartModule, GetModuleLogs) locally.',
    },
    reported: { input: z.object({}).strict(), output: z.record(z.string(), z.unknown()), summary: '$edgeAgent reported properties in IoT Edge shape.' },
    runSample: {
      input: z.object({}).strict(),
      output: z.object({
        version: z.number().int(),
        images: z.array(z.object({ tag: z.string(), outcome: z.enum(['cached', 'retagged', 'built']) })),
        modules: z.array(z.string()),
      }),
      summary: 'Build the sample module images on this engine (no registry) and apply the sample deployment: temperature sensor → filter → $upstream.',
    },
  },
  events: {
    changed: RuntimeSnapshot,
    /**
     * `waiting`: true when the module's container stopped running (the stream goes on when it starts again), false
     * when it runs again; `done`: the stream is over (stopped, or the engine failed: `error`).
     */
    logLines: z.object({ streamId: z.string(), lines: z.array(LogLine), waiting: z.boolean().optional(), done: z.boolean().optional(), error: z.string().optional() }),
    sideloadProgress: z.object({ path: z.string(), bytes: z.number(), total: z.number(), message: z.string().optional() }),
  },
});
