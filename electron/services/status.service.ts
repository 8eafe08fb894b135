import { statusContract, type EngineStatus, type HostStatus } from '../../shared/ipc/status.contract';
import type { Disposable, EventBus } from '../host/event-bus';
import type { EngineProbe } from './engine-probe';

/**
 * Engine, runtime and hub status for the status bar. The engine is probed here, in the host, on an interval
 * (the renderer never polls: it receives `status.changed`).
 */
export class StatusService implements Disposable {
  private status: HostStatus = {
    engine: { state: 'checking' },
    runtime: { state: 'idle', detail: 'No deployment applied' },
    hub: { state: 'local', detail: 'Local hub (no cloud account)' },
  };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly probe: EngineProbe,
    private readonly events: EventBus,
    private readonly intervalMs = 5000,
  ) {}

  start(): this {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  get(): HostStatus {
    return this.status;
  }

  async refresh(): Promise<HostStatus> {
    const engine = await this.probe.check();
    if (!sameEngine(engine, this.status.engine)) {
      this.status = { ...this.status, engine };
      this.events.emit(statusContract, 'changed', this.status);
    }
    return this.status;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

function sameEngine(a: EngineStatus, b: EngineStatus): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
