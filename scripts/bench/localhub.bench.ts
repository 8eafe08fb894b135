import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iothub from 'azure-iothub';
import { createRootCa, createServerCertificate } from '../../electron/protocol/certificate-factory';
import { importPrivateKeyPem } from '../../electron/protocol/x509-runtime';
import { reachLocalHub } from '../../electron/cloud/iothub/local-adapter';
import { LocalHub } from '../../electron/cloud/localhub/localhub';
import { SecretBox } from '../../electron/runtime/secrets/secret-box';
import type { Figure } from './bench';

const CREATES = 300;
const TWIN_GETS = 500;
const FLEET = 10_000;

/**
 * The local hub through the official azure-iothub SDK, as the console and tests use it: device creates per second
 * and twin reads per second (reference: a bare HTTPS request/response round trip on the same TLS setup, the floor
 * any REST server pays), and a paged query over 10,000 devices (reference: serialising and parsing the same twins
 * once in memory, the floor of moving them at all).
 */
export async function localHubBenchmarks(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-hub-'));
  const hub = LocalHub.start({ dataDir, secrets: new SecretBox(dataDir), httpsPort: 0, mqttPort: 0 });
  try {
    while (hub.state.state === 'starting') await new Promise((r) => setTimeout(r, 50));
    if (hub.state.state !== 'running') throw new Error(`local hub: ${JSON.stringify(hub.state)}`);
    const info = await hub.info();
    if (!info.ok) throw new Error(info.error.message);
    const ca = readFileSync(info.value.caFile, 'utf8');
    const registry = reachLocalHub(iothub.Registry.fromConnectionString(info.value.connectionString), { httpsPort: info.value.httpsPort, ca });

    const floor = await httpsFloor();
    let started = performance.now();
    for (let i = 0; i < CREATES; i++) await registry.create({ deviceId: `bench-${i}` });
    const createsPerSec = CREATES / ((performance.now() - started) / 1000);

    started = performance.now();
    for (let i = 0; i < TWIN_GETS; i++) await registry.getTwin(`bench-${i % CREATES}`);
    const twinGetsPerSec = TWIN_GETS / ((performance.now() - started) / 1000);

    for (let i = 0; i < FLEET; i += 100) {
      const batch = Array.from({ length: 100 }, (_, j) => ({ deviceId: `fleet-${i + j}`, status: 'enabled' as const, capabilities: { iotEdge: (i + j) % 10 === 0 } }));
      await registry.addDevices(batch as never);
    }
    started = performance.now();
    let rows = 0;
    const query = registry.createQuery('SELECT * FROM devices', 1000);
    do {
      // The promise form of next() ignores the stored token (azure-iothub 1.16.6 passes `undefined` on): give it.
      const page = await query.next(query.continuationToken);
      rows += (page.result as unknown[]).length;
    } while (query.hasMoreResults);
    const queryMs = performance.now() - started;
    const twins = (await registry.createQuery('SELECT * FROM devices', 1000).next()).result as unknown[];
    const copyStarted = performance.now();
    for (let i = 0; i < Math.ceil(rows / twins.length); i++) JSON.parse(JSON.stringify(twins));
    const copyMs = performance.now() - copyStarted;

    return [
      { key: 'localHubCreatesPerSec', label: 'Local hub: device create through azure-iothub', value: createsPerSec, unit: '/s', reference: { label: 'bare HTTPS round trips', value: floor } },
      { key: 'localHubTwinGetsPerSec', label: 'Local hub: twin get through azure-iothub', value: twinGetsPerSec, unit: '/s', reference: { label: 'bare HTTPS round trips', value: floor } },
      { key: 'localHubQuery10kMs', label: `Local hub: query ${rows} devices, pages of 1000`, value: queryMs, unit: 'ms', reference: { label: 'JSON copy of the same twins', value: copyMs } },
    ];
  } finally {
    await hub.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Round trips per second of a do-nothing HTTPS handler (PUT of a small JSON body, one keep-alive connection, a
 * certificate of the same kind as the hub's): what any REST server on this machine pays per request.
 */
async function httpsFloor(): Promise<number> {
  const day = 86_400_000;
  const validity = { notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + day) };
  const root = await createRootCa('bench floor', validity);
  const leaf = await createServerCertificate(
    { certificatePem: root.certificatePem, privateKey: await importPrivateKeyPem(root.privateKeyPem) },
    { commonName: 'localhost', subjectAltNames: ['localhost'], ...validity },
  );
  const server = createServer({ cert: leaf.certificatePem, key: leaf.privateKeyPem }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"deviceId":"x"}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const agent = new Agent({ keepAlive: true, ca: root.certificatePem, maxSockets: 1 });
  const n = 500;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: 'localhost', port, path: '/devices/x', method: 'PUT', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end('{"deviceId":"x"}');
    });
  }
  const perSec = n / ((performance.now() - started) / 1000);
  agent.destroy();
  server.close();
  return perSec;
}
