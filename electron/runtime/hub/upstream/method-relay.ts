import type { EventEmitter } from 'node:events';
import type deviceSdk from 'azure-iot-device';
import { loadDeviceSdk } from './upstream-sdk';

type ModuleClient = deviceSdk.ModuleClient;

/** Answers a direct method the cloud sent to a module (the edge hub relays it to the module's own connection). */
export type ModuleMethodInvoker = (moduleId: string, methodName: string, payload: unknown) => Promise<{ readonly status: number; readonly payload?: unknown }>;

/** What azure-iot-device-mqtt emits as `method_<name>` for `$iothub/methods/POST/<name>/?$rid=…`. */
interface MethodMessage {
  readonly requestId: string;
  readonly methods: { readonly methodName: string };
  readonly body?: Buffer;
}

/** The name registered with onMethod only to make the SDK subscribe to `$iothub/methods/POST/#`. */
const SUBSCRIBE_ONLY = '$gatehouse-relay';

/**
 * Relays every direct method the cloud sends to a module's upstream connection to `invoke`. azure-iot-device has no
 * catch-all (a method without a handler is dropped and the caller times out): as resources/modules/method-responder
 * does, the MQTT transport's `method_<name>` events that no listener takes are answered here with the SDK's own
 * DeviceMethodResponse. The transport is private to the SDK: false when it does not look as expected.
 */
export function relayModuleMethods(client: ModuleClient, moduleId: string, invoke: ModuleMethodInvoker, log: (line: string) => void): boolean {
  const transport = (client as unknown as { _transport?: EventEmitter })._transport;
  if (!transport || typeof transport.emit !== 'function' || typeof transport.listenerCount !== 'function') return false;
  const emit = transport.emit.bind(transport);
  transport.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    const message = args[0] as MethodMessage | undefined;
    const unhandled = typeof event === 'string' && event.startsWith('method_') && transport.listenerCount(event) === 0;
    if (!unhandled || !message || typeof message.requestId !== 'string' || !message.methods) return emit(event, ...args);
    const response = new (loadDeviceSdk().DeviceMethodResponse)(message.requestId, transport as never);
    const answer = (status: number, payload: unknown) =>
      response.send(status, payload ?? null, (error?: Error) => {
        if (error) log(`upstream: the answer to ${message.methods.methodName} of ${moduleId} was not sent: ${error.message}`);
      });
    let payload: unknown;
    const text = message.body?.length ? message.body.toString('utf8') : '';
    try {
      payload = text ? JSON.parse(text) : null;
    } catch {
      answer(400, { message: 'the method payload is not JSON' });
      return true;
    }
    void invoke(moduleId, message.methods.methodName, payload).then(
      (result) => answer(result.status, result.payload),
      (error: unknown) => answer(500, { message: (error as Error).message }),
    );
    return true;
  };
  client.onMethod(SUBSCRIBE_ONLY, () => undefined);
  return true;
}
