import type Dockerode from 'dockerode';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { SupportBundleResult, SupportProgress } from '../../../shared/ipc/support.contract';
import type { RuntimeSnapshot } from '../../../shared/ipc/runtime.contract';
import { createHost, type Host } from '../../host/host';
import { runtimeLogPath } from '../../host/runtime-log';
import { BUSYBOX_IMAGE, newRunId, requireEngine, requireTestImages, TEST_LABEL, waitFor } from '../../runtime/drivers/test-engine.test-util';
import { IdentityStore } from '../../runtime/workload/identity.store';
import { disposeEngineHost } from '../../host/host.test-util';

/**
 * `support.bundle` on the real console (real Docker engine, a busybox module, the embedded local hub and the edge
 * hub): secrets planted in the manifest (an env value, a registry password, a connection string in createOptions
 * Env) and in a module's log (it echoes them, the device's connection string and its own module key) appear nowhere
 * in any byte of any file of the archive, while each module's log and inspect are in it. Refusals: an existing file,
 * a folder that does not exist.
 */

const runId = newRunId();
const DEVICE = `support-${runId}`;
const MODULE = `echo-${runId}`;
const OTHER = `quiet-${runId}`;
const labels = { [TEST_LABEL]: runId };
const dataDir = mkdtempSync(join(tmpdir(), 'gh-support-'));
const outDir = mkdtempSync(join(tmpdir(), 'gh-support-out-'));
let docker: Dockerode;
let host: Host;
const progress: SupportProgress[] = [];

const planted = {
  dbPassword: `planted-db-password-${runId}`,
  registryPassword: `planted-registry-pw-${runId}`,
  // A key shaped like IoT Hub's, inside a connection string in createOptions Env.
  connectionKey: randomBytes(32).toString('base64'),
};

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const result = await host.dispatcher.invoke(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

function deployment(echo: readonly string[]): string {
  const busybox = (cmd: string, env: string[]) => ({
    version: '1.0',
    type: 'docker',
    status: 'running',
    restartPolicy: 'always',
    settings: { image: BUSYBOX_IMAGE, createOptions: JSON.stringify({ Entrypoint: ['/bin/sh', '-c'], Cmd: [cmd], Env: env, Labels: labels }) },
  });
  const script = `${echo.map((line) => `echo '${line}'`).join('; ')}; echo "env $DB_PASSWORD $UPSTREAM_CS"; echo marker-${runId}; exec sleep 3600`;
  return JSON.stringify({
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          runtime: { type: 'docker', settings: { registryCredentials: { planted: { address: 'localhost:5999', username: 'gatehouse', password: planted.registryPassword } } } },
          systemModules: {
            edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } },
            edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' } },
          },
          modules: {
            [MODULE]: {
              ...busybox(script, [`UPSTREAM_CS=HostName=hub.example.net;DeviceId=other;SharedAccessKey=${planted.connectionKey}`]),
              env: { DB_PASSWORD: { value: planted.dbPassword }, LOG_LEVEL: { value: 'info' } },
            },
            [OTHER]: busybox(`echo quiet-${runId}; exec sleep 3600`, []),
          },
        },
      },
      $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: { all: 'FROM /messages/* INTO $upstream' }, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
    },
  });
}

/** Every entry of a zip: name → bytes. */
function unzip(path: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => (entries.set(entry.fileName, Buffer.concat(chunks)), zip.readEntry()));
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

beforeAll(async () => {
  docker = await requireEngine();
  await requireTestImages(docker, ['busybox-module']);
  const ports = { GATEHOUSE_EDGEHUB_MQTT_PORT: '0', GATEHOUSE_EDGEHUB_HTTPS_PORT: '0', GATEHOUSE_LOCALHUB_MQTT_PORT: '0', GATEHOUSE_LOCALHUB_HTTPS_PORT: '0' };
  host = createHost({ dataDir, shell: 'served', env: { ...process.env, ...ports, GATEHOUSE_DEVICE_ID: DEVICE, GATEHOUSE_RECONCILE_PERIOD_MS: '1000', GATEHOUSE_PROBE_SCOPE: 'loopback' }, log: () => undefined });
  host.events.listen((wire, payload) => {
    if (wire === 'support.progress') progress.push(payload as SupportProgress);
  });
  await host.ready;
}, 300_000);

