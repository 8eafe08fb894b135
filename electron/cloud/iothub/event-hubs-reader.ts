import type { EventHubConsumerClient, ReceivedEventData, Subscription } from '@azure/event-hubs';
import { lazyModule } from '../../runtime/lazy-module';
import { appError, err, ok, type AppError, type Result } from '../../../shared/errors';
import type { TelemetryEvent } from '../../../shared/ipc/cloud.contract';
import { localEventHubsClientOptions, type LocalHubEndpoint } from './local-adapter';

// Loaded when events are first read from a hub's Event Hubs-compatible endpoint (not at start-up).
const eventHubs = lazyModule<typeof import('@azure/event-hubs')>('@azure/event-hubs');

/**
 * Device-to-cloud messages of an IoT Hub read from its Event Hubs-compatible endpoint (what `az iot hub
 * monitor-events` does) with the official `@azure/event-hubs` EventHubConsumerClient, as `cloud.telemetry` events.
 * A real hub gets the client untouched; the embedded local hub is reached through the adapter (WebSockets + its CA).
 */

/** Where the Event Hubs-compatible connection string is, for messages that ask the user for it. */
export const EVENT_HUBS_HINT =
  'Azure portal › your IoT hub › Hub settings › Built-in endpoints › Event Hub-compatible endpoint (it starts with Endpoint=sb://…/;SharedAccessKeyName=…;EntityPath=…)';

export interface EventHubsConnectionInfo {
  readonly endpoint: string;
  readonly policy: string;
  readonly entityPath: string;
}

/** Checks an Event Hubs-compatible connection string: Endpoint (sb://), SharedAccessKeyName, SharedAccessKey, EntityPath. */
export function parseEventHubsConnectionString(value: string): Result<EventHubsConnectionInfo> {
  const text = value.trim();
  if (!text) return err(appError('BAD_REQUEST', 'the Event Hubs-compatible connection string is empty'));
  const fields = Object.fromEntries(
    text
      .split(';')
      .filter(Boolean)
      .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  ) as Record<string, string | undefined>;
  if (fields.HostName !== undefined) {
    return err(appError('BAD_REQUEST', `this is an IoT Hub connection string (HostName=…), not its Event Hubs-compatible one: see ${EVENT_HUBS_HINT}`));
  }
  const missing = ['Endpoint', 'SharedAccessKeyName', 'SharedAccessKey', 'EntityPath'].filter((k) => !fields[k]);
  if (missing.length > 0) return err(appError('BAD_REQUEST', `the Event Hubs-compatible connection string has no ${missing.join(', ')} (${EVENT_HUBS_HINT})`));
  if (!/^sb:\/\/[^/\s]+\/?$/.test(fields.Endpoint ?? '')) return err(appError('BAD_REQUEST', 'Endpoint must be sb://<namespace host>/ in an Event Hubs-compatible connection string'));
  const key = fields.SharedAccessKey ?? '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, 'base64').length < 16) return err(appError('BAD_REQUEST', 'SharedAccessKey of the Event Hubs-compatible connection string is not a base64 key'));
  return ok({ endpoint: fields.Endpoint!, policy: fields.SharedAccessKeyName!, entityPath: fields.EntityPath! });
}

export interface EventHubsReaderOptions {
  /** Default `$Default`. */
  readonly consumerGroup?: string;
  /** The embedded local hub's HTTPS port and CA (the adapter); absent for a real hub. */
  readonly local?: LocalHubEndpoint & { readonly host?: string };
  /** Default `latest` (only what arrives from now on, like monitor-events). */
  readonly startAt?: 'latest' | 'earliest';
  /**
   * One attempt, for checking a string the user just gave: the client retries UnauthorizedError (keys may be
   * rotating) with backoff, which would keep a wrong key waiting for a minute and a half.
   */
  readonly verifyOnly?: boolean;
}

export interface EventHubsReaderHandlers {
  readonly onEvent: (event: TelemetryEvent) => void;
  /** A failure the client reports (it keeps retrying transient ones); auth errors are UNAUTHORIZED, anything else DISCONNECTED or NOT_FOUND. */
  readonly onError?: (error: AppError) => void;
}

export class EventHubsReader {
  private subscription?: Subscription;

  private constructor(
    readonly info: EventHubsConnectionInfo,
    private readonly client: EventHubConsumerClient,
    private readonly startAt: 'latest' | 'earliest',
  ) {}

  static create(connectionString: string, options: EventHubsReaderOptions = {}): Result<EventHubsReader> {
    const info = parseEventHubsConnectionString(connectionString);
    if (!info.ok) return info;
    try {
      const clientOptions = {
        ...(options.local ? localEventHubsClientOptions(options.local) : {}),
        ...(options.verifyOnly ? { retryOptions: { maxRetries: 0, timeoutInMs: 30_000 } } : {}),
      };
      const client = new (eventHubs().EventHubConsumerClient)(options.consumerGroup ?? '$Default', connectionString.trim(), clientOptions);
      return ok(new EventHubsReader(info.value, client, options.startAt ?? 'latest'));
    } catch (cause) {
      return err(appError('BAD_REQUEST', `the Event Hubs-compatible connection string is not usable: ${(cause as Error).message}`));
    }
  }

