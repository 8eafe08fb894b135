import { resolve } from 'node:path';
import { fail, ok, type Result } from '../../../shared/errors';
import { validateManifest } from '../../../shared/manifest';
import type { ContainerDriver } from '../drivers/driver';
import { Emitter, type Event } from '../drivers/event';
import type { Disposable } from '../drivers/disposable';
import { plan } from './agent.planner';
import { execute, type ExecContext } from './agent.executor';
import { AgentStateStore, type InstanceInfo, type LastPass, type PersistedDeployment } from './agent-state.store';
import { AZIOT_SOCKET_PATHS, findAziotSockets } from './aziot-sockets';
import type { SecretBox } from '../secrets/secret-box';
import type { RuntimeContext } from './container-spec';
import { deploymentFrom, type Deployment } from './desired-state';
import { IOT_EDGE_RESTART_SETTINGS, type AgentMemory, type DesiredState, type ObservedModule, type RestartSettings } from './model';
import { observe, ObservationCache } from './observe';
import { adoptableFrom, foreignRuntimeEvidence, isManaged, type OwnershipContext } from './ownership';
import { DEPLOYMENT_STATUS, moduleRuntimeStatus, type DeploymentStatusCode } from './reported';
import { registryOf } from './registry-credentials';
import { restartDue } from './restart-policy';
import { RetryTracker } from './retry-tracker';
import { describeFailure, type StepFailure } from './step-failure';
import { describeStep, type PlannedStep } from './steps';
import { invokeAgentMethod, type MethodResponse } from './direct-methods';
import type { LogLine } from '../drivers/driver';
import type { ModuleRow, AgentSnapshot, AgentState } from './agent-snapshot';
import { desiredSourceOf, overriddenCloudVersion, type DesiredSource } from './desired-source';

export interface AgentOptions {
  readonly dataDir: string;
  readonly driver: ContainerDriver;
  readonly runtime: RuntimeContext;
  readonly settings?: RestartSettings;
  /** The reconcile period (IoT Edge: 5 s). */
  readonly periodMs?: number;
  readonly now?: () => number;
  readonly stopTimeoutSeconds?: number;
  readonly log?: (line: string) => void;
  /**
   * Called before each plan with the deployment's module names: makes identities and workload sockets follow
   * the deployment and returns each module's generation id.
   */
  readonly prepareModules?: (names: readonly string[]) => Promise<Result<Record<string, string>>>;
  /** Seals the persisted deployment (it can hold registry passwords). */
  readonly secrets?: SecretBox;
  /** Where the real IoT Edge runtime's sockets would be (default AZIOT_SOCKET_PATHS); a sign that it runs here. */
  readonly aziotSocketPaths?: readonly string[];
}

export interface ApplyOptions {
  /** Apply although a real IoT Edge runtime uses this engine (its containers are still never touched). */
  readonly overrideForeignRuntime?: boolean;
  /** Applied from the cloud: the `$edgeAgent` desired `$version` this deployment was built from. */
  readonly cloudVersion?: number;
  /** A local apply while the cloud drives the desired state: the explicit override (refused without it, CONFLICT). */
  readonly overrideCloud?: boolean;
}

/** An image the plan needs (an ensureImage step), and whether this machine's engine has it now. */
export interface ImageNeed {
  readonly image: string;
  readonly modules: readonly string[];
  readonly present: boolean;
  /** Where apply would pull it from when missing (offline, that fails: sideload it). */
  readonly registry: string;
  /** `never`: a missing image is not pulled at all (some module says imagePullPolicy never). */
  readonly pullPolicy: 'on-create' | 'never';
}

export interface PreviewResult {
  readonly plan: PlannedStep[];
  /** The images the plan needs, each with whether it is on this machine (missing ones first). */
  readonly images: readonly ImageNeed[];
  readonly deployment: Deployment;
  /** Containers with IoT Edge's labels that this Gatehouse does not manage, and will not touch. */
  readonly notManaged: readonly ObservedModule[];
  /** Signs of a real IoT Edge runtime on this engine (see ownership.ts); apply refuses without an override. */
  readonly foreignRuntime: readonly string[];
}

