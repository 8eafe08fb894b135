import type { ContainerEvent, ContainerEventFilter, ContainerEventKind } from '../driver-model';
import { labelsMatch } from './docker-mappers';

/**
 * Parses one message of `GET /events` into a ContainerEvent. Pure.
 * Docker: `{Type:'container', Action:'die', Actor:{ID, Attributes:{name, image, exitCode, …labels}}, time, timeNano}`.
 * Actions we do not model (exec_*, attach, resize, top, copy, …) give undefined.
 */
const SIMPLE_KINDS: ReadonlySet<ContainerEventKind> = new Set([
  'create',
  'start',
  'restart',
  'oom',
  'stop',
  'pause',
  'unpause',
  'rename',
  'destroy',
]);

/** Attribute keys Docker adds next to the container's labels. */
const ATTRIBUTE_KEYS = new Set(['name', 'image', 'exitCode', 'signal', 'execDuration', 'oldName']);

interface RawEvent {
  Type?: unknown;
  Action?: unknown;
  Actor?: { ID?: unknown; Attributes?: unknown };
  id?: unknown;
  time?: unknown;
  timeNano?: unknown;
}

export function parseContainerEvent(value: unknown): ContainerEvent | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const raw = value as RawEvent;
  if (raw.Type !== 'container' || typeof raw.Action !== 'string') return undefined;
  const id = typeof raw.Actor?.ID === 'string' ? raw.Actor.ID : typeof raw.id === 'string' ? raw.id : '';
  if (!id) return undefined;
  const attributes: Record<string, string> =
    raw.Actor?.Attributes && typeof raw.Actor.Attributes === 'object' ? (raw.Actor.Attributes as Record<string, string>) : {};
  const labels: Record<string, string> = {};
  for (const [key, val] of Object.entries(attributes)) if (!ATTRIBUTE_KEYS.has(key)) labels[key] = String(val);
  const timeNano = typeof raw.timeNano === 'number' ? BigInt(Math.trunc(raw.timeNano)).toString() : String(raw.timeNano ?? '');
  const seconds = typeof raw.time === 'number' ? raw.time : 0;
  const base = {
    id,
    name: attributes.name ?? '',
    image: attributes.image ?? '',
    labels,
    time: timeNano && /^\d+$/.test(timeNano) ? Number(BigInt(timeNano) / 1_000_000n) : seconds * 1000,
    timeNano: timeNano && /^\d+$/.test(timeNano) ? timeNano : String(BigInt(seconds) * 1_000_000_000n),
  };
  const action = raw.Action;
  if (action === 'die') {
    const exitCode = Number.parseInt(attributes.exitCode ?? '', 10);
    return { ...base, kind: 'die', exitCode: Number.isNaN(exitCode) ? -1 : exitCode };
  }
  if (action === 'kill') return { ...base, kind: 'kill', signal: attributes.signal ?? '' };
  if (action.startsWith('health_status')) {
    return { ...base, kind: 'health', healthStatus: action.slice('health_status'.length).replace(/^:\s*/, '') };
  }
  const kind = action as ContainerEventKind;
  if (SIMPLE_KINDS.has(kind)) return { ...base, kind: kind as Exclude<ContainerEventKind, 'die' | 'kill' | 'health'> };
  return undefined;
}

export function eventMatches(event: ContainerEvent, filter: ContainerEventFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.kinds && !filter.kinds.includes(event.kind)) return false;
  if (filter.containerIds && !filter.containerIds.some((id) => event.id === id || event.id.startsWith(id) || event.name === id)) {
    return false;
  }
  return labelsMatch(event.labels, filter.labels);
}

/** RFC 3339 with up to nanosecond precision (Docker's `SystemTime`) → ns since the epoch. Pure. */
export function rfc3339ToNanos(value: string): bigint | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9})\d*)?(Z|[+-]\d{2}:\d{2})$/.exec(value.trim());
  if (!match?.[1] || !match[3]) return undefined;
  const millis = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(millis)) return undefined;
  return BigInt(millis) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/**
 * Drops events the engine replays after a re-subscription with `since` (Docker's `since` is inclusive and
 * only has second precision in some versions): everything older than the newest seen, or equal to it and seen.
 */
export class ReplayFilter {
  private newest = -1n;
  private seenAtNewest = new Set<string>();

  /** Starts the filter at an engine time (ns since the epoch) when no event has been seen yet. */
  setFloor(nanos: bigint): void {
    if (this.newest < 0n) this.newest = nanos;
  }

  /** The `since` to ask for when re-subscribing (seconds.nanoseconds), or undefined before the first event. */
  get since(): string | undefined {
    if (this.newest < 0n) return undefined;
    const seconds = this.newest / 1_000_000_000n;
    const nanos = (this.newest % 1_000_000_000n).toString().padStart(9, '0');
    return `${seconds}.${nanos}`;
  }

  /** True when the event is new; records it. */
  accept(event: ContainerEvent): boolean {
    const at = BigInt(event.timeNano || '0');
    const key = `${event.id}/${event.kind}`;
    if (at < this.newest) return false;
    if (at === this.newest) {
      if (this.seenAtNewest.has(key)) return false;
      this.seenAtNewest.add(key);
      return true;
    }
    this.newest = at;
    this.seenAtNewest = new Set([key]);
    return true;
  }
}
