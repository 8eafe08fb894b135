import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Agent, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Registry } from 'azure-iothub';
import { createRootCa, createServerCertificate } from '../../protocol/certificate-factory';
import type { DeviceGateway } from '../../protocol/device-backend';
import { importPrivateKeyPem } from '../../protocol/x509-runtime';
import { SecretBox } from '../../runtime/secrets/secret-box';
import { attachLocalHubAgent } from '../iothub/local-adapter';
import type { LocalHubInfo } from '../../../shared/ipc/localhub.contract';
import { LocalHub } from './localhub';
import { LocalHubRegistry } from './registry';
import { createRestHandler, type RestHandlerOptions } from './rest-server';

/**
 * A local hub's REST side on a loopback HTTPS port, and the unmodified azure-iothub SDK pointed at it the way
 * HUB-CONTRACTS.md §1.2 describes: `HostName=localhost` (so `sr` = localhost), the CA and an https.Agent whose
 * `defaultPort` is the local port injected through the SDK's private `_restApiClient.setOptions`.
 */

export const HOST_NAME = 'localhost';

export interface TestHub {
  readonly registry: LocalHubRegistry;
  readonly dir: string;
  readonly port: number;
  readonly caPem: string;
  readonly connectionString: (policy?: string) => string;
  /** An SDK Registry for a policy (default iothubowner), wired to this hub. */
  sdkRegistry(policy?: string): Registry;
  /** An SDK service Client (direct methods), wired to this hub. */
  sdkClient(policy?: string): Client;
  agent(): Agent;
  close(): Promise<void>;
}

let certificates: Promise<{ caPem: string; certificatePem: string; privateKeyPem: string }> | undefined;

function testCertificates(): Promise<{ caPem: string; certificatePem: string; privateKeyPem: string }> {
  certificates ??= (async () => {
    const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) };
    const ca = await createRootCa('gatehouse local hub test CA', validity);
    const leaf = await createServerCertificate({ certificatePem: ca.certificatePem, privateKey: await importPrivateKeyPem(ca.privateKeyPem) }, {
      commonName: HOST_NAME,
      subjectAltNames: [HOST_NAME, '127.0.0.1'],
      ...validity,
    });
    return { caPem: ca.certificatePem, certificatePem: leaf.certificatePem, privateKeyPem: leaf.privateKeyPem };
  })();
  return certificates;
}

/** Routes the SDK's REST client to the local port with the local CA (the seam the console's adapter will own). */
/** The product's one adapter (electron/cloud/iothub/local-adapter.ts), without keep-alive for short-lived test clients. */
export function wireSdkClient(client: Registry | Client, port: number, caPem: string): Agent {
  return attachLocalHubAgent(client, { httpsPort: port, ca: caPem }, { keepAlive: false });
}

export async function startTestHub(options: { dir?: string; gateway?: DeviceGateway; rest?: Partial<RestHandlerOptions> } = {}): Promise<TestHub> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'gatehouse-localhub-')));
  const registry = await LocalHubRegistry.open({ dir, hostName: HOST_NAME });
  if (options.gateway) registry.setGateway(options.gateway);
  const certs = await testCertificates();
  const handler = createRestHandler({ registry, hostName: HOST_NAME, ...options.rest });
  // Client certificates are asked for (X.509 devices over HTTPS) but checked by the handler, as the local hub does.
  const server: Server = createServer({ cert: certs.certificatePem, key: certs.privateKeyPem, requestCert: true, rejectUnauthorized: false }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agents: Agent[] = [];
  const connectionString = (policy = 'iothubowner') => {
    const found = registry.policies().find((p) => p.keyName === policy);
    if (!found) throw new Error(`no policy ${policy}`);
    return `HostName=${HOST_NAME};SharedAccessKeyName=${policy};SharedAccessKey=${found.primaryKey}`;
  };
  return {
    registry,
    dir,
    port,
    caPem: certs.caPem,
    connectionString,
    sdkRegistry(policy) {
      const sdk = Registry.fromConnectionString(connectionString(policy));
      agents.push(wireSdkClient(sdk, port, certs.caPem));
      return sdk;
    },
    sdkClient(policy) {
      const sdk = Client.fromConnectionString(connectionString(policy));
      agents.push(wireSdkClient(sdk, port, certs.caPem));
      return sdk;
    },
    agent() {
      const agent = new Agent({ keepAlive: false, ca: certs.caPem });
      (agent as unknown as { defaultPort: number }).defaultPort = port;
      agents.push(agent);
      return agent;
    },
    async close() {
      for (const agent of agents) agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await registry.close();
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The error class the SDK raised, by name: azure-iothub bundles its own copy of azure-iot-common's errors
 * (`dist/common-core/errors`), so `instanceof` against azure-iot-common's classes never matches.
 */
export async function sdkErrorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.name : String(error);
  }
  return 'resolved';
}

/** The composed LocalHub (REST, MQTT and AMQPS on free ports) on a fresh data folder, with its info and root CA. */
export interface ComposedTestHub {
  readonly hub: LocalHub;
  readonly info: LocalHubInfo;
  readonly ca: string;
  dispose(): Promise<void>;
}

export async function startComposedTestHub(prefix: string): Promise<ComposedTestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: 0, mqttPort: 0, amqpPort: 0 });
  while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 20));
  const info = await hub.info();
  if (!info.ok) throw new Error(info.error.message);
  return {
    hub,
    info: info.value,
    ca: readFileSync(info.value.caFile, 'utf8'),
    dispose: async () => {
      await hub.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
