import type { DeviceGateway, IdentityRef } from '../../protocol/device-backend';
import type { HubStore } from './hub-store';
import { NEVER, type DeviceRecord, type JsonObject } from './hub-model';

/** Connection facts kept in memory only: after a restart every identity is Disconnected until it connects. */
export interface ConnectionFacts {
  readonly connections: number;
  readonly stateUpdatedTime: string;
  readonly lastActivityTime: string;
}

const DISCONNECTED: ConnectionFacts = { connections: 0, stateUpdatedTime: NEVER, lastActivityTime: NEVER };

/** What the registry's operation files share: the store, the host name, the clock, live connections. */
export class RegistryContext {
  private readonly connectionFacts = new Map<string, ConnectionFacts>();
  /**
   * Rendered twins, cached per stored record (records are immutable: every change stores a new one) and per
   * connection facts, so queries over 10,000 twins do not rebuild them page after page. Never mutate them.
   */
  readonly renderCache = new WeakMap<object, { connection: ConnectionFacts; device?: DeviceRecord; doc: JsonObject }>();
  gateway: DeviceGateway | undefined;

  constructor(
    readonly store: HubStore,
    readonly hostName: string,
    readonly log: (message: string) => void,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  now(): string {
    return this.clock().toISOString();
  }

  connection(ref: IdentityRef): ConnectionFacts {
    return this.connectionFacts.get(connectionKey(ref)) ?? DISCONNECTED;
  }

  connectionChanged(ref: IdentityRef, connected: boolean): void {
    const key = connectionKey(ref);
    const current = this.connection(ref);
    const now = this.now();
    const connections = Math.max(0, current.connections + (connected ? 1 : -1));
    const wasConnected = current.connections > 0;
    this.connectionFacts.set(key, {
      connections,
      stateUpdatedTime: wasConnected !== connections > 0 ? now : current.stateUpdatedTime,
      lastActivityTime: now,
    });
  }

  touch(ref: IdentityRef): void {
    const current = this.connection(ref);
    this.connectionFacts.set(connectionKey(ref), { ...current, lastActivityTime: this.now() });
  }

  forget(ref: IdentityRef): void {
    this.connectionFacts.delete(connectionKey(ref));
  }

  connectedDeviceCount(): number {
    let count = 0;
    for (const [key, facts] of this.connectionFacts) if (facts.connections > 0 && !key.includes('\u0000')) count += 1;
    return count;
  }

  /** Drops live connections of an identity (deleted, disabled, keys changed). */
  disconnect(ref: IdentityRef): void {
    this.gateway?.disconnect(ref);
  }
}

function connectionKey(ref: IdentityRef): string {
  return ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}\u0000${ref.moduleId}`;
}
