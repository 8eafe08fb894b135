/**
 * `npm run bench:hub`'s hub process (dist/bench-hub-child.mjs): starts the edge hub alone, so the parent can read
 * its RSS from /proc, and answers the parent over IPC (hub-process.ts). argv[2] is a HubChildConfig (JSON).
 */
import { mkdirSync } from 'node:fs';
import type { Result } from '../../shared/errors';
import { compileRoute, createMessageContext, evaluate, type CompiledRoute } from '../../shared/routes';
import { createRootCa, createServerCertificate } from '../../electron/protocol/certificate-factory';
import type { BackendError, DeviceBackend, HubMessage, IdentityRecord, IdentityRef, TwinSections } from '../../electron/protocol/device-backend';
import { IotHubMqttFrontEnd, listenMqttTls } from '../../electron/protocol/mqtt-front-end';
import { importPrivateKeyPem } from '../../electron/protocol/x509-runtime';
import type { ChildToParent, HubChildConfig, ParentToChild, RunningHub } from './hub-process';

const send = (message: ChildToParent) => process.send?.(message);

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as HubChildConfig;
  mkdirSync(config.dataDir, { recursive: true });
  const hub = await startFrontEndOnly(config);
  process.on('message', (message: ParentToChild) => {
    void (async () => {
      try {
        switch (message.type) {
          case 'upstream':
            await hub.setUpstream(message);
            return send({ type: 'upstream-set' });
          case 'stats':
            return send({ type: 'stats', ...hub.stats() });
          case 'stop':
            await hub.close();
            process.exit(0);
        }
      } catch (error) {
        send({ type: 'failed', message: (error as Error).message });
      }
    })();
  });
  send({ type: 'ready', port: hub.port, caPem: hub.caPem, parts: hub.parts });
}

async function serverCertificate(hostName: string): Promise<{ caPem: string; cert: string; key: string }> {
  const day = 86_400_000;
  const validity = { notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + day) };
  const root = await createRootCa('bench edge ca', validity);
  const leaf = await createServerCertificate(
    { certificatePem: root.certificatePem, privateKey: await importPrivateKeyPem(root.privateKeyPem) },
    { commonName: hostName, subjectAltNames: [...new Set([hostName, 'localhost', '127.0.0.1'])], ...validity },
  );
  return { caPem: root.certificatePem, cert: leaf.certificatePem, key: leaf.privateKeyPem };
}

/**
 * The protocol front end with routes evaluated in memory and module inputs delivered at once (no store, no
 * upstream): a harness check, used only until the edge hub's own composition exists.
 */
async function startFrontEndOnly(config: HubChildConfig): Promise<RunningHub> {
  const routes: CompiledRoute[] = [];
  for (const text of Object.values(config.routes)) {
    const compiled = compileRoute(text);
    if (!compiled.ok) throw new Error(`route ${text}: ${compiled.error.message}`);
    routes.push(compiled.value);
  }
  const keys = new Map(config.modules.map((m) => [m.moduleId, m.primaryKey]));
  let delivered = 0;
  // eslint-disable-next-line prefer-const -- the backend needs the front end it is given to
  let frontEnd: IotHubMqttFrontEnd;
  const backend: DeviceBackend = {
    lookupIdentity: (ref: IdentityRef): Promise<Result<IdentityRecord, BackendError>> => {
      const key = ref.deviceId === config.deviceId && ref.moduleId !== undefined ? keys.get(ref.moduleId) : undefined;
      return Promise.resolve(
        key ? { ok: true, value: { ...ref, status: 'enabled', credentials: { type: 'sas', primaryKey: key, secondaryKey: key } } } : { ok: false, error: { code: 'NOT_FOUND', message: 'unknown identity' } },
      );
    },
    acceptTelemetry: async (from: IdentityRef, message: HubMessage): Promise<Result<void, BackendError>> => {
      const systemProperties = { ...message.systemProperties, connectionDeviceId: from.deviceId, ...(from.moduleId ? { connectionModuleId: from.moduleId } : {}), ...(message.systemProperties.on ? { outputName: message.systemProperties.on } : {}) };
      const ctx = createMessageContext({ body: message.body, properties: message.properties, systemProperties, source: from.moduleId ? { kind: 'module', moduleId: from.moduleId, ...(message.systemProperties.on ? { output: message.systemProperties.on } : {}) } : { kind: 'device', deviceId: from.deviceId } });
      for (const route of routes) {
        if (!evaluate(route, ctx) || route.sink.kind !== 'moduleInput') continue;
        if (await frontEnd.deliver({ deviceId: config.deviceId, moduleId: route.sink.module }, { ...message, systemProperties }, route.sink.input)) delivered++;
      }
      return { ok: true, value: undefined };
    },
    getTwin: (): Promise<Result<TwinSections, BackendError>> => Promise.resolve({ ok: true, value: { desired: { $version: 1 }, reported: { $version: 1 } } }),
    patchReported: (): Promise<Result<{ readonly version: number }, BackendError>> => Promise.resolve({ ok: true, value: { version: 2 } }),
    connectionChanged: () => undefined,
  };
  frontEnd = new IotHubMqttFrontEnd({ backend, hostNames: [config.hostName] });
  const pki = await serverCertificate(config.hostName);
  const listener = await listenMqttTls({ frontEnd, host: '127.0.0.1', port: 0, cert: pki.cert, key: pki.key, requestCert: false });
  return {
    port: listener.port,
    caPem: pki.caPem,
    parts: 'front end + in-memory routing (harness check; no store, no upstream)',
    setUpstream: () => Promise.reject(new Error('this composition has no upstream')),
    stats: () => ({ endpoints: [{ endpoint: 'module inputs', depth: 0, delivered }], upstream: 'none' }),
    close: async () => {
      await frontEnd.close();
      await listener.close();
    },
  };
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: (error as Error).stack ?? String(error) });
  process.exit(1);
});
