import type { Connectivity, ConnectivityTarget, HubStatus } from '../../shared/ipc/status.contract';
import { toDisposable, type Disposable } from '../runtime/drivers/disposable';
import { Emitter, type Event } from '../runtime/drivers/event';
import { registryNeeds, type DeploymentNeeds, type RegistryNeed } from './connectivity-targets';
import { isLoopbackRegistry, probeRegistry, type ProbeResult } from './registry-probe';

export interface ConnectivityOptions {
  /** The applied deployment (the agent's desired deployment), undefined when none is applied. */
  readonly deployment: () => DeploymentNeeds | undefined;
  /** Fires when the deployment may have changed (the agent's snapshot); targets are re-derived, probed when new. */
  readonly onDeploymentChange: Event<unknown>;
  /** Whether the engine has the image; a registry whose images are all on this machine is not needed. */
  readonly imagePresent: (image: string) => Promise<boolean>;
  /** The runtime's hub: the bundled local hub needs no network. */
  readonly hub: () => HubStatus;
  /** `loopback`: probe only registries on this machine; others are reported not checked (tests, air-gapped labs). */
  readonly scope?: 'all' | 'loopback';
  readonly probe?: (address: string, signal: AbortSignal) => Promise<ProbeResult>;
  /** Default 60 s. */
  readonly periodMs?: number;
  readonly now?: () => number;
}

interface Verdict {
  readonly state: 'reachable' | 'unreachable';
  readonly reason: string;
  readonly checkedAt: string;
}

interface Tracked {
  readonly need: RegistryNeed;
  readonly needed: boolean;
}

/**
 * Can the host reach what the applied deployment needs: each registry it still has to pull an image from (HTTPS
 * `GET /v2/`, any HTTP answer is reachable) and the IoT hub upstream. Probes every `periodMs`, on `refresh`, and when the
 * deployment's registries change; never more than one probe per registry at a time.
 *
 *   (no deployment) not-needed
 *   apply --> checking --> online | partial | offline | unknown   (re-probed every minute; a target keeps its last
 *                                                                   verdict while the next probe runs)
 */
export class ConnectivityService implements Disposable {
  private readonly changed = new Emitter<Connectivity>();
  readonly onDidChange: Event<Connectivity> = this.changed.event;
  private tracked: readonly Tracked[] | undefined;
  private readonly verdicts = new Map<string, Verdict>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private last = '';
  private needsKey = '';
  private disposed = false;
  /** Cancels probes in flight on dispose, so a short-lived host (a CLI command) exits at once. */
  private readonly abort = new AbortController();
  private readonly subscriptions: Disposable[];

  constructor(private readonly options: ConnectivityOptions) {
    const timer = setInterval(() => void this.check(), options.periodMs ?? 60_000);
    timer.unref();
    this.subscriptions = [
      toDisposable(() => clearInterval(timer)),
      options.onDeploymentChange(() => {
        const key = JSON.stringify(registryNeeds(this.options.deployment()));
        if (key !== this.needsKey) void this.check();
      }),
    ];
    this.last = JSON.stringify(this.get());
    void this.check();
  }

  get(): Connectivity {
    const hub = hubTarget(this.options.hub());
    const deployment = this.options.deployment();
    if (!deployment) return { state: 'not-needed', summary: 'No deployment is applied: nothing needs the network.', targets: [hub] };
    if (!this.tracked) return { state: 'checking', summary: 'Checking what the deployment needs from the network…', targets: [hub] };
    const targets = this.tracked.map(({ need, needed }) => this.target(need, needed));
    return { ...overall(targets), targets: [...targets, hub] };
  }

  /** Re-derives the targets and probes them now; resolves when every probe has answered (3 s each at most). */
  async refresh(): Promise<Connectivity> {
    await this.check();
    return this.get();
  }

  private target(need: RegistryNeed, needed: boolean): ConnectivityTarget {
    const base = { kind: 'registry' as const, address: need.address, needed, modules: [...need.modules] };
    if (!needed) {
      return { ...base, state: 'not-needed', reason: need.images.length > 0 ? 'Its images are already on this machine.' : 'No module image comes from it (a registryCredentials address).' };
    }
    if (this.options.scope === 'loopback' && !isLoopbackRegistry(need.address)) {
      return { ...base, state: 'not-checked', reason: 'Not probed: this host probes only registries on this machine (GATEHOUSE_PROBE_SCOPE=loopback).' };
    }
    const verdict = this.verdicts.get(need.address);
    return verdict ? { ...base, ...verdict } : { ...base, state: 'checking' };
  }