export interface ApplyResult {
  readonly version: number;
  readonly plan: readonly string[];
  /** What of the deployment Gatehouse's runtime does not apply (system modules' images, …). */
  readonly notes: readonly string[];
}

/**
 * The agent: apply() validates and persists a deployment; the loop observes the driver, plans (pure), executes
 * the steps and publishes a snapshot. Reconciles on a period and on every container event of its modules.
 *
 *   idle ──apply──▶ reconciling ──▶ converged ◀──▶ reconciling
 *                       │  ▲             │
 *                       ▼  │             ▼
 *                      failing      engineUnavailable
 */
export class Agent implements Disposable {
  private readonly store: AgentStateStore;
  private readonly settings: RestartSettings;
  private readonly now: () => number;
  private readonly retries: RetryTracker;
  private readonly cache = new ObservationCache();
  private generationIds: Record<string, string> = {};
  private gatewayHostName?: string;
  private readonly changed = new Emitter<AgentSnapshot>();
  readonly onDidChange: Event<AgentSnapshot> = this.changed.event;
  private cloudDriving = false;
  private readonly sourceChanged = new Emitter<DesiredSource>();
  readonly onDidChangeSource: Event<DesiredSource> = this.sourceChanged.event;

  private instance: Promise<InstanceInfo> | undefined;
  private instanceInfo: InstanceInfo | undefined;
  private persisted: PersistedDeployment | undefined;
  private deployment: Deployment | undefined;
  private previous: DesiredState | undefined;
  private memory: AgentMemory = {};
  /** Per module, its last failed step in words, until that step succeeds or leaves the plan. */
  private readonly problems = new Map<string, StepFailure & { readonly stepId: string; readonly at: string }>();
  private reconciledVersion = 0;
  /** How the last finished pass ended, as persisted (written only when it changes). */
  private lastPass: LastPass | undefined;
  private snapshot: AgentSnapshot = {
    state: { state: 'idle' },
    version: 0,
    reconciledVersion: 0,
    appliedAt: undefined,
    modules: [],
    lastPlan: [],
    lastDesiredStatus: { code: DEPLOYMENT_STATUS.unknown, description: '' },
    observed: [],
    notManaged: [],
    foreignRuntime: [],
  };
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: Disposable[] = [];
  private disposed = false;

  constructor(private readonly options: AgentOptions) {
    this.store = new AgentStateStore(options.dataDir, options.secrets);
    this.settings = options.settings ?? IOT_EDGE_RESTART_SETTINGS;
    this.now = options.now ?? Date.now;
    this.retries = new RetryTracker(this.settings);
  }

  /** Loads the persisted deployment and starts the loop. A restarted agent adopts its running containers. */
  async start(): Promise<void> {
    await this.ownInstance();
    this.persisted = await this.store.loadDeployment();
    this.memory = await this.store.loadMemory();
    if (this.persisted) {
      const deployment = deploymentFrom(JSON.parse(this.persisted.deployment));
      if (deployment.ok) this.deployment = deployment.value;
      const previous = this.persisted.previousDeployment ? deploymentFrom(JSON.parse(this.persisted.previousDeployment)) : undefined;
      this.previous = previous?.ok ? { version: this.persisted.version - 1, modules: previous.value.modules } : undefined;
      // The last pass before the restart finished this version: its first pass now is no longer "applying".
      this.lastPass = await this.store.loadLastPass().catch(() => undefined);
      const code = Object.values(DEPLOYMENT_STATUS).find((c) => c === this.lastPass?.code);
      if (this.lastPass?.version === this.persisted.version && code !== undefined) {
        this.reconciledVersion = this.lastPass.version;
        this.snapshot = { ...this.snapshot, reconciledVersion: this.reconciledVersion, lastDesiredStatus: { code, description: this.lastPass.description } };
      }
    }
    const { driver } = this.options;
    this.subscriptions.push(
      driver.onContainerEvent(
        (event) => {
          this.cache.invalidate(event.id);
          this.schedule();
        },
        { labels: { 'net.azure-devices.edge.owner': 'Microsoft.Azure.Devices.Edge.Agent' } },
      ),
      driver.onDidChangeState((s) => {
        this.cache.invalidate();
        if (s.state === 'available') this.schedule();
      }),
    );
    this.timer = setInterval(() => this.schedule(), this.options.periodMs ?? 5000);
    this.timer.unref();
    await this.reconcile();
  }

