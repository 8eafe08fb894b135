import { statusContract, type HostStatus, type HubStatus } from '../../shared/ipc/status.contract';
import type { EventBus } from '../host/event-bus';
import type { Agent } from '../runtime/agent/agent';
import type { Disposable } from '../runtime/drivers/disposable';
import type { ContainerDriver } from '../runtime/drivers/driver';
import { nextEvent } from '../runtime/drivers/event';
import type { ConnectivityService } from './connectivity.service';
import type { HubConnectionService } from './hub-connection.service';
import { engineStatus, runtimeState } from './runtime.service';

/** The hub status of a host that has no hub connection service (tests, a CLI command's own host). */
export const NO_HUB: HubStatus = { state: 'off', reason: 'No hub in this process' };

/**
 * Engine, runtime, hub and network status for the status bar and `gatehouse status`. Derived from the driver's and the
 * agent's own state and pushed as `status.changed` whenever it changes: the renderer never polls.
 */
export class StatusService implements Disposable {
  private last: string;
  private readonly subscriptions: Disposable[];

  constructor(
    private readonly driver: ContainerDriver,
    private readonly agent: Agent,
    private readonly events: EventBus,
    /** Reachability of what the deployment needs; without it the network is reported unknown. */
    private readonly connectivity?: ConnectivityService,
    /** The console's IoT Hub connection; without it the hub is reported off. */
    private readonly hub?: HubConnectionService,
  ) {
    this.last = JSON.stringify(this.get());
    const push = () => {
      const status = this.get();
      const text = JSON.stringify(status);
      if (text === this.last) return;
      this.last = text;
      this.events.emit(statusContract, 'changed', status);
    };
    this.subscriptions = [driver.onDidChangeState(push), agent.onDidChange(push), ...(connectivity ? [connectivity.onDidChange(push)] : []), ...(hub ? [hub.onDidChange(push)] : [])];
  }

  get(): HostStatus {
    const engine = engineStatus(this.driver.state);
    return {
      engine,
      runtime: runtimeState(this.agent.current, engine),
      hub: this.hub?.get() ?? NO_HUB,
      connectivity: this.connectivity?.get() ?? { state: 'unknown', summary: 'The network is not checked by this host.', targets: [] },
    };
  }

  /**
   * Asks the engine now; while the driver is still connecting, waits (up to 5 s) for its verdict. Probes the
   * network targets at the same time (3 s each at most; a loopback registry tries HTTPS, then HTTP).
   */
  async refresh(): Promise<HostStatus> {
    const probed = Promise.all([this.connectivity?.refresh(), this.hub?.refresh()]);
    await this.driver.ping();
    if (this.driver.state.state === 'connecting') {
      await nextEvent(this.driver.onDidChangeState, (s) => s.state !== 'connecting', AbortSignal.timeout(5000));
    }
    await probed;
    return this.get();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