  private async check(): Promise<void> {
    if (this.disposed) return;
    const needs = registryNeeds(this.options.deployment());
    this.needsKey = JSON.stringify(needs);
    const tracked = await Promise.all(
      needs.map(async (need) => {
        const present = await Promise.all(need.images.map((image) => this.options.imagePresent(image).catch(() => false)));
        return { need, needed: present.some((p) => !p) };
      }),
    );
    if (this.disposed || JSON.stringify(needs) !== this.needsKey) return;
    this.tracked = tracked;
    this.push();
    // Only what the deployment needs now is probed: a registry whose images are all here is not asked at all.
    const probed = tracked.filter((t) => t.needed && (this.options.scope !== 'loopback' || isLoopbackRegistry(t.need.address)));
    await Promise.all(probed.map((t) => this.probeOnce(t.need.address)));
  }

  /** One probe per address at a time: a caller while one runs waits for that one. */
  private probeOnce(address: string): Promise<void> {
    const running = this.inFlight.get(address);
    if (running) return running;
    const probe = this.options.probe ?? ((a: string, signal: AbortSignal) => probeRegistry(a, undefined, signal));
    const run = probe(address, this.abort.signal)
      .catch((error: unknown): ProbeResult => ({ reachable: false, reason: (error as Error).message }))
      .then((result) => {
        if (this.disposed) return;
        const now = this.options.now?.() ?? Date.now();
        this.verdicts.set(address, { state: result.reachable ? 'reachable' : 'unreachable', reason: result.reason, checkedAt: new Date(now).toISOString() });
        this.push();
      })
      .finally(() => this.inFlight.delete(address));
    this.inFlight.set(address, run);
    return run;
  }

  private push(): void {
    if (this.disposed) return;
    const connectivity = this.get();
    const text = JSON.stringify(connectivity);
    if (text === this.last) return;
    this.last = text;
    this.changed.fire(connectivity);
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

function hubTarget(hub: HubStatus): ConnectivityTarget {
  // The embedded local hub runs on this machine: whatever its state (the Hub item shows it), no network is involved.
  if (hub.state === 'off') return { kind: 'hub', address: 'local', state: 'not-needed', needed: false, modules: [], reason: hub.reason };
  if (hub.kind === 'local') return { kind: 'hub', address: 'local', state: 'not-needed', needed: false, modules: [], reason: `Local hub on this machine (${hub.hostName}): nothing upstream to reach.` };
  switch (hub.state) {
    case 'connecting':
      return { kind: 'hub', address: hub.hostName, state: 'checking', needed: true, modules: [] };
    case 'connected':
      return { kind: 'hub', address: hub.hostName, state: 'reachable', needed: true, modules: [], checkedAt: hub.checkedAt };
    case 'unreachable':
      return { kind: 'hub', address: hub.hostName, state: 'unreachable', needed: true, modules: [], reason: hub.reason, checkedAt: hub.checkedAt };
    default: {
      const never: never = hub;
      return never;
    }
  }
}

/** The one word over the targets the deployment needs (pure). */
export function overall(targets: readonly ConnectivityTarget[]): Pick<Connectivity, 'state' | 'summary'> {
  const needed = targets.filter((t) => t.needed);
  if (needed.length === 0) {
    return {
      state: 'not-needed',
      summary: targets.length === 0 ? 'The deployment pulls no image from a registry: nothing needs the network.' : 'Every image the deployment needs is on this machine: nothing needs the network.',
    };
  }
  const names = (list: readonly ConnectivityTarget[]) => list.map((t) => t.address).join(', ');
  const down = needed.filter((t) => t.state === 'unreachable');
  const up = needed.filter((t) => t.state === 'reachable');
  if (down.length > 0) {
    const why = down.map((t) => `${t.address} (${t.reason ?? 'no answer'})`).join('; ');
    return { state: up.length > 0 ? 'partial' : 'offline', summary: `Cannot reach ${why}.` };
  }
  const checking = needed.filter((t) => t.state === 'checking');
  if (checking.length > 0) return { state: 'checking', summary: `Checking ${names(checking)}…` };
  const unchecked = needed.filter((t) => t.state === 'not-checked');
  if (unchecked.length > 0) return { state: 'unknown', summary: `Not checked from this host: ${names(unchecked)}.` };
  return { state: 'online', summary: `Every registry the deployment needs answers: ${names(up)}.` };
}