afterAll(() => disposeEngineHost(host, docker, runId, dataDir, outDir), 60_000);

describe('support bundle on the real console', () => {
  it('holds each module’s log and inspect, and not one planted secret, key or connection string in any byte', async () => {
    const identities = await IdentityStore.open({ dataDir, deviceId: DEVICE, secrets: host.secrets });
    if (!identities.ok) throw new Error(identities.error.message);
    const device = await identities.value.getDevice();
    const deviceConnectionString = `HostName=localhost;DeviceId=${DEVICE};SharedAccessKey=${device.primaryKey}`;
    // First apply: the modules get their identities; the second makes the module echo its own key too.
    await call('runtime.apply', { text: deployment([deviceConnectionString]) });
    const moduleKey = await waitFor('the module identity', async () => {
      const fresh = await IdentityStore.open({ dataDir, deviceId: DEVICE, secrets: host.secrets });
      return fresh.ok ? (await fresh.value.getModule(MODULE))?.primaryKey : undefined;
    }, 60_000);
    await call('runtime.apply', { text: deployment([deviceConnectionString, `module key ${moduleKey}`]) });
    let last = '';
    await waitFor(
      'both modules to run, the echo one with its key in its log',
      async () => {
        const status = await call<RuntimeSnapshot>('runtime.status');
        last = JSON.stringify({ v: status.version, r: status.reconciledVersion, m: status.modules.map((m) => [m.name, m.runtimeStatus]) });
        if (status.reconciledVersion !== status.version || status.modules.length !== 2 || !status.modules.every((m) => m.runtimeStatus === 'running')) return undefined;
        const logs = await call<{ lines: { line: string }[] }>('runtime.logs', { name: MODULE });
        last += JSON.stringify(logs.lines.slice(-6));
        return logs.lines.some((l) => l.line.includes(moduleKey)) && logs.lines.some((l) => l.line === `marker-${runId}`) ? true : undefined;
      },
      120_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${last}`);
    });
    const modules = await IdentityStore.open({ dataDir, deviceId: DEVICE, secrets: host.secrets }).then(async (s) => (s.ok ? s.value.listModules() : []));
    // A downstream device in the local hub: its keys are known to the console only through the hub's registry.
    const leaf = await call<{ authentication: { symmetricKey: { primaryKey: string; secondaryKey: string } } }>('cloud.deviceCreate', { deviceId: `leaf-${runId}` });
    const leafKeys = [leaf.authentication.symmetricKey.primaryKey, leaf.authentication.symmetricKey.secondaryKey];
    const secrets = [
      planted.dbPassword,
      planted.registryPassword,
      planted.connectionKey,
      device.primaryKey,
      device.secondaryKey,
      ...modules.flatMap((m) => [m.primaryKey, m.secondaryKey]),
      ...leafKeys,
    ];
    expect(modules.map((m) => m.moduleId)).toEqual(expect.arrayContaining([MODULE, OTHER]));

    // A runtime log line that leaked secrets (as a careless log line would): masked like the rest, the leaf's key by
    // value (glued to a word, no pattern catches it). And one from before --since: left out.
    appendFileSync(
      runtimeLogPath(dataDir),
      `${new Date(Date.now() - 2 * 3_600_000).toISOString()} old-line-${runId}\n${new Date().toISOString()} leaked ${planted.dbPassword} and ${device.primaryKey}; leaf key glued to a word:x${leafKeys[0]}\n`,
    );
    const out = join(outDir, 'bundle.zip');
    const result = await call<SupportBundleResult>('support.bundle', { since: '1h', out });
    expect(result).toMatchObject({ path: out, bytes: statSync(out).size });
    const entries = await unzip(out);
    expect(result.files).toBe(entries.size);
    const names = [...entries.keys()];
    for (const name of ['manifest.json', 'README.txt', 'manifest/deployment.json', 'versions.json', 'reported/edgeAgent.json', 'runtime/status.json', 'edgehub/outbox.json', 'reported/edgeHub.json', 'runtime/runtime.log']) {
      expect(names, name).toContain(name);
    }
    for (const module of [MODULE, OTHER]) {
      expect(names).toContain(`modules/${module}/logs.txt`);
      expect(names).toContain(`modules/${module}/inspect.json`);
      const inspect = JSON.parse(entries.get(`modules/${module}/inspect.json`)!.toString('utf8')) as { Name: string; Config: { Labels: Record<string, string> } };
      expect(inspect.Name).toBe(`/${module}`);
      expect(inspect.Config.Labels[TEST_LABEL]).toBe(runId);
    }
    // The console's own log: what the agent and the edge hub said, with their times.
    const runtimeLog = entries.get('runtime/runtime.log')!.toString('utf8');
    expect(runtimeLog).toMatch(/^\S+Z agent: deployment version \d+ accepted/m);
    expect(runtimeLog).toContain('leaked [REDACTED] and [REDACTED]; leaf key glued to a word:x[REDACTED]');
    expect(runtimeLog).not.toContain(`old-line-${runId}`);
    const echoLog = entries.get(`modules/${MODULE}/logs.txt`)!.toString('utf8');
    expect(echoLog).toContain(`marker-${runId}`);
    expect(echoLog).toContain(`DeviceId=${DEVICE};SharedAccessKey=[REDACTED]`);
    expect(echoLog).toContain('module key [REDACTED]');
    expect(entries.get(`modules/${OTHER}/logs.txt`)!.toString('utf8')).toContain(`quiet-${runId}`);
    const index = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as { files: { name: string }[]; redaction: { knownSecrets: Record<string, number> } };
    expect(index.files.map((f) => f.name).sort()).toEqual(names.filter((n) => n !== 'manifest.json').sort());
    expect(index.redaction.knownSecrets).toMatchObject({ manifest: expect.any(Number), identity: expect.any(Number), 'hub-connection': expect.any(Number), 'hub-registry': expect.any(Number) });
    expect(index.redaction.knownSecrets['hub-registry']).toBeGreaterThanOrEqual(2);
    expect(entries.get('README.txt')!.toString('utf8')).toContain(`modules/${MODULE}/logs.txt`);

    // Every byte of every file (and every file name), in the forms a secret can take in text.
    for (const [name, bytes] of entries) {
      const text = bytes.toString('utf8');
      for (const secret of secrets) {
        for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
          expect(text.includes(form), `a secret in ${name}`).toBe(false);
          expect(name.includes(form)).toBe(false);
        }
      }
    }
    const mine = progress.filter((p) => p.phase === 'collecting');
    expect(mine.map((p) => p.phase === 'collecting' && p.step)).toEqual(expect.arrayContaining([`modules/${MODULE}/logs.txt`, `modules/${MODULE}/inspect.json`]));
    expect(progress.at(-1)).toMatchObject({ phase: 'written', result });
  }, 300_000);

  it('never overwrites a file, and refuses a folder that does not exist or a relative path, each with a clear message', async () => {
    const existing = join(outDir, 'existing.zip');
    writeFileSync(existing, 'keep me');
    const conflict = await host.dispatcher.invoke('support.bundle', { out: existing });
    expect(conflict).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('already exists') } });
    expect(statSync(existing).size).toBe('keep me'.length);
    const noFolder = await host.dispatcher.invoke('support.bundle', { out: join(outDir, 'missing', 'b.zip') });
    expect(noFolder).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('does not exist') } });
    const relative = await host.dispatcher.invoke('support.bundle', { out: 'b.zip' });
    expect(relative).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const since = await host.dispatcher.invoke('support.bundle', { out: join(outDir, 'c.zip'), since: 'yesterday' });
    expect(since).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
