import type { TelemetryRecord } from '../cloud/localhub/registry';
import type { TelemetryEvent } from '../../shared/ipc/cloud.contract';

const MAX_EVENT_BODY = 64 * 1024;

/** A message the local hub received, as a `cloud.telemetry` event (bodies cut at 64 KiB). */
export function telemetryEvent(record: TelemetryRecord): TelemetryEvent {
  const bytes = Buffer.from(record.message.body);
  const cut = bytes.subarray(0, MAX_EVENT_BODY);
  const text = new TextDecoder('utf-8', { fatal: true });
  let body: string;
  let bodyEncoding: 'utf8' | 'base64' = 'utf8';
  try {
    body = text.decode(cut);
  } catch {
    body = cut.toString('base64');
    bodyEncoding = 'base64';
  }
  return {
    deviceId: record.from.deviceId,
    ...(record.from.moduleId ? { moduleId: record.from.moduleId } : {}),
    enqueuedTimeUtc: record.enqueuedTimeUtc,
    systemProperties: { ...record.message.systemProperties },
    properties: { ...record.message.properties },
    body,
    bodyEncoding,
    bodyBytes: bytes.length,
    ...(bytes.length > MAX_EVENT_BODY ? { truncated: true } : {}),
  };
}
