#!/usr/bin/env node
// Builds everything into dist/: the renderer (Vite), the CLI and served console (dist/cli.mjs),
// Electron's main and preload (dist/electron/*.cjs) and the benchmarks (dist/bench.mjs).
import { build as esbuild } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);

const define = { __GATEHOUSE_VERSION__: JSON.stringify(pkg.version) };
const node = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', define, absWorkingDir: root };
// CommonJS bundles (Electron) get a real import.meta.url, and `require` for a package imported on first use
// (`await import('aedes')`): the same loader a top-level import gets there (asar-aware, CommonJS and ESM alike).
const cjs = {
  ...node,
  format: 'cjs',
  supported: { 'dynamic-import': false },
  define: { ...define, 'import.meta.url': '__gatehouse_import_meta_url' },
  banner: { js: "const __gatehouse_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
};
// dockerode loads ssh2 and gRPC eagerly for features Gatehouse does not use; bundles get a stub instead.
const STUBBED = /^(ssh2|@grpc\/grpc-js|@grpc\/proto-loader)$/;
const BUNDLED = /^(dockerode|docker-modem)(\/|$)/;
const slimDocker = {
  name: 'slim-docker',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (STUBBED.test(args.path)) return { path: join(root, 'scripts/stubs/unavailable.cjs') };
      if (BUNDLED.test(args.path) || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};
const esm = {
  ...node,
  format: 'esm',
  plugins: [slimDocker],
  banner: { js: "import { createRequire as __gatehouseCreateRequire } from 'node:module'; const require = __gatehouseCreateRequire(import.meta.url);" },
};

const started = Date.now();
const jobs = [];
if (want('renderer')) {
  const { build } = await import('vite');
  jobs.push(build({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' }));
}
if (want('node')) {
  jobs.push(
    esbuild({ ...esm, entryPoints: { cli: 'electron/cli/entry.ts', bench: 'scripts/bench/bench.ts', 'bench-hub': 'scripts/bench/hub.bench.ts', 'bench-hub-child': 'scripts/bench/hub-child.ts' }, outdir: 'dist', outExtension: { '.js': '.mjs' } }),
    esbuild({ ...cjs, plugins: [slimDocker], entryPoints: { main: 'electron/main/main.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' }, external: ['electron'] }),
    // The sandboxed preload may only require('electron'): everything else is bundled in.
    esbuild({ ...cjs, minify: true, entryPoints: { preload: 'electron/preload/preload.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' }, external: ['electron'] }),
  );
}
await Promise.all(jobs);
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist/.stamp'), new Date().toISOString());
console.log(`gatehouse: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