  get current(): AgentSnapshot {
    return this.snapshot;
  }

  /** This data folder's Gatehouse instance (created on first use): the owner label of every container it creates. */
  async ownInstance(): Promise<InstanceInfo> {
    this.instance ??= this.store.loadOrCreateInstance(this.now).then((info) => (this.instanceInfo = info));
    return this.instance;
  }

  /** Which containers are ours: this instance's label, or (migration) this data folder's persisted deployments. */
  private async ownership(): Promise<OwnershipContext> {
    const { id } = await this.ownInstance();
    return { instanceId: id, adoptable: adoptableFrom(this.deployment?.modules, this.previous?.modules) };
  }

  private async foreignRuntime(observed: readonly ObservedModule[]): Promise<string[]> {
    return foreignRuntimeEvidence(observed, await findAziotSockets(this.options.aziotSocketPaths ?? AZIOT_SOCKET_PATHS));
  }

  get desiredDeployment(): Deployment | undefined {
    return this.deployment;
  }

  get persistedDeployment(): PersistedDeployment | undefined {
    return this.persisted;
  }

  /** Who drives the desired state now (see desired-source.ts). */
  get desiredSource(): DesiredSource {
    return desiredSourceOf(this.persisted, this.cloudDriving);
  }

  /**
   * Whether the cloud link is up with a deployment for this device: while it is, local applies need `overrideCloud`.
   * Set by the cloud twin sync.
   */
  setCloudDriving(driving: boolean): void {
    if (this.cloudDriving === driving) return;
    this.cloudDriving = driving;
    this.sourceChanged.fire(this.desiredSource);
  }

  /** Validate, then plan against what runs now, without changing anything. */
  async preview(text: string, fileName = 'deployment.json'): Promise<Result<PreviewResult>> {
    const checked = this.check(text, fileName);
    if (!checked.ok) return checked;
    const observed = await observe(this.options.driver, await this.ownership());
    if (!observed.ok) return observed;
    const steps = plan({
      desired: { version: this.snapshot.version + 1, modules: checked.value.modules },
      previous: this.deployment ? { version: this.snapshot.version, modules: this.deployment.modules } : undefined,
      observed: observed.value,
      memory: this.memory,
      now: this.now(),
      settings: this.settings,
    });
    const notManaged = observed.value.filter((o) => !isManaged(o.owner)).sort((a, b) => a.name.localeCompare(b.name));
    const images = await this.imageNeeds(steps);
    if (!images.ok) return images;
    return ok({ plan: steps, images: images.value, deployment: checked.value, notManaged, foreignRuntime: await this.foreignRuntime(observed.value) });
  }

