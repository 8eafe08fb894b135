import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { fail, ok, type Result } from '../../shared/errors';
import { runtimeContract, type ContractImpl } from '../../shared/ipc';
import type { EngineStatus, RuntimeState } from '../../shared/ipc/status.contract';
import { deriveRuntimeState } from '../../shared/runtime/runtime-state';
import type { EngineImage, ForeignOwner, LogLine, NotManagedRow, RuntimeSnapshot } from '../../shared/ipc/runtime.contract';
import type { EventBus } from '../host/event-bus';
import type { Agent } from '../runtime/agent/agent';
import type { AgentSnapshot } from '../runtime/agent/agent-snapshot';
import { containerSpec, type RuntimeContext } from '../runtime/agent/container-spec';
import { DEPLOYMENT_STATUS, edgeAgentReported } from '../runtime/agent/reported';
import type { ObservedModule } from '../runtime/agent/model';
import { describeOwner } from '../runtime/agent/ownership';
import { describeStep, isDestructive } from '../runtime/agent/steps';
import type { ContainerDriver, DriverState, ImageLoadProgress } from '../runtime/drivers/driver';
import type { Disposable } from '../runtime/drivers/disposable';
import { GATEHOUSE_VERSION } from '../host/version';
import { followModuleLog } from './log-follower';
import { SideloadUploads } from './sideload-upload';
import { buildMissingRecipeImages, defaultResourcesDir, runSample, type ImageBuilder } from './sample-runner';

const SECRET_NAME = /pass|secret|key|token|connectionstring|sas|credential/i;
const MAX_LOG_LINES = 5000;

/** A container not managed here, as the status and the plan preview show it; undefined for a managed one. */
export function notManagedRow(o: ObservedModule): NotManagedRow | undefined {
  let owner: ForeignOwner;
  switch (o.owner.kind) {
    case 'this':
    case 'adopted':
      return undefined;
    case 'gatehouse':
      owner = { kind: 'gatehouse', instanceId: o.owner.instanceId, ...(o.owner.dataDir ? { dataDir: o.owner.dataDir } : {}) };
      break;
    case 'earlier-gatehouse':
    case 'iot-edge':
      owner = { kind: o.owner.kind };
      break;
  }
  return { name: o.name, image: o.image, state: o.raw, containerId: o.containerId, owner, apparentOwner: describeOwner(o.owner) };
}

const notManagedRows = (observed: readonly ObservedModule[]): NotManagedRow[] => observed.flatMap((o) => notManagedRow(o) ?? []);

export function engineStatus(state: DriverState): EngineStatus {
  switch (state.state) {
    case 'connecting':
      return { state: 'checking' };
    case 'available':
      return { state: 'available', name: 'Docker Engine', version: state.version, apiVersion: state.apiVersion };
    case 'unavailable':
      return { state: 'unavailable', reason: state.error.message };
  }
}

/** The runtime's word, tone and sentence (shared/runtime/runtime-state.ts): the one place the host derives it. */
export function runtimeState(snapshot: AgentSnapshot, engine: EngineStatus, maxRestartCount = 20): RuntimeState {
  return deriveRuntimeState({
    engine: engine.state === 'unavailable' ? { state: 'unavailable', reason: engine.reason } : { state: engine.state },
    agent: snapshot.state,
    version: snapshot.version,
    reconciledVersion: snapshot.reconciledVersion,
    lastDesiredStatus: snapshot.lastDesiredStatus,
    modules: snapshot.modules,
    maxRestartCount,
  });
}

/** The runtime contract over the agent and its driver: what the Runtime area and `gatehouse runtime …` call. */
export class RuntimeService implements ContractImpl<typeof runtimeContract>, Disposable {
  private readonly streams = new Map<string, Disposable>();
  private readonly subscriptions: Disposable[] = [];
  private readonly startedAt = new Date().toISOString();
  private readonly uploads: SideloadUploads;

