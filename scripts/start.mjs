#!/usr/bin/env node
// `npm start`: the desktop app where Electron's binary exists; otherwise the served console in the browser.
// `npm run serve` (--serve): always the served console. Extra arguments go to `gatehouse serve`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureBuilt, ensureDependencies, ROOT } from './ensure.mjs';

ensureDependencies();
ensureBuilt();

const args = process.argv.slice(2);
const serveOnly = args.includes('--serve');
const passThrough = args.filter((a) => a !== '--serve');

function electronBinary() {
  try {
    const path = createRequire(join(ROOT, 'package.json'))('electron');
    return typeof path === 'string' && existsSync(path) ? { path } : { why: 'its binary is missing' };
  } catch (error) {
    return { why: String(error.message).split('\n')[0] };
  }
}

function exec(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: ROOT, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

const electron = serveOnly ? undefined : electronBinary();
if (electron?.path) {
  exec(electron.path, [join(ROOT, 'dist', 'electron', 'main.cjs')]);
} else {
  if (electron) console.log(`gatehouse: Electron cannot start here (${electron.why}); running the served console instead.`);
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const open = hasDisplay && !passThrough.includes('--no-open') ? ['--open'] : [];
  exec(process.execPath, [join(ROOT, 'dist', 'cli.mjs'), 'serve', ...open, ...passThrough.filter((a) => a !== '--no-open')]);
}
