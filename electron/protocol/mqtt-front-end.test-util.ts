import { Agent, createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { createLeaf, createSelfSigned, createTestPki, MemoryBackend, sasIdentity, sasKey, type TestPki } from './memory-backend.test-util';
import type { PemPair } from './certificate-factory';
import { attachMqttWebSocket, IotHubMqttFrontEnd, listenMqttTls, type MqttTlsListener, type MqttWebSocketAttachment } from './mqtt-front-end';
import { createSasToken, sasResource } from './sas-token';

/** A front end on a loopback TLS listener and a loopback HTTPS server taking MQTT over WebSocket, with a memory backend. */
export interface FrontEndFixture {
  readonly hub: string;
  readonly pki: TestPki;
  readonly backend: MemoryBackend;
  readonly frontEnd: IotHubMqttFrontEnd;
  readonly port: number;
  readonly wsPort: number;
  readonly https: HttpsServer;
  readonly logs: string[];
  readonly selfSigned: PemPair;
  readonly caSigned: PemPair;
  readonly untrusted: PemPair;
  readonly deviceCa: PemPair;
  /** A connection string for a SAS identity of the backend, dialling the TLS listener. */
  connectionString(deviceId: string, moduleId?: string, seed?: number): string;
  token(deviceId: string, moduleId: string | undefined, key: string, expiry?: number): string;
  /** A raw MQTT 3.1.1 client (mqtt.js) authenticated with a SAS token. */
  raw(deviceId: string, moduleId?: string, seed?: number, options?: IClientOptions): Promise<MqttClient>;
  /** An https.Agent that dials the WebSocket server whatever port the URL names (MqttWs always asks for 443). */
  readonly wsAgent: Agent;
  close(): Promise<void>;
}

export const MAX_MESSAGE_BYTES = 4096;

export async function startFrontEndFixture(): Promise<FrontEndFixture> {
  const hub = 'MyHub.local';
  const pki = await createTestPki();
  const deviceCa = (await createTestPki()).ca;
  const [selfSigned, caSigned, untrusted] = await Promise.all([createSelfSigned('x1'), createLeaf(deviceCa, 'ca1'), createLeaf((await createTestPki()).ca, 'ca1')]);
  const { X509Certificate } = await import('node:crypto');
  const backend = new MemoryBackend()
    .add(sasIdentity('d1'))
    .add(sasIdentity('d2', undefined, 2))
    .add(sasIdentity('ws1', undefined, 3))
    .add(sasIdentity('r1', undefined, 11))
    .add(sasIdentity('r2', undefined, 12))
    .add(sasIdentity('r3', undefined, 13))
    .add(sasIdentity('r4', undefined, 14))
    .add(sasIdentity('r5', undefined, 15))
    .add(sasIdentity('r6', undefined, 16))
    .add(sasIdentity('r7', undefined, 17))
    .add(sasIdentity('r8', undefined, 18))
    .add(sasIdentity('e1', 'm3', 7))
    .add(sasIdentity('e1', 'm1', 5))
    .add(sasIdentity('e1', 'm2', 6))
    .add({ deviceId: 'x1', status: 'enabled', credentials: { type: 'selfSigned', primaryThumbprint: new X509Certificate(selfSigned.certificatePem).fingerprint } })
    .add({ deviceId: 'ca1', status: 'enabled', credentials: { type: 'certificateAuthority' } });
  const logs: string[] = [];
  // X.509 connection strings ignore GatewayHostName (azure-iot-device's X509AuthenticationProvider gets only HostName), so
  // X.509 devices dial HostName=localhost:<port> and the hub must answer to that name too: take a free port first.
  const port = await freePort();
  const frontEnd = new IotHubMqttFrontEnd({ backend, hostNames: [hub, `localhost:${port}`], trustedDeviceCaPems: [deviceCa.certificatePem], maxMessageBytes: MAX_MESSAGE_BYTES, log: (line) => {
      logs.push(line);
      if (process.env.PROTOCOL_TEST_LOG) console.log(line);
    },
  });
  const tls: MqttTlsListener = await listenMqttTls({ frontEnd, host: '127.0.0.1', port, cert: pki.server.certificatePem, key: pki.server.privateKeyPem, requestCert: true });
  const https = createHttpsServer({ cert: pki.server.certificatePem, key: pki.server.privateKeyPem, requestCert: true, rejectUnauthorized: false });
  const ws: MqttWebSocketAttachment = attachMqttWebSocket(https, frontEnd);
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const wsPort = (https.address() as AddressInfo).port;
  const wsAgent = new (class extends Agent {
    override createConnection(options: ConnectionOptions) {
      return tlsConnect({ ...options, host: '127.0.0.1', port: wsPort });
    }
  })();
  const token = (deviceId: string, moduleId: string | undefined, key: string, expiry = Math.floor(Date.now() / 1000) + 3600) =>
    createSasToken({ resource: sasResource(hub, deviceId, moduleId), key, expiry });
  const raws: MqttClient[] = [];
  return {
    hub,
    pki,
    backend,
    frontEnd,
    port: tls.port,
    wsPort,
    https,
    logs,
    selfSigned,
    caSigned,
    untrusted,
    deviceCa,
    wsAgent,
    token,
    connectionString: (deviceId, moduleId, seed = 1) =>
      `HostName=${hub};DeviceId=${deviceId};${moduleId ? `ModuleId=${moduleId};` : ''}SharedAccessKey=${sasKey(seed)};GatewayHostName=localhost:${tls.port}`,
    raw: async (deviceId, moduleId, seed = 1, options = {}) => {
      const clientId = moduleId ? `${deviceId}/${moduleId}` : deviceId;
      const client = await connectAsync(`mqtts://localhost:${tls.port}`, {
        clientId,
        username: `${hub}/${clientId}/?api-version=2021-04-12`,
        password: token(deviceId, moduleId, sasKey(seed)),
        ca: pki.ca.certificatePem,
        protocolVersion: 4,
        clean: false,
        reconnectPeriod: 0,
        ...options,
      });
      raws.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(raws.map((client) => client.endAsync(true).catch(() => undefined)));
      ws.close();
      wsAgent.destroy();
      await new Promise<void>((resolve) => https.close(() => resolve()));
      await frontEnd.close();
      await tls.close();
    },
  };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
