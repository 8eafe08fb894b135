import type { Client, ModuleClient } from 'azure-iot-device';

/** What the link needs of azure-iot-device's device and module clients alike. */
export type SdkClient = Client | ModuleClient;

/**
 * How a failure from azure-iot-device reads to the link, by the error class's name (azure-iot-common's classes come
 * in several bundled copies, so `instanceof` is unreliable):
 * - `refused`: the hub does not accept the identity (CONNACK 4/5/2 all become UnauthorizedError in the MQTT
 *   transport; DeviceNotFoundError / NotFoundError from other paths);
 * - `tooLarge`: MessageTooLargeError (the SDK itself refuses a body over 256 KiB before publishing);
 * - `failed`: anything else (not connected, socket errors, server busy): try again later.
 */
export function errorKind(error: unknown): 'refused' | 'tooLarge' | 'failed' {
  const name = error instanceof Error ? error.name || error.constructor.name : '';
  if (name === 'UnauthorizedError' || name === 'DeviceNotFoundError' || name === 'NotFoundError' || name === 'IotHubNotFoundError') return 'refused';
  if (name === 'MessageTooLargeError') return 'tooLarge';
  return 'failed';
}

/** An error's text with anything that looks like a key, a SAS token or its signature masked, for logs and state. */
export function redact(error: unknown): string {
  const text = error instanceof Error ? `${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}` : String(error);
  return text
    .replace(/SharedAccessSignature\s+[^\s;"']+/gi, 'SharedAccessSignature ***')
    .replace(/(SharedAccessKey|SharedAccessSignature|sig|key|primaryKey|secondaryKey)(["']?\s*[=:]\s*["']?)[^\s;&"',}]+/gi, '$1$2***');
}
