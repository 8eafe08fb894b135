#!/usr/bin/env node
// Makes a checkout runnable with nothing but Node: installs npm dependencies when they are missing or stale,
// and builds dist/ when any source is newer than the last build. Used by `npm start`, `npm test`, `npm run bench`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newestIn(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : mtime(path));
  }
  return newest;
}

export function ensureDependencies() {
  const installed = join(ROOT, 'node_modules', '.package-lock.json');
  if (mtime(installed) >= mtime(join(ROOT, 'package-lock.json'))) return;
  console.log('gatehouse: installing npm dependencies (npm ci)…');
  if (run(npm, ['ci', '--no-audit', '--no-fund']) !== 0) {
    console.error('gatehouse: `npm ci` failed. Check that the npm registry is reachable.');
    process.exit(1);
  }
}

export function ensureBuilt({ force = false } = {}) {
  const stamp = mtime(join(ROOT, 'dist', '.stamp'));
  const sources = Math.max(
    ...['shared', 'renderer', 'electron', 'scripts', 'resources'].map((d) => newestIn(join(ROOT, d))),
    mtime(join(ROOT, 'package.json')),
  );
  if (!force && stamp > sources) return;
  if (run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')]) !== 0) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureDependencies();
  ensureBuilt();
}