  constructor(
    private readonly agent: Agent,
    private readonly driver: ContainerDriver,
    private readonly runtime: RuntimeContext,
    private readonly events: EventBus,
    /** Builds local images (the Docker driver); absent where the runtime cannot build (the sample then says so). */
    private readonly buildImages?: ImageBuilder,
    private readonly resourcesDir: string = defaultResourcesDir(),
  ) {
    this.uploads = new SideloadUploads(driver, (fileName, progress, size) => this.emitSideloadProgress(fileName, progress, size));
    const push = () => this.events.emit(runtimeContract, 'changed', this.snapshot());
    this.subscriptions.push(agent.onDidChange(push), driver.onDidChangeState(push));
  }

  snapshot(from: AgentSnapshot = this.agent.current): RuntimeSnapshot {
    const engine = engineStatus(this.driver.state);
    return {
      state: runtimeState(from, engine),
      agent: from.state,
      engine,
      version: from.version,
      reconciledVersion: from.reconciledVersion,
      appliedAt: from.appliedAt,
      modules: from.modules.map((m) => ({ ...m })),
      lastPlan: [...from.lastPlan],
      lastDesiredStatus: from.lastDesiredStatus,
      network: this.runtime.network,
      notManaged: notManagedRows(from.notManaged),
      foreignRuntime: [...from.foreignRuntime],
    };
  }

  async status() {
    return ok(this.snapshot());
  }

  async preview({ text, fileName }: { text: string; fileName?: string }) {
    const result = await this.agent.preview(text, fileName);
    if (!result.ok) return result;
    return ok({
      steps: result.value.plan.map((p) => ({ id: p.id, kind: p.step.kind, module: p.step.module, description: describeStep(p), destructive: isDestructive(p.step) })),
      images: result.value.images.map((i) => ({ ...i, modules: [...i.modules] })),
      notes: [...result.value.deployment.notes],
      notManaged: notManagedRows(result.value.notManaged),
      foreignRuntime: [...result.value.foreignRuntime],
    });
  }

  async apply({ text, fileName, overrideForeignRuntime, overrideCloud }: { text: string; fileName?: string; overrideForeignRuntime?: boolean; overrideCloud?: boolean }) {
    // Images Gatehouse builds from its own recipes (the sample modules of the solution template) are built first.
    const built = await buildMissingRecipeImages(this.agent, this.buildImages, this.resourcesDir, text, fileName);
    if (!built.ok) return built;
    const applied = await this.agent.apply(text, fileName, { overrideForeignRuntime, overrideCloud });
    return applied.ok ? ok({ version: applied.value.version, plan: [...applied.value.plan], notes: [...applied.value.notes] }) : applied;
  }

  /**
   * Restarts a module's container; one that is not running (backoff, failed, exited) is started now. A module
   * stopped on purpose is refused: the agent would stop it again at once, so only Start (a new version) can run it.
   */
  async restartModule({ name }: { name: string }): Promise<Result<{ outcome: 'restarted' | 'started' }>> {
    const observed = this.agent.current.observed.find((o) => o.name === name);
    if (!observed) return fail('NOT_FOUND', `Module ${name} has no container in the current environment`);
    const desired = this.agent.desiredDeployment?.modules.find((m) => m.name === name);
    if (desired?.status === 'stopped') {
      return fail(
        'CONFLICT',
        `${name} is stopped on purpose (its desired status in deployment v${this.agent.current.version} is stopped), so a restart would not last: the agent stops it again. Start it instead: that sets its desired status to running in a new deployment version.`,
        { reason: 'stopped-on-purpose' },
      );
    }
    const result = await this.driver.restartContainer(name, { timeoutSeconds: 10 });
    return result.ok ? ok({ outcome: observed.raw === 'running' ? 'restarted' : 'started' }) : result;
  }

  /** Start/Stop: the applied deployment with one module's desired status changed, applied as the next version. */
  async setModuleStatus({ name, status }: { name: string; status: 'running' | 'stopped' }): Promise<Result<{ version: number; previousVersion: number; changed: boolean }>> {
    const result = await this.setModulesStatus({ names: [name], status });
    return result.ok ? ok({ version: result.value.version, previousVersion: result.value.previousVersion, changed: result.value.changed.length > 0 }) : result;
  }

