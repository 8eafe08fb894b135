import { createHash } from 'node:crypto';
import type { CheckReport } from '../../../shared/commissioning/check-model';
import { fail, ok, type Result } from '../../../shared/errors';
import type { ContractImpl } from '../../../shared/ipc/contract';
import { rollbackContract, type DeploymentImage, type DeploymentOrigin, type DeploymentRecord, type HistoryEntry, type RollbackResult, type RollbackState } from '../../../shared/ipc/rollback.contract';
import type { EventBus } from '../../host/event-bus';
import { deploymentFrom } from '../../runtime/agent/desired-state';
import { deploymentDiff } from './deployment-diff';
import type { KnownGoodStore } from './known-good.store';
import { judge } from './verdict';
import { Redactor } from '../../../shared/commissioning/redact';
import { deploymentSecretValues, maskDeploymentText } from '../../../shared/commissioning/secret-scan';

export const DEFAULT_KNOWN_GOOD_WINDOW_MS = 60_000;
const DEFAULT_POLL_MS = 5_000;
/** Bounds of one run's end-to-end wait: at least a few seconds, at most the commissioning default. */
const MIN_E2E_MS = 3_000;
const MAX_E2E_MS = 30_000;

/** The deployment the runtime applied, as the agent persists it. */
export interface AppliedDeployment {
  readonly version: number;
  /** The hub's `$edgeAgent` desired `$version` it was built from, when the hub drives the runtime. */
  readonly cloudVersion?: number;
  readonly appliedAt: string;
  readonly deployment: string;
}

export interface RollbackDeps {
  readonly store: KnownGoodStore;
  readonly applied: () => AppliedDeployment | undefined;
  /** Fires when the runtime may have applied a new deployment (the agent's onDidChange). */
  readonly onDidChange: (listener: () => void) => { dispose(): void };
  /** One run of the commissioning checks, end to end waiting at most `endToEndTimeoutMs`. */
  readonly runChecks: (endToEndTimeoutMs: number) => Promise<Result<CheckReport>>;
  /** Called by dispose (what the wiring built for runChecks). */
  readonly disposeChecks?: () => void;
  readonly imageDetails: (image: string) => Promise<{ id: string; digests: readonly string[] } | undefined>;
  /** Who drives the runtime's deployment (the agent's desired source). */
  readonly driver: () => 'local' | 'cloud' | 'localOverride';
  /** The same path as `runtime.apply`. */
  readonly applyLocal: (text: string, overrideCloud: boolean) => Promise<Result<{ version: number }>>;
  /** `cloud.setModules` for this device with the given content. */
  readonly setModules: (content: Record<string, unknown>) => Promise<Result<unknown>>;
  readonly events?: Pick<EventBus, 'emit'>;
  readonly windowMs?: number;
  readonly pollMs?: number;
  /** Automatic rollback when the setting was never changed (GATEHOUSE_AUTO_ROLLBACK=1). */
  readonly autoDefault?: boolean;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

interface Marker {
  readonly sha256: string;
  readonly origin: DeploymentOrigin;
  readonly restores: string;
  readonly rolledBackFrom: string | undefined;
  readonly via: 'local' | 'hub';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const idOf = (version: number) => `v${version}`;
/** `v3`, `3` → `v3`. */
export const normaliseId = (id: string) => (/^\d+$/.test(id.trim()) ? `v${id.trim()}` : id.trim());

/**
 * Last-known-good (issue 13): notices each deployment the runtime applies, records it (pending) and watches it for
 * the window — the runtime and end-to-end checks through the commissioning service, every `pollMs` — then marks it
 * good or bad (with the failing checks). `rollback` re-applies a known-good deployment; with automatic rollback on,
 * a bad deployment (from an apply, never from a rollback: no loops) is rolled back at once.
 *   noticed → pending ──window──▶ good | bad ──auto──▶ rollback (a new, watched deployment)
 */
export class RollbackService implements ContractImpl<typeof rollbackContract> {
  private readonly windowMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly subscription: { dispose(): void };
  private readonly abort = new AbortController();
  private lastSeen = 0;
  private queue: Promise<void> = Promise.resolve();
  private marker: Marker | undefined;
  private watching: { id: string; until: number; done: Promise<void> } | undefined;

  constructor(private readonly deps: RollbackDeps) {
    this.windowMs = deps.windowMs ?? DEFAULT_KNOWN_GOOD_WINDOW_MS;
    this.pollMs = deps.pollMs ?? DEFAULT_POLL_MS;
    this.now = deps.now ?? Date.now;
    this.subscription = deps.onDidChange(() => this.notice());
    this.notice();
  }

  /** Resolves when the deployment being watched (if any) has its verdict; for tests and the CLI's waiting. */
  async settled(): Promise<void> {
    await this.queue;
    await this.watching?.done;
  }

