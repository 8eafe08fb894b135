import { azEvent } from '../../../../shared/telemetry/az-event';
import type { TelemetryEvent } from '../../../../shared/ipc/cloud.contract';
import type { Sequenced } from '../../app/live-buffer';

/** What an Events row shows of one device-to-cloud message, read once per message. */
export interface EventRowModel {
  readonly seq: number;
  readonly event: TelemetryEvent;
  /** Local time with milliseconds (`14:03:07.412`); the tooltip has the whole local date and the UTC time. */
  readonly time: string;
  readonly timeTitle: string;
  /** `device` or `device/module`. */
  readonly source: string;
  /** The module output the message left by (`systemProperties.on`), when it says. */
  readonly output: string | undefined;
  readonly body: string;
  /** `json`: parsed and pretty-printed; `text`: UTF-8 as is; `base64`: not UTF-8. */
  readonly bodyKind: 'json' | 'text' | 'base64';
  /** Lower-cased body and properties (names and values), for the filter box. */
  readonly haystack: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `HH:MM:SS.mmm` in the reader's time zone; an unreadable time is shown as it came. */
export function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The body as shown: JSON pretty-printed when it parses, else the text (or base64 when it is not UTF-8). */
export function formatBody(event: Pick<TelemetryEvent, 'body' | 'bodyEncoding'>): { text: string; kind: EventRowModel['bodyKind'] } {
  if (event.bodyEncoding === 'base64') return { text: event.body, kind: 'base64' };
  const trimmed = event.body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) {
    try {
      return { text: JSON.stringify(JSON.parse(event.body), null, 2), kind: 'json' };
    } catch {
      // not JSON after all: shown as text
    }
  }
  return { text: event.body, kind: 'text' };
}

export function eventSource(event: Pick<TelemetryEvent, 'deviceId' | 'moduleId'>): string {
  return event.moduleId ? `${event.deviceId}/${event.moduleId}` : event.deviceId;
}

function bag(record: Record<string, string>): string {
  return Object.entries(record)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

export function eventRowModel(item: Sequenced<TelemetryEvent>): EventRowModel {
  const event = item.value;
  const body = formatBody(event);
  const date = new Date(event.enqueuedTimeUtc);
  return {
    seq: item.seq,
    event,
    time: localTime(event.enqueuedTimeUtc),
    timeTitle: Number.isNaN(date.getTime()) ? event.enqueuedTimeUtc : `${date.toLocaleString()} (enqueued ${event.enqueuedTimeUtc})`,
    source: eventSource(event),
    output: event.systemProperties.on || undefined,
    body: body.text,
    bodyKind: body.kind,
    haystack: `${eventSource(event)}\n${event.body}\n${bag(event.properties)}\n${bag(event.systemProperties)}`.toLowerCase(),
  };
}

const models = new WeakMap<Sequenced<TelemetryEvent>, EventRowModel>();

/** Row models of a sample, newest first, each message read once however many samples it is in. */
export function rowModels(items: readonly Sequenced<TelemetryEvent>[]): EventRowModel[] {
  return items.map((item) => {
    let model = models.get(item);
    if (!model) {
      model = eventRowModel(item);
      models.set(item, model);
    }
    return model;
  });
}

/** Rows whose body, properties (names or values) or device/module contain `filter` (any case); all when empty. */
export function filterRows(rows: readonly EventRowModel[], filter: string): readonly EventRowModel[] {
  const needle = filter.trim().toLowerCase();
  return needle ? rows.filter((row) => row.haystack.includes(needle)) : rows;
}

/** A message as JSON, in the shape `az iot hub monitor-events --properties all` (and `gatehouse monitor-events --json`) prints. */
export const eventAsJson = azEvent;

/** The count under the Resume button: how many arrived while paused. */
export function pausedCount(arrived: number): string {
  return arrived === 0 ? 'Paused: nothing new yet' : `Paused: ${arrived.toLocaleString()} new message${arrived === 1 ? '' : 's'}`;
}
