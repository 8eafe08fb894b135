import { createRequire } from 'node:module';
import type { Client, ModuleClient } from 'azure-iot-device';
import type deviceSdk from 'azure-iot-device';
import type mqttSdk from 'azure-iot-device-mqtt';

let requireSdk: NodeJS.Require | undefined;
let device: typeof deviceSdk | undefined;
let mqtt: typeof mqttSdk | undefined;

/**
 * azure-iot-device, required when first used instead of imported: with its MQTT transport (mqtt.js, lodash, machina)
 * it is ~9 MB of an idle edge hub's RSS (bench:hub), and a hub without an upstream never uses it. It is CommonJS, so
 * this is the same module object a static `import x from` gives (one instance: `instanceof` agrees either way).
 */
export function loadDeviceSdk(): typeof deviceSdk {
  device ??= sdkRequire()('azure-iot-device') as typeof deviceSdk;
  return device;
}

/** azure-iot-device-mqtt's `Mqtt` transport, required when first used (see loadDeviceSdk). */
export function loadMqttTransport(): typeof mqttSdk.Mqtt {
  mqtt ??= sdkRequire()('azure-iot-device-mqtt') as typeof mqttSdk;
  return mqtt.Mqtt;
}

/** CommonJS bundles (tests' crash children) have `require` and no import.meta.url; ESM has import.meta.url. */
function sdkRequire(): NodeJS.Require {
  requireSdk ??= typeof require === 'function' ? require : createRequire(import.meta.url);
  return requireSdk;
}

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
