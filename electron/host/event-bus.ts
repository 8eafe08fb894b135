import type { Contract, EventPayload } from '../../shared/ipc';
import { resolveEvent } from '../../shared/ipc';

export type EventListener = (event: string, payload: unknown) => void;

export interface Disposable {
  dispose(): void;
}

/**
 * Fans out contract events to every transport (WebSocket connections, Electron windows, in-process CLI).
 * Payloads are validated against the contract before they leave the host.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<C extends Contract, K extends keyof C['events'] & string>(contract: C, name: K, payload: EventPayload<C, K>): void {
    const wire = `${contract.name}.${name}`;
    if (!resolveEvent(wire)) throw new Error(`Event ${wire} is not declared by any registered contract`);
    const schema = contract.events[name];
    if (!schema) throw new Error(`Event ${wire} has no schema`);
    const parsed = schema.parse(payload);
    for (const listener of this.listeners) listener(wire, parsed);
  }

  listen(listener: EventListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