  /**
   * Start/Stop all (`gatehouse runtime start|stop`): every module's desired status (or the named ones') set in one
   * new version of the applied deployment. Nothing to change: no new version.
   */
  async setModulesStatus({ names, status }: { names?: string[]; status: 'running' | 'stopped' }): Promise<Result<{ version: number; previousVersion: number; changed: string[]; unchanged: string[] }>> {
    const persisted = this.agent.persistedDeployment;
    if (!persisted) return fail('NOT_FOUND', 'No deployment has been applied');
    const document = JSON.parse(persisted.deployment) as Record<string, Record<string, Record<string, Record<string, Record<string, Record<string, unknown>>>>>>;
    const content = document.modulesContent ?? document.moduleContent;
    const modules = content?.$edgeAgent?.['properties.desired']?.modules ?? {};
    const unknown = (names ?? []).filter((n) => !modules[n]);
    if (unknown.length) return fail('NOT_FOUND', `${unknown.length === 1 ? 'Module' : 'Modules'} ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the applied deployment`);
    const chosen = names ? [...new Set(names)] : Object.keys(modules);
    const changed = chosen.filter((n) => ((modules[n] as Record<string, unknown>).status ?? 'running') !== status);
    const unchanged = chosen.filter((n) => !changed.includes(n));
    if (!changed.length) return ok({ version: persisted.version, previousVersion: persisted.version, changed, unchanged });
    for (const n of changed) (modules[n] as Record<string, unknown>).status = status;
    // The same deployment with statuses changed: an override given when it was applied still holds.
    const applied = await this.agent.apply(JSON.stringify(document, null, 2), 'deployment.json', { overrideForeignRuntime: persisted.overrideForeignRuntime });
    return applied.ok ? ok({ version: applied.value.version, previousVersion: persisted.version, changed, unchanged }) : applied;
  }

  async moduleDetails({ name }: { name: string }) {
    const desired = this.agent.desiredDeployment?.modules.find((m) => m.name === name);
    if (!desired) return fail('NOT_FOUND', `Module ${name} is not in the applied deployment`);
    const spec = containerSpec(desired, this.agent.effectiveRuntime);
    const env = ((spec.Env as string[] | undefined) ?? []).map((entry) => {
      const eq = entry.indexOf('=');
      const key = eq < 0 ? entry : entry.slice(0, eq);
      const masked = SECRET_NAME.test(key);
      return { name: key, value: masked ? '••••••••' : entry.slice(eq + 1), masked };
    });
    const { Env: _env, Labels, ...createOptions } = spec;
    return ok({
      name,
      image: desired.image,
      containerId: this.agent.current.observed.find((o) => o.name === name)?.containerId,
      createOptions,
      env,
      labels: (Labels as Record<string, string>) ?? {},
    });
  }

  async logs({ name, tail, since }: { name: string; tail?: number; since?: string }): Promise<Result<{ lines: LogLine[] }>> {
    const stream = await this.driver.logs(name, { tail: tail ?? 500, since: since ? new Date(since) : undefined, timestamps: true });
    if (!stream.ok) return stream;
    const lines: LogLine[] = [];
    for await (const line of stream.value) {
      lines.push(line);
      if (lines.length > MAX_LOG_LINES) lines.shift();
    }
    return ok({ lines });
  }

  /** Follows a module's log across its runs (log-follower.ts): `waiting` while its container is not running. */
  async followLogs({ name, tail }: { name: string; tail?: number }): Promise<Result<{ streamId: string }>> {
    const streamId = randomUUID();
    let batch: LogLine[] = [];
    let waiting: boolean | undefined;
    const flush = (done = false, error?: string) => {
      if (!batch.length && !done && waiting === undefined) return;
      this.events.emit(runtimeContract, 'logLines', {
        streamId,
        lines: batch,
        ...(waiting === undefined ? {} : { waiting }),
        ...(done ? { done } : {}),
        ...(error ? { error } : {}),
      });
      batch = [];
      waiting = undefined;
    };
    const timer = setInterval(flush, 100);
    const follower = await followModuleLog(this.driver, name, tail ?? 200, {
      line: (line) => {
        batch.push(line);
        if (batch.length >= 500) flush();
      },
      waiting: () => {
        flush();
        waiting = true;
        flush();
      },
      resumed: () => {
        flush();
        waiting = false;
        flush();
      },
      ended: (error) => {
        clearInterval(timer);
        flush(true, error);
        this.streams.delete(streamId);
      },
    });
    if (!follower.ok) {
      clearInterval(timer);
      return follower;
    }
    this.streams.set(streamId, follower.value);
    return ok({ streamId });
  }

