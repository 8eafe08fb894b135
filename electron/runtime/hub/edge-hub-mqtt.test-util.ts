import { createServer } from 'node:net';
import type { IClientOptions } from 'mqtt';
import { createSasToken, sasResource } from '../../protocol/sas-token';

/** What the edge hub's hub-level tests (durability, hostile clients) share: raw mqtt.js options for a module, waiting. */

export interface ModuleLogin {
  readonly port: number;
  /** PEM the client trusts: the edge CA's trust bundle. */
  readonly ca: string;
  /** IOTEDGE_IOTHUBHOSTNAME: the username's host and the token's audience. */
  readonly hostName: string;
  readonly deviceId: string;
  readonly moduleId: string;
  /** Base64 key the token is signed with. */
  readonly key: string;
  /** Epoch seconds; default an hour from now. */
  readonly expiry?: number;
  /** The identity the token is for, when it is not `deviceId/moduleId` (a wrong audience). */
  readonly resource?: string;
}

/** MQTT 3.1.1 over TLS as azure-iot-device's MQTT transport connects a module: client id `d/m`, SAS password. */
export function moduleMqttOptions(login: ModuleLogin): IClientOptions {
  const clientId = `${login.deviceId}/${login.moduleId}`;
  return {
    host: '127.0.0.1',
    port: login.port,
    protocol: 'mqtts',
    servername: 'localhost',
    ca: login.ca,
    clientId,
    username: `${login.hostName}/${clientId}/?api-version=2021-04-12`,
    password: createSasToken({
      resource: login.resource ?? sasResource(login.hostName, login.deviceId, login.moduleId),
      key: login.key,
      expiry: login.expiry ?? Math.floor(Date.now() / 1000) + 3600,
    }),
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 60,
  };
}

/** The topic a module output is published on, with application properties, as the SDK writes it. */
export function outputTopic(deviceId: string, moduleId: string, output: string, properties: Readonly<Record<string, string>>): string {
  const app = Object.entries(properties).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `devices/${deviceId}/modules/${moduleId}/messages/events/${[`%24.on=${encodeURIComponent(output)}`, ...app].join('&')}/`;
}

/** Application properties of a hub → module input topic (`…/inputs/<input>/<bag>`). */
export function inputProperties(topic: string): Record<string, string> {
  const bag = topic.split('/').slice(6).join('/');
  return Object.fromEntries(
    bag
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair) => pair.split('=').map((part) => decodeURIComponent(part)) as [string, string]),
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` (sync or async) until it gives a value other than undefined/false; fails naming `what` after the timeout. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