  /** The entity's name and partitions: a real round trip (CBS token, `$management`), used to verify a new string. */
  async properties(): Promise<Result<{ name: string; partitionIds: string[] }>> {
    try {
      const properties = await this.client.getEventHubProperties();
      return ok({ name: properties.name, partitionIds: [...properties.partitionIds] });
    } catch (cause) {
      return err(fromEventHubsError(cause, `cannot read the Event Hubs-compatible endpoint ${this.info.endpoint}`));
    }
  }

  /** Starts reading every partition; events arrive until close(). */
  start(handlers: EventHubsReaderHandlers): void {
    this.subscription?.close().catch(() => undefined);
    this.subscription = this.client.subscribe(
      {
        processEvents: async (events) => {
          for (const event of events) {
            const converted = toTelemetryEvent(event);
            if (converted) handlers.onEvent(converted);
          }
        },
        processError: async (error) => handlers.onError?.(fromEventHubsError(error, `reading ${this.info.entityPath} failed`)),
      },
      { startPosition: this.startAt === 'latest' ? eventHubs().latestEventPosition : eventHubs().earliestEventPosition, skipParsingBodyAsJson: true, maxWaitTimeInSeconds: 5 },
    );
  }

  async close(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close().catch(() => undefined);
    await this.client.close().catch(() => undefined);
  }
}

const MAX_EVENT_BODY = 64 * 1024;

/** An event from IoT Hub's Event Hubs-compatible endpoint as a TelemetryEvent; undefined when it names no device. */
export function toTelemetryEvent(event: ReceivedEventData): TelemetryEvent | undefined {
  const system = (event.systemProperties ?? {}) as Record<string, unknown>;
  const deviceId = system['iothub-connection-device-id'];
  if (typeof deviceId !== 'string') return undefined;
  const moduleId = system['iothub-connection-module-id'];
  const enqueued = system['iothub-enqueuedtime'] ?? event.enqueuedTimeUtc;
  const raw = event.getRawAmqpMessage();
  const systemProperties: Record<string, string> = {};
  const set = (name: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') systemProperties[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  };
  set('mid', event.messageId);
  set('cid', event.correlationId);
  set('ct', event.contentType);
  set('ce', raw.properties?.contentEncoding);
  set('uid', (raw.properties as { userId?: unknown } | undefined)?.userId);
  set('on', system['iothub-outputname']);
  const properties = Object.fromEntries(Object.entries(event.properties ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const bytes = bodyBytes(event.body);
  const cut = bytes.subarray(0, MAX_EVENT_BODY);
  let body: string;
  let bodyEncoding: 'utf8' | 'base64' = 'utf8';
  try {
    body = new TextDecoder('utf-8', { fatal: true }).decode(cut);
  } catch {
    body = cut.toString('base64');
    bodyEncoding = 'base64';
  }
  return {
    deviceId,
    ...(typeof moduleId === 'string' && moduleId ? { moduleId } : {}),
    enqueuedTimeUtc: isoTime(enqueued),
    systemProperties,
    properties,
    body,
    bodyEncoding,
    bodyBytes: bytes.length,
    ...(bytes.length > MAX_EVENT_BODY ? { truncated: true } : {}),
  };
}

/** An annotation time (the client gives epoch milliseconds; a Date or text is taken too) as ISO 8601. */
function isoTime(value: unknown): string {
  const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value) : new Date(String(value));
  return Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
}

function bodyBytes(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body ?? null), 'utf8');
}

/** The client's MessagingError codes as ours: UnauthorizedError → UNAUTHORIZED, anything else (unreachable, busy) → DISCONNECTED. */
export function fromEventHubsError(cause: unknown, doing: string): AppError {
  // After its retries the client throws an AggregateError of every attempt: the last one says what happened.
  const attempts = (cause as { errors?: unknown[] } | undefined)?.errors;
  const error = (Array.isArray(attempts) && attempts.length > 0 ? attempts.at(-1) : cause) as { code?: string; name?: string; message?: string };
  const message = `${doing}: ${error?.message ?? String(cause)}`;
  switch (error?.code) {
    case 'UnauthorizedError':
      return appError('UNAUTHORIZED', message);
    case 'MessagingEntityNotFoundError':
    case 'ResourceNotFoundError':
      return appError('NOT_FOUND', message);
    case 'ENOTFOUND':
    case 'ECONNREFUSED':
    case 'ServiceUnavailableError':
    case 'ServiceCommunicationError':
      return appError('DISCONNECTED', message);
    default:
      return appError('DISCONNECTED', message);
  }
}
