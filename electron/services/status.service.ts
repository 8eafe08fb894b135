import { statusContract, type HostStatus, type HubStatus } from '../../shared/ipc/status.contract';
import type { EventBus } from '../host/event-bus';
import type { Agent } from '../runtime/agent/agent';
import type { Disposable } from '../runtime/drivers/disposable';
import type { ContainerDriver } from '../runtime/drivers/driver';
import { nextEvent } from '../runtime/drivers/event';
import type { ConnectivityService } from './connectivity.service';
import { engineStatus, runtimeState } from './runtime.service';

/** The runtime's hub: the bundled local hub (no cloud account) until a cloud hub can be configured. */
export const LOCAL_HUB: HubStatus = { state: 'local', detail: 'Local hub (no cloud account)' };

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
  ) {
    this.last = JSON.stringify(this.get());
    const push = () => {
      const status = this.get();
      const text = JSON.stringify(status);
      if (text === this.last) return;
      this.last = text;
      this.events.emit(statusContract, 'changed', status);
    };
    this.subscriptions = [driver.onDidChangeState(push), agent.onDidChange(push), ...(connectivity ? [connectivity.onDidChange(push)] : [])];
  }

  get(): HostStatus {
    const engine = engineStatus(this.driver.state);
    return {
      engine,
      runtime: runtimeState(this.agent.current, engine),
      hub: LOCAL_HUB,
      connectivity: this.connectivity?.get() ?? { state: 'unknown', summary: 'The network is not checked by this host.', targets: [] },
    };
  }

  /**
   * Asks the engine now; while the driver is still connecting, waits (up to 5 s) for its verdict. Probes the
   * network targets at the same time (3 s each at most; a loopback registry tries HTTPS, then HTTP).
   */
  async refresh(): Promise<HostStatus> {
    const probed = this.connectivity?.refresh();
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