  async history(): Promise<Result<HistoryEntry[]>> {
    const list = await this.deps.store.load();
    // What leaves the service is masked: the manifests' secrets (registry passwords, secret env values), also
    // inside the diff (a changed password shows as a change of a masked value). The store keeps them whole.
    const entries = list.map((record, i): HistoryEntry => {
      const before = list[i - 1];
      const redactor = new Redactor([...deploymentSecretValues(before?.text), ...deploymentSecretValues(record.text)]);
      return { ...record, text: maskDeploymentText(record.text), previous: before?.id ?? null, diff: redactor.json(deploymentDiff(before?.text, record.text)) };
    });
    return ok(entries.reverse());
  }

  async state(): Promise<Result<RollbackState>> {
    return ok(await this.currentState());
  }

  async setAuto({ auto }: { auto: boolean }): Promise<Result<RollbackState>> {
    await this.deps.store.setAuto(auto);
    return ok(await this.emitState());
  }

  rollback({ to }: { to?: string | undefined }): Promise<Result<RollbackResult>> {
    return this.rollbackTo(to, false);
  }

  dispose(): void {
    this.abort.abort();
    this.subscription.dispose();
    this.deps.disposeChecks?.();
  }

  private async rollbackTo(to: string | undefined, automatic: boolean): Promise<Result<RollbackResult>> {
    await this.queue;
    const list = await this.deps.store.load();
    const current = list.at(-1);
    const target = to === undefined ? [...list].reverse().find((d) => d.verdict === 'good' && d.sha256 !== current?.sha256) : list.find((d) => d.id === normaliseId(to));
    if (!target) {
      return fail('NOT_FOUND', to === undefined ? 'No known good deployment to roll back to (none passed its checks, or the current one is the last good).' : `No deployment ${normaliseId(to)} in the history (gatehouse deployments history lists them).`);
    }
    const driver = this.deps.driver();
    const via = driver === 'cloud' ? 'hub' : 'local';
    this.marker = { sha256: target.sha256, origin: automatic ? 'auto-rollback' : 'rollback', restores: target.id, rolledBackFrom: current?.id, via };
    const from = current?.id ?? null;
    const at = new Date(this.now()).toISOString();
    const message = `Rolled back ${automatic ? 'automatically ' : ''}from ${from ?? 'nothing'} to ${target.id} at ${at}${via === 'hub' ? ' (through the hub: set-modules)' : ''}.`;
    if (via === 'hub') {
      let content: Record<string, unknown>;
      try {
        content = JSON.parse(target.text) as Record<string, unknown>;
      } catch {
        this.marker = undefined;
        return fail('INVALID_MANIFEST', `${target.id} is not JSON; it cannot be sent to the hub.`);
      }
      const sent = await this.deps.setModules(content);
      if (!sent.ok) {
        this.marker = undefined;
        return sent;
      }
      this.deps.log?.(`rollback: ${message}`);
      return ok({ from, to: target.id, via, message });
    }
    const applied = await this.deps.applyLocal(target.text, driver === 'localOverride');
    if (!applied.ok) {
      this.marker = undefined;
      return applied;
    }
    this.deps.log?.(`rollback: ${message}`);
    this.notice();
    await this.queue;
    return ok({ from, to: target.id, version: applied.value.version, via, message });
  }

  private notice(): void {
    const applied = this.deps.applied();
    if (!applied || applied.version <= this.lastSeen) return;
    this.lastSeen = applied.version;
    this.queue = this.queue.then(() => this.record(applied)).catch((error: unknown) => this.deps.log?.(`rollback: could not record deployment ${applied.version}: ${(error as Error).message}`));
  }

  private async record(applied: AppliedDeployment): Promise<void> {
    const id = idOf(applied.version);
    const known = await this.deps.store.get(id);
    if (known) {
      // A restarted console: a deployment still pending is watched again (its window counts from its apply).
      if (known.verdict === 'pending' && !known.superseded) this.watch(known);
      return;
    }
    for (const older of await this.deps.store.load()) {
      if (older.verdict === 'pending' && !older.superseded) await this.deps.store.update(older.id, (r) => ({ ...r, superseded: true }));
    }
    const digest = sha256(applied.deployment);
    const marker = this.marker?.sha256 === digest ? this.marker : undefined;
    this.marker = undefined;
    const record: DeploymentRecord = {
      id,
      version: applied.version,
      ...(applied.cloudVersion !== undefined ? { cloudVersion: applied.cloudVersion } : {}),
      appliedAt: applied.appliedAt,
      sha256: digest,
      text: applied.deployment,
      images: await this.images(applied.deployment),
      verdict: 'pending',
      failed: [],
      checks: [],
      origin: marker?.origin ?? 'apply',
      ...(marker ? { restores: marker.restores, via: marker.via, ...(marker.rolledBackFrom ? { rolledBackFrom: marker.rolledBackFrom } : {}) } : {}),
    };
    await this.deps.store.put(record);
    this.watch(record);
    await this.emitState();
  }

