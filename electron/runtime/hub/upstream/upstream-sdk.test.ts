import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../../..');
// Inside the repository (ignored by git), so that the bundle's bare imports resolve to its node_modules.
mkdirSync(join(root, '.gatehouse-test'), { recursive: true });
const work = mkdtempSync(join(root, '.gatehouse-test', 'upstream-sdk-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('azure-iot-device in the upstream modules', () => {
  it('is not loaded by importing them, nor by a link whose hub refuses connections; only when a message or a client is first made', async () => {
    // A fresh process with the upstream modules bundled as the product bundles them (packages stay external).
    const entry = join(work, 'entry.ts');
    const modules = ['upstream-link', 'system-twins', 'method-relay', 'upstream-message', 'upstream-sdk'].map((name) => join(here, `${name}.ts`));
    writeFileSync(
      entry,
      [
        "import { createRequire } from 'node:module';",
        "import { createServer } from 'node:net';",
        ...modules.map((file, i) => `import * as m${i} from ${JSON.stringify(file)};`),
        'const cache = createRequire(import.meta.url).cache;',
        "const loaded = () => Object.keys(cache).some((path) => /node_modules[\\\\/]azure-iot-device(-mqtt)?[\\\\/]/.test(path));",
        `const exported = [${modules.map((_, i) => `m${i}`).join(', ')}].map((m) => Object.keys(m).length);`,
        'const before = loaded();',
        // A port nobody listens on: the link goes offline with the socket's reason, without building an SDK client.
        'const server = createServer();',
        "await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));",
        'const port = server.address().port;',
        'await new Promise((resolve) => server.close(resolve));',
        "const identities = { deviceId: 'gw', getDevice: async () => ({ deviceId: 'gw', primaryKey: 'a2V5', secondaryKey: 'a2V5', generationId: 'g' }), getModule: async () => undefined, listModules: async () => [], syncModules: async () => ({ ok: true, value: { created: [], removed: [] } }) };",
        "const link = new m0.UpstreamLink({ hubHostName: '127.0.0.1', port, identities, ensureIdentities: async () => ({ ok: true, value: undefined }), backoff: { initialMs: 50, maxMs: 50 } });",
        "const offline = new Promise((resolve) => link.onDidChange((state) => state.state === 'offline' && resolve(state)));",
        'link.start();',
        'const state = await offline;',
        "await new Promise((resolve) => link.onDidChange((s) => s.state === 'offline' && resolve()));",
        'await link.dispose();',
        'const afterOutage = loaded();',
        'm3.toUpstreamMessage({ body: new Uint8Array([1]), systemProperties: { mid: "1" }, properties: { a: "b" } });',
        'const afterMessage = loaded();',
        'const transport = typeof m4.loadMqttTransport();',
        'console.log(JSON.stringify({ before, afterOutage, lastError: state.lastError, afterMessage, transport, exported }));',
      ].join('\n'),
    );
    const outfile = join(work, 'entry.mjs');
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const out = JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8' }).trim().split('\n').at(-1) as string) as {
      before: boolean;
      afterOutage: boolean;
      lastError: string;
      afterMessage: boolean;
      transport: string;
      exported: number[];
    };
    expect(out.exported.every((count) => count > 0)).toBe(true);
    expect(out.before).toBe(false);
    expect(out.afterOutage).toBe(false);
    expect(out.lastError).toMatch(/^cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect(out.afterMessage).toBe(true);
    expect(out.transport).toBe('function');
  });
});
