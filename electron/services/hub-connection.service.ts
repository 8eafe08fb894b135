import { readFile } from 'node:fs/promises';
import { appError, err, type Result } from '../../shared/errors';
import type { LocalHubInfo, LocalHubState } from '../../shared/ipc/localhub.contract';
import type { HubStatus } from '../../shared/ipc/status.contract';
import { IotHubClient } from '../cloud/iothub/iothub-client';
import type { Disposable } from '../runtime/drivers/disposable';
import { Emitter, type Event } from '../runtime/drivers/event';

/** What this service needs of the embedded local hub. */
export interface LocalHubHandle {
  readonly state: LocalHubState;
  readonly onDidChangeState: Event<LocalHubState>;
  info(withCaKey?: boolean): Promise<Result<LocalHubInfo>>;
}

/** How often the connected hub is asked for its registry statistics (the health check). */
const PROBE_PERIOD_MS = 30_000;

/**
 * The console's connection to its IoT Hub: today the embedded local hub, through the same azure-iothub client the
 * fleet uses (so "connected" means the SDK got an answer, not that a process exists).
 *   off <-- (local hub off or failed, no cloud hub)
 *   connecting --> connected <--> unreachable     (a health check every 30 s and on refresh)
 */
export class HubConnectionService implements Disposable {
  private current: HubStatus;
  private client?: IotHubClient;
  private timer?: NodeJS.Timeout;
  private readonly changed = new Emitter<HubStatus>();
  readonly onDidChange: Event<HubStatus> = this.changed.event;
  private readonly subscription?: Disposable;
  private generation = 0;

  constructor(private readonly localHub: LocalHubHandle | undefined) {
    this.current = localHub ? fromLocalState(localHub.state) : { state: 'off', reason: 'No hub: the embedded local hub is off in this process and no cloud hub is configured.' };
    if (localHub) {
      this.subscription = localHub.onDidChangeState((s) => void this.follow(s));
      void this.follow(localHub.state);
    }
  }

  get(): HubStatus {
    return this.current;
  }

  /** The connected hub's client, or why there is none (DISCONNECTED). */
  hub(): Result<IotHubClient> {
    if (this.client) return { ok: true, value: this.client };
    const why = this.current.state === 'off' || this.current.state === 'unreachable' ? this.current.reason : 'the local hub is still starting';
    return err(appError('DISCONNECTED', `No hub is connected: ${why}`));
  }

  /** Checks the hub now. */
  async refresh(): Promise<HubStatus> {
    await this.probe(this.generation);
    return this.current;
  }

  private async follow(state: LocalHubState): Promise<void> {
    const generation = ++this.generation;
    clearInterval(this.timer);
    this.client = undefined;
    if (state.state !== 'running') return this.set(fromLocalState(state));
    this.set({ state: 'connecting', hostName: state.endpoint.host, kind: 'local' });
    const info = await this.localHub!.info();
    if (generation !== this.generation) return;
    if (!info.ok) return this.set({ state: 'unreachable', hostName: state.endpoint.host, kind: 'local', reason: info.error.message, checkedAt: new Date().toISOString() });
    const ca = await readFile(info.value.caFile, 'utf8').catch(() => undefined);
    if (generation !== this.generation) return;
    const client = IotHubClient.connect(info.value.connectionString, { httpsPort: info.value.httpsPort, ca: ca ?? '' });
    if (!client.ok) return this.set({ state: 'unreachable', hostName: state.endpoint.host, kind: 'local', reason: client.error.message, checkedAt: new Date().toISOString() });
    this.client = client.value;
    await this.probe(generation);
    this.timer = setInterval(() => void this.probe(generation), PROBE_PERIOD_MS);
    this.timer.unref();
  }

  private async probe(generation: number): Promise<void> {
    const client = this.client;
    if (!client) return;
    const kind = 'local' as const;
    const statistics = await client.statistics();
    if (generation !== this.generation) return;
    const checkedAt = new Date().toISOString();
    this.set(
      statistics.ok
        ? { state: 'connected', hostName: client.info.hostName, kind, devices: statistics.value.totalDeviceCount, checkedAt }
        : { state: 'unreachable', hostName: client.info.hostName, kind, reason: statistics.error.message, checkedAt },
    );
  }

  private set(state: HubStatus): void {
    if (JSON.stringify(state) === JSON.stringify(this.current)) return;
    this.current = state;
    this.changed.fire(state);
  }

  dispose(): void {
    this.generation += 1;
    clearInterval(this.timer);
    this.subscription?.dispose();
    this.changed.dispose();
  }
}

function fromLocalState(state: LocalHubState): HubStatus {
  switch (state.state) {
    case 'starting':
      return { state: 'connecting', hostName: 'localhost', kind: 'local' };
    case 'running':
      return { state: 'connecting', hostName: state.endpoint.host, kind: 'local' };
    case 'failed':
      return { state: 'unreachable', hostName: 'localhost', kind: 'local', reason: `The local hub did not start: ${state.reason}`, checkedAt: new Date().toISOString() };
    case 'off':
      return { state: 'off', reason: state.reason };
  }
}