  /** Which images the plan's ensureImage steps need, and whether the engine has each (missing first). */
  private async imageNeeds(steps: readonly PlannedStep[]): Promise<Result<ImageNeed[]>> {
    const byImage = new Map<string, { modules: string[]; pullPolicy: ImageNeed['pullPolicy'] }>();
    for (const { step } of steps) {
      if (step.kind !== 'ensureImage') continue;
      const need = byImage.get(step.image) ?? { modules: [], pullPolicy: 'on-create' };
      need.modules.push(step.module);
      if (step.pullPolicy === 'never') need.pullPolicy = 'never';
      byImage.set(step.image, need);
    }
    const needs: ImageNeed[] = [];
    for (const [image, need] of byImage) {
      const inspected = await this.options.driver.inspectImage(image);
      if (!inspected.ok && inspected.error.code !== 'NOT_FOUND') return inspected;
      needs.push({ image, modules: need.modules, present: inspected.ok, registry: registryOf(image), pullPolicy: need.pullPolicy });
    }
    return ok(needs.sort((a, b) => Number(a.present) - Number(b.present) || a.image.localeCompare(b.image)));
  }

  /**
   * Refuses an invalid deployment whole, and refuses to run beside a real IoT Edge runtime unless
   * `overrideForeignRuntime`; otherwise persists it atomically and reconciles towards it.
   */
  async apply(text: string, fileName = 'deployment.json', options: ApplyOptions = {}): Promise<Result<ApplyResult>> {
    const preview = await this.preview(text, fileName);
    if (!preview.ok && preview.error.code !== 'ENGINE_UNAVAILABLE') return preview;
    const checked = preview.ok ? ok(preview.value.deployment) : this.check(text, fileName);
    if (!checked.ok) return checked;
    // Without the engine only the sockets can tell; its containers are checked again at the next apply.
    const foreignRuntime = preview.ok ? preview.value.foreignRuntime : await this.foreignRuntime([]);
    if (foreignRuntime.length && !options.overrideForeignRuntime) {
      return fail(
        'CONFLICT',
        `A real IoT Edge runtime uses this engine (${foreignRuntime.join(', ')}); nothing was applied. Gatehouse never touches its containers, but its modules would run beside that gateway's. Apply with the explicit override (\`--override-foreign-runtime\`) to do it anyway.`,
        { reason: 'foreign-runtime', foreignRuntime },
      );
    }
    const fromCloud = options.cloudVersion !== undefined;
    if (!fromCloud && this.cloudDriving && !options.overrideCloud) {
      const source = this.desiredSource;
      return fail(
        'CONFLICT',
        `The cloud drives this runtime's deployment${source.driver === 'cloud' ? ` ($edgeAgent desired version ${source.version})` : ''}; nothing was applied. Apply with the explicit override (overrideCloud) to replace it locally until the cloud sends a new version.`,
        { reason: 'cloud-drives', ...(source.driver === 'cloud' ? { cloudVersion: source.version } : {}) },
      );
    }
    const overridden = fromCloud ? undefined : overriddenCloudVersion(this.persisted);
    const version = (this.persisted?.version ?? 0) + 1;
    const next: PersistedDeployment = {
      version,
      appliedAt: new Date(this.now()).toISOString(),
      deployment: text,
      previousDeployment: this.persisted?.deployment,
      ...(foreignRuntime.length ? { overrideForeignRuntime: true } : {}),
      ...(fromCloud ? { cloudVersion: options.cloudVersion } : overridden !== undefined ? { overridesCloudVersion: overridden } : {}),
    };
    await this.store.saveDeployment(next);
    this.previous = this.deployment ? { version: version - 1, modules: this.deployment.modules } : undefined;
    this.persisted = next;
    this.deployment = checked.value;
    this.retries.reset();
    this.problems.clear();
    this.options.log?.(`agent: deployment version ${version} accepted (${checked.value.modules.length} modules${fromCloud ? `, from the cloud's $edgeAgent desired version ${options.cloudVersion}` : overridden !== undefined ? `, overriding the cloud's version ${overridden}` : ''})`);
    this.sourceChanged.fire(this.desiredSource);
    this.schedule();
    return ok({ version, plan: preview.ok ? preview.value.plan.map(describeStep) : [], notes: checked.value.notes });
  }

