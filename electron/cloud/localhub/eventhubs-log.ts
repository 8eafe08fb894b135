import { createHash } from 'node:crypto';
import type { HubMessage, IdentityRef } from '../../protocol/device-backend';

/**
 * The local hub's Event Hubs-compatible retention: device-to-cloud messages in `partitionCount` partitions, each a
 * bounded in-memory log of its last `capacity` events (older ones fall off the front, as retention does on Azure).
 * A device is mapped to a partition by a stable hash of its id, so one device's messages stay in order. Sequence
 * numbers start at 0 per partition; offsets are the byte position of the event in its partition (opaque strings to
 * clients, as on Azure). Pure data: the AMQP server (./eventhubs-server) reads it and is told of appends.
 */

export const DEFAULT_EVENTHUBS_PARTITIONS = 4;
/** Events kept per partition. */
export const DEFAULT_EVENTHUBS_RETENTION = 1000;

export interface StoredEvent {
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly offset: number;
  readonly enqueuedTime: Date;
  readonly from: IdentityRef;
  readonly message: HubMessage;
}

export interface PartitionInfo {
  readonly partitionId: string;
  /** The first sequence number still kept (-1 when nothing was ever enqueued, as Azure reports an empty partition). */
  readonly beginSequenceNumber: number;
  readonly lastSequenceNumber: number;
  readonly lastOffset: string;
  readonly lastEnqueuedTime: Date;
  readonly isEmpty: boolean;
}

/** Where a receiver starts: after (or at) an offset or sequence number, after an enqueued time, or at the end. */
export type StartPosition =
  | { readonly kind: 'offset'; readonly value: number; readonly inclusive: boolean }
  | { readonly kind: 'sequence'; readonly value: number; readonly inclusive: boolean }
  | { readonly kind: 'enqueued'; readonly afterMs: number }
  | { readonly kind: 'latest' }
  | { readonly kind: 'earliest' };

/**
 * Parses the selector filter the Event Hubs client sends (`apache.org:selector-filter:string`), e.g.
 * `amqp.annotation.x-opt-offset > '-1'`, `amqp.annotation.x-opt-sequence-number >= '42'`,
 * `amqp.annotation.x-opt-enqueued-time > '1700000000000'`, `amqp.annotation.x-opt-offset > '@latest'`.
 * Anything else is undefined (the server refuses the link with a clear description).
 */
export function parseStartSelector(expression: string): StartPosition | undefined {
  const match = /^\s*amqp\.annotation\.x-opt-(offset|sequence-number|enqueued-time)\s*(>=|>)\s*'([^']*)'\s*$/.exec(expression);
  if (!match) return undefined;
  const [, field, operator, raw] = match as unknown as [string, string, string, string];
  const inclusive = operator === '>=';
  if (field === 'offset') {
    if (raw === '@latest') return { kind: 'latest' };
    if (raw === '-1') return { kind: 'earliest' };
    return /^\d{1,15}$/.test(raw) ? { kind: 'offset', value: Number(raw), inclusive } : undefined;
  }
  if (!/^-?\d{1,15}$/.test(raw)) return undefined;
  const value = Number(raw);
  if (field === 'sequence-number') return value < 0 ? { kind: 'earliest' } : { kind: 'sequence', value, inclusive };
  return { kind: 'enqueued', afterMs: value };
}

/** Stable partition of a device: the first 4 bytes of SHA-256 of its id, modulo the partition count. */
export function partitionOf(deviceId: string, partitionCount: number): number {
  return createHash('sha256').update(deviceId, 'utf8').digest().readUInt32BE(0) % partitionCount;
}

class Partition {
  readonly events: StoredEvent[] = [];
  nextSequence = 0;
  nextOffset = 0;
  lastEnqueued = new Date(0);

  constructor(readonly id: string) {}
}

export class EventHubsLog {
  private readonly partitions: Partition[];
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  readonly createdAt: Date;

  constructor(
    readonly partitionCount = DEFAULT_EVENTHUBS_PARTITIONS,
    readonly capacity = DEFAULT_EVENTHUBS_RETENTION,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.partitions = Array.from({ length: partitionCount }, (_, i) => new Partition(String(i)));
    this.createdAt = clock();
  }

  get partitionIds(): string[] {
    return this.partitions.map((p) => p.id);
  }

  hasPartition(id: string): boolean {
    return this.partitions.some((p) => p.id === id);
  }

  /** Enqueues a device-to-cloud message in its device's partition; listeners hear it after it is stored. */
  append(from: IdentityRef, message: HubMessage, enqueuedTime?: Date): StoredEvent {
    const partition = this.partitions[partitionOf(from.deviceId, this.partitionCount)]!;
    const event: StoredEvent = {
      partitionId: partition.id,
      sequenceNumber: partition.nextSequence++,
      offset: partition.nextOffset,
      enqueuedTime: enqueuedTime ?? this.clock(),
      from,
      message,
    };
    // Offsets are byte positions: the body plus a nominal header, so they grow like Azure's and never repeat.
    partition.nextOffset += message.body.length + 128;
    partition.lastEnqueued = event.enqueuedTime;
    partition.events.push(event);
    if (partition.events.length > this.capacity) partition.events.splice(0, partition.events.length - this.capacity);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  onAppend(listener: (event: StoredEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  info(partitionId: string): PartitionInfo | undefined {
    const partition = this.partitions.find((p) => p.id === partitionId);
    if (!partition) return undefined;
    const first = partition.events[0];
    const last = partition.events.at(-1);
    return {
      partitionId,
      beginSequenceNumber: first ? first.sequenceNumber : -1,
      lastSequenceNumber: last ? last.sequenceNumber : -1,
      lastOffset: last ? String(last.offset) : '-1',
      lastEnqueuedTime: partition.lastEnqueued,
      isEmpty: partition.events.length === 0,
    };
  }

  /** The sequence number a receiver starting at `position` reads first (it may not be enqueued yet). */
  firstSequence(partitionId: string, position: StartPosition): number {
    const partition = this.partitions.find((p) => p.id === partitionId);
    if (!partition) return 0;
    const kept = partition.events;
    const firstKept = kept[0]?.sequenceNumber ?? partition.nextSequence;
    switch (position.kind) {
      case 'latest':
        return partition.nextSequence;
      case 'earliest':
        return firstKept;
      case 'sequence':
        return Math.max(firstKept, position.inclusive ? position.value : position.value + 1);
      case 'offset': {
        const found = kept.find((e) => (position.inclusive ? e.offset >= position.value : e.offset > position.value));
        return found ? found.sequenceNumber : partition.nextSequence;
      }
      case 'enqueued': {
        const found = kept.find((e) => e.enqueuedTime.getTime() > position.afterMs);
        return found ? found.sequenceNumber : partition.nextSequence;
      }
    }
  }

  /** Up to `max` kept events from sequence number `from` on (events that fell off retention are skipped). */
  read(partitionId: string, from: number, max: number): StoredEvent[] {
    const partition = this.partitions.find((p) => p.id === partitionId);
    if (!partition || max <= 0) return [];
    const kept = partition.events;
    const first = kept[0]?.sequenceNumber;
    if (first === undefined) return [];
    const start = Math.max(0, from - first);
    return kept.slice(start, start + max);
  }
}