  private watch(record: DeploymentRecord): void {
    const start = Date.parse(record.appliedAt);
    const until = (Number.isNaN(start) ? this.now() : start) + this.windowMs;
    const watching = { id: record.id, until, done: Promise.resolve() };
    // Set before the loop starts: the loop runs while it is the one watched.
    this.watching = watching;
    watching.done = this.watchLoop(record, until - this.windowMs, watching).catch((error: unknown) => this.deps.log?.(`rollback: watching ${record.id} failed: ${(error as Error).message}`));
  }

  private async watchLoop(record: DeploymentRecord, start: number, watching: { id: string }): Promise<void> {
    const live = () => this.watching === watching && !this.abort.signal.aborted;
    while (live()) {
      const gathered = this.now() - start;
      const remaining = this.windowMs - gathered;
      const report = await this.deps.runChecks(Math.min(MAX_E2E_MS, Math.max(MIN_E2E_MS, remaining)));
      if (!live()) return;
      const elapsed = this.now() - start;
      const judged = report.ok
        ? // When the hub drives, the checks report the hub's versions (desired $version, reported lastDesiredVersion).
          judge(report.value, record.cloudVersion ?? record.version, elapsed, this.windowMs, gathered)
        : elapsed >= this.windowMs
          ? { verdict: 'bad' as const, failed: [{ id: 'commissioning', title: 'The checks ran', status: 'error', detail: report.error.message }], checks: [] }
          : { verdict: 'pending' as const, failed: [], checks: [] };
      if (judged.verdict === 'pending') {
        await this.deps.store.update(record.id, (r) => ({ ...r, checks: [...judged.checks] }));
        await sleep(Math.max(0, Math.min(this.pollMs, start + this.windowMs - this.now())), this.abort.signal);
        continue;
      }
      const images = await this.images(record.text);
      const judgedAt = new Date(this.now()).toISOString();
      const done = await this.deps.store.update(record.id, (r) => ({ ...r, images, verdict: judged.verdict, judgedAt, failed: [...judged.failed], checks: [...judged.checks] }));
      this.watching = undefined;
      this.deps.log?.(`rollback: ${record.id} is ${judged.verdict}${judged.failed.length ? ` (${judged.failed.map((f) => f.id).join(', ')})` : ''}`);
      await this.emitState();
      if (done?.verdict === 'bad' && done.origin === 'apply' && (await this.auto()) && this.deps.applied()?.version === record.version) {
        // Not awaited here: the rollback waits for the recording queue this loop may be part of.
        void this.rollbackTo(undefined, true).then((r) => {
          if (!r.ok) this.deps.log?.(`rollback: automatic rollback from ${record.id} not possible: ${r.error.message}`);
        });
      }
      return;
    }
  }

  private async images(text: string): Promise<DeploymentImage[]> {
    let modules: readonly { name: string; image: string }[] = [];
    try {
      const deployment = deploymentFrom(JSON.parse(text));
      if (deployment.ok) modules = deployment.value.modules;
    } catch {
      modules = [];
    }
    return Promise.all(
      modules.map(async (m): Promise<DeploymentImage> => {
        const details = await this.deps.imageDetails(m.image).catch(() => undefined);
        return { module: m.name, image: m.image, ...(details?.id ? { id: details.id } : {}), digests: [...(details?.digests ?? [])] };
      }),
    );
  }

  private async auto(): Promise<boolean> {
    return (await this.deps.store.auto()) ?? this.deps.autoDefault ?? false;
  }

  private async currentState(): Promise<RollbackState> {
    const list = await this.deps.store.load();
    const newest = list.at(-1);
    const lastGood = [...list].reverse().find((d) => d.verdict === 'good');
    const rolled = [...list].reverse().find((d) => d.origin !== 'apply');
    return {
      auto: await this.auto(),
      windowMs: this.windowMs,
      watching: this.watching ? { id: this.watching.id, until: new Date(this.watching.until).toISOString() } : null,
      lastKnownGood: lastGood?.id ?? null,
      bad: newest?.verdict === 'bad' ? { id: newest.id, failed: newest.failed } : null,
      lastRollback:
        rolled && rolled.restores
          ? {
              from: rolled.rolledBackFrom ?? null,
              to: rolled.restores,
              at: rolled.appliedAt,
              automatic: rolled.origin === 'auto-rollback',
              via: rolled.via ?? 'local',
              message: `Rolled back ${rolled.origin === 'auto-rollback' ? 'automatically ' : ''}from ${rolled.rolledBackFrom ?? 'nothing'} to ${rolled.restores} at ${rolled.appliedAt} (now ${rolled.id}).`,
            }
          : null,
    };
  }

  private async emitState(): Promise<RollbackState> {
    const state = await this.currentState();
    this.deps.events?.emit(rollbackContract, 'changed', state);
    return state;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