  private check(text: string, fileName: string): Result<Deployment> {
    const report = validateManifest(text, { fileName, kind: 'deployment' });
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const first = errors[0];
      return fail('INVALID_MANIFEST', `The deployment has ${errors.length} error(s); nothing was applied. First: line ${first?.line}:${first?.column} ${first?.message}`, {
        diagnostics: errors,
      });
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      return fail('INVALID_MANIFEST', `The deployment is not strict JSON: ${(error as Error).message}`);
    }
    return deploymentFrom(document);
  }

  /** Run a reconcile soon; coalesces bursts of events into one pass. */
  schedule(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.reconcile().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    });
  }

  /**
   * Retries failed steps now instead of after their backoff (or after they gave up), e.g. once an image that was
   * missing has been sideloaded.
   */
  retryNow(): void {
    this.retries.reset();
    this.schedule();
  }

  /** Waits for the reconcile in flight (tests, CLI). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async reconcile(): Promise<void> {
    const ownership = await this.ownership();
    const observed = await observe(this.options.driver, ownership, this.cache);
    if (!this.deployment || !this.persisted) {
      // Nothing to apply: still show what runs on the engine that is not ours.
      if (observed.ok) this.publish(this.snapshot.state, observed.value, this.snapshot.lastPlan, this.snapshot.lastDesiredStatus, await this.foreignRuntime(observed.value));
      return;
    }
    const version = this.persisted.version;
    if (!observed.ok) {
      this.publish({ state: 'engineUnavailable', reason: observed.error.message }, [...this.snapshot.observed, ...this.snapshot.notManaged], this.snapshot.lastPlan, this.snapshot.lastDesiredStatus, this.snapshot.foreignRuntime);
      return;
    }
    const foreignRuntime = await this.foreignRuntime(observed.value);
    let generationIds: Record<string, string> = {};
    if (this.options.prepareModules) {
      const prepared = await this.options.prepareModules(this.deployment.modules.map((m) => m.name));
      if (!prepared.ok) {
        const reason = `Module identities could not be prepared: ${prepared.error.message}`;
        await this.finishPass(version, { code: DEPLOYMENT_STATUS.failed, description: reason });
        this.publish({ state: 'failing', version, reason }, observed.value, this.snapshot.lastPlan, { code: DEPLOYMENT_STATUS.failed, description: reason }, foreignRuntime);
        return;
      }
      generationIds = prepared.value;
      this.generationIds = prepared.value;
    }
    const desired: DesiredState = { version, modules: this.deployment.modules };
    const steps = plan({ desired, previous: this.previous, observed: observed.value, memory: this.memory, now: this.now(), settings: this.settings });
    const actionable = steps.filter((s) => s.step.kind !== 'wait');
    // A failure whose step is no longer planned is over (the module changed, or got there another way).
    const plannedIds = new Set(steps.map((s) => s.id));
    for (const [module, problem] of this.problems) if (!plannedIds.has(problem.stepId)) this.problems.delete(module);
    let status: { code: DeploymentStatusCode; description: string } = { code: DEPLOYMENT_STATUS.successful, description: '' };
    if (actionable.length) {
      this.publish({ state: 'reconciling', version }, observed.value, steps.map(describeStep), this.snapshot.lastDesiredStatus, foreignRuntime);
      const failure = await this.run(steps, generationIds, (step, done, detail) =>
        this.publish({ state: 'reconciling', version, step: detail ?? step, done, total: actionable.length }, observed.value, steps.map(describeStep), this.snapshot.lastDesiredStatus, foreignRuntime),
      );
      if (failure) status = { code: DEPLOYMENT_STATUS.failed, description: failure };
      this.previous = desired;
    }
    const after = actionable.length ? await observe(this.options.driver, ownership, this.cache) : observed;
    const final = after.ok ? after.value : observed.value;
    await this.finishPass(version, status);
    this.publish(
      status.code === DEPLOYMENT_STATUS.successful ? { state: 'converged', version } : { state: 'failing', version, reason: status.description },
      final,
      actionable.length ? steps.map(describeStep) : this.snapshot.lastPlan,
      status,
      foreignRuntime,
    );
  }

  /** A pass of `version` finished with `status`: remembered across restarts (persisted when it changed). */
  private async finishPass(version: number, status: { readonly code: DeploymentStatusCode; readonly description: string }): Promise<void> {
    this.reconciledVersion = version;
    const next: LastPass = { version, code: status.code, description: status.description };
    if (this.lastPass && JSON.stringify(this.lastPass) === JSON.stringify(next)) return;
    this.lastPass = next;
    await this.store.saveLastPass(next).catch((error: unknown) => this.options.log?.(`agent: could not save the last pass: ${(error as Error).message}`));
  }

  /** Executes steps in order; a failed step is retried on a later pass with backoff. Returns the failure, if any. */
  private async run(
    steps: readonly PlannedStep[],
    generationIds: Record<string, string>,
    progress: (step: string, done: number, detail?: string) => void,
  ): Promise<string | undefined> {
    let memory = this.memory;
    let current = '';
    let done = 0;
    const ctx: ExecContext = {
      driver: this.options.driver,
      runtime: { ...this.effectiveRuntime, generationIds: { ...this.options.runtime.generationIds, ...generationIds } },
      now: this.now,
      stopTimeoutSeconds: this.options.stopTimeoutSeconds ?? 10,
      registryCredentials: this.deployment?.registryCredentials ?? [],
      log: (line) => {
        this.options.log?.(line);
        progress(current, done, line.replace(/^agent: /, ''));
      },
      memory: { get: () => memory, set: (next) => (memory = next) },
    };
    // As OrderedRetryPlanRunner: a failed step does not stop the plan; the module's later steps wait for a retry.
    const failures: string[] = [];
    const failedModules = new Set<string>();
    for (const planned of steps) {
      const { step, id } = planned;
      if (step.kind !== 'wait') {
        current = describeStep(planned);
        progress(current, done);
        done++;
      }
      if (failedModules.has(step.module)) continue;
      if (!this.retries.mayRun(id, this.now())) {
        // Waiting for its retry (or given up): the failure stands as it was said; when it runs again is data.
        failedModules.add(step.module);
        const said = this.problems.get(step.module)?.summary ?? `${describeStep(planned)} failed earlier.`;
        failures.push(this.retries.pending(id)?.gaveUp ? `${said} Gatehouse stopped retrying it: apply the deployment again (or sideload the image) to retry.` : said);
        continue;
      }
      const result = await execute(step, ctx);
      if (result.ok) {
        this.retries.recordSuccess(id);
        if (this.problems.get(step.module)?.stepId === id) this.problems.delete(step.module);
        continue;
      }
      const failure = describeFailure(step, result.error);
      this.retries.recordFailure(id, this.now(), failure.summary);
      this.problems.set(step.module, { ...failure, stepId: id, at: new Date(this.now()).toISOString() });
      failedModules.add(step.module);
      failures.push(failure.summary);
      this.options.log?.(`agent: ${id} failed: ${result.error.message}`);
    }
    const failure = failures.length ? failures.join(' ') : undefined;
    if (memory !== this.memory) {
      this.memory = memory;
      await this.store.saveMemory(memory);
    }
    return failure;
  }

  /** `all`: every observed container; the snapshot splits them into managed (`observed`) and `notManaged`. */
  private publish(state: AgentState, all: readonly ObservedModule[], lastPlan: readonly string[], lastDesiredStatus: AgentSnapshot['lastDesiredStatus'], foreignRuntime: readonly string[]): void {
    const observed = all.filter((o) => isManaged(o.owner));
    const notManaged = all.filter((o) => !isManaged(o.owner)).sort((a, b) => a.name.localeCompare(b.name));
    const byName = new Map(observed.map((o) => [o.name, o]));
    const now = this.now();
    const modules: ModuleRow[] = (this.deployment?.modules ?? []).map((m) => {
      const o = byName.get(m.name);
      const runtimeStatus = moduleRuntimeStatus(m, o, this.memory, this.settings);
      const stats = this.memory[m.name];
      const failed = this.problems.get(m.name);
      const pending = failed ? this.retries.pending(failed.stepId) : undefined;
      const nextRetryAt =
        pending && !pending.gaveUp
          ? new Date(pending.nextAt).toISOString()
          : runtimeStatus === 'backoff' && o
            ? new Date(restartDue(stats ?? { restartCount: 0, lastRestartTime: undefined }, o.finishedAt, now, this.settings).at).toISOString()
            : undefined;
      return {
        name: m.name,
        image: m.image,
        desiredStatus: m.status,
        runtimeStatus,
        exitCode: o?.exitCode,
        restartCount: stats?.restartCount ?? 0,
        startedAt: o?.startedAt,
        finishedAt: o?.finishedAt,
        lastRestartTime: stats?.lastRestartTime,
        containerId: o?.containerId,
        restartPolicy: m.restartPolicy,
        startupOrder: m.startupOrder,
        nextRetryAt,
        problem: failed ? { summary: failed.summary, ...(failed.detail ? { detail: failed.detail } : {}), at: failed.at, ...(pending?.gaveUp ? { gaveUp: true } : {}) } : undefined,
      };
    });
    const next: AgentSnapshot = { state, version: this.persisted?.version ?? 0, reconciledVersion: this.reconciledVersion, appliedAt: this.persisted?.appliedAt, modules, lastPlan, lastDesiredStatus, observed, notManaged, foreignRuntime };
    if (JSON.stringify(next) === JSON.stringify(this.snapshot)) return;
    this.snapshot = next;
    this.changed.fire(next);
  }

  /** An `$edgeAgent` direct method (ping, RestartModule, GetModuleLogs), answered as edgeAgent answers it. */
  invokeMethod(name: string, payload: unknown): Promise<MethodResponse> {
    const { driver } = this.options;
    return invokeAgentMethod(name, payload, {
      modules: () => this.snapshot.observed.map((o) => o.name),
      now: this.now,
      restart: async (module) => {
        const result = await driver.restartContainer(module, { timeoutSeconds: this.options.stopTimeoutSeconds ?? 10 });
        return result.ok ? { ok: true } : { ok: false, message: result.error.message };
      },
      logs: async (module, options) => {
        const stream = await driver.logs(module, { tail: options.tail ?? 'all', since: options.since, until: options.until, timestamps: options.timestamps });
        if (!stream.ok) throw new Error(stream.error.message);
        const lines: LogLine[] = [];
        for await (const line of stream.value) lines.push(line);
        return lines;
      },
    }).catch((error: unknown) => ({ status: 500, payload: { message: (error as Error).message } }));
  }

  /** The runtime context containers get: the generation ids of the last prepared identities, this instance's labels. */
  get effectiveRuntime(): RuntimeContext {
    const instance = this.instanceInfo ? { id: this.instanceInfo.id, dataDir: resolve(this.options.dataDir) } : undefined;
    return {
      ...this.options.runtime,
      ...(this.gatewayHostName === undefined ? {} : { gatewayHostName: this.gatewayHostName }),
      generationIds: { ...this.options.runtime.generationIds, ...this.generationIds },
      ...(instance ? { instance } : {}),
    };
  }

  /**
   * Where modules reach the edge hub (IOTEDGE_GATEWAYHOSTNAME, with the port when it is not 8883), known once the hub
   * listens. Containers created from then on get it; running ones keep theirs until they are recreated (the hub's
   * port is stable across restarts unless it is set to 0).
   */
  setGatewayHostName(gatewayHostName: string): void {
    this.gatewayHostName = gatewayHostName;
  }

  get restartMemory(): AgentMemory {
    return this.memory;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
    this.sourceChanged.dispose();
  }
}
