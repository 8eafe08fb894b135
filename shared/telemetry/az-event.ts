import type { TelemetryEvent } from '../ipc/cloud.contract';

/**
 * A device-to-cloud message in the shape `az iot hub monitor-events --properties all` prints, as
 * `gatehouse monitor-events` prints it and the Fleet's Copy puts it on the clipboard: the payload parsed when the
 * body is JSON text, else the text (or base64).
 */
export function azEvent(event: TelemetryEvent): { event: Record<string, unknown> } {
  let payload: unknown = event.body;
  if (event.bodyEncoding === 'utf8') {
    try {
      payload = JSON.parse(event.body);
    } catch {
      payload = event.body;
    }
  }
  return {
    event: {
      origin: event.deviceId,
      module: event.moduleId ?? '',
      interface: '',
      component: '',
      payload,
      annotations: {
        'iothub-connection-device-id': event.deviceId,
        ...(event.moduleId ? { 'iothub-connection-module-id': event.moduleId } : {}),
        'iothub-enqueuedtime': event.enqueuedTimeUtc,
      },
      properties: { system: event.systemProperties, application: event.properties },
      ...(event.truncated ? { truncated: `the body had ${event.bodyBytes} bytes; the first 64 KiB are shown` } : {}),
    },
  };
}