  async stopLogs({ streamId }: { streamId: string }) {
    this.streams.get(streamId)?.dispose();
    this.streams.delete(streamId);
    return ok({});
  }

  async sideloadBegin({ fileName, size }: { fileName: string; size: number }) {
    return this.uploads.begin(fileName, size);
  }

  async sideloadChunk({ uploadId, offset, data }: { uploadId: string; offset: number; data: string }) {
    const result = await this.uploads.chunk(uploadId, offset, data);
    if (result.ok && result.value.loaded) this.agent.retryNow();
    return result;
  }

  async sideloadCancel({ uploadId }: { uploadId: string }) {
    this.uploads.cancel(uploadId);
    return ok({});
  }

  async listImages(): Promise<Result<{ images: EngineImage[] }>> {
    const listed = await this.driver.listImages();
    if (!listed.ok) return listed;
    const images = listed.value
      .map((i) => ({ id: i.id, tags: i.repoTags.filter((t) => t !== '<none>:<none>'), sizeBytes: i.sizeBytes, createdAt: new Date(i.createdAt).toISOString() }))
      .sort((a, b) => (a.tags[0] ?? '~').localeCompare(b.tags[0] ?? '~'));
    return ok({ images });
  }

  async sideload({ path }: { path: string }): Promise<Result<{ loaded: string[] }>> {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return fail('NOT_FOUND', `No image tarball at ${path}`);
    const result = await this.driver.loadImage(createReadStream(path), { onProgress: (progress) => this.emitSideloadProgress(path, progress, info.size) });
    if (!result.ok) return result;
    // Steps that failed for want of an image are retried now, not after their backoff.
    this.agent.retryNow();
    return ok({ loaded: [...result.value.loaded] });
  }

  async invokeMethod({ methodName, payload }: { methodName: string; payload?: unknown }) {
    return ok(await this.agent.invokeMethod(methodName, payload));
  }

  /** Builds the sample's images and applies the sample deployment (sensor → filter → $upstream). */
  async runSample() {
    return runSample(this.agent, this.buildImages, this.resourcesDir);
  }

  async reported() {
    const snapshot = this.agent.current;
    const deployment = this.agent.desiredDeployment;
    return ok(
      edgeAgentReported(deployment?.modules ?? [], snapshot.observed, this.agent.restartMemory, {
        lastDesiredVersion: snapshot.version,
        lastDesiredStatus: snapshot.version ? snapshot.lastDesiredStatus : { code: DEPLOYMENT_STATUS.unknown, description: '' },
        gatehouseVersion: GATEHOUSE_VERSION,
        platform: { os: platform(), architecture: arch(), version: GATEHOUSE_VERSION },
        runtimeStartedAt: this.startedAt,
        systemModules: deployment?.systemModules ?? {},
        settings: { maxRestartCount: 20, intensiveCareMs: 600_000, coolOffUnitMs: 10_000, maxCoolOffMs: 300_000 },
      }),
    );
  }

  /** Upload progress at most every 100 ms (and the last byte), the engine's layer messages as they come. */
  private lastProgress = 0;
  private emitSideloadProgress(path: string, progress: ImageLoadProgress, size: number): void {
    const now = Date.now();
    if (progress.kind === 'upload' && now - this.lastProgress < 100 && progress.bytes < size) return;
    this.lastProgress = now;
    this.events.emit(runtimeContract, 'sideloadProgress', {
      path,
      bytes: progress.kind === 'upload' ? progress.bytes : size,
      total: size,
      ...(progress.kind === 'layer' ? { message: `${progress.status} ${progress.id}` } : progress.kind === 'message' ? { message: progress.text } : {}),
    });
  }

  dispose(): void {
    this.uploads.dispose();
    for (const s of this.streams.values()) s.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
