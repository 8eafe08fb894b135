#!/usr/bin/env node
// What the test suite needs from the machine: Debian's Chromium (e2e), a Docker engine (runtime tests) and
// busybox-static (test images). As root on Debian/Ubuntu they are installed and the engine is started;
// elsewhere a clear message names what to install.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { request } from 'node:http';

const PACKAGES = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'docker.io', present: () => has('dockerd') && has('docker') },
  { pkg: 'busybox-static', present: () => isStaticBusybox() },
  // The remote-console spec makes a network namespace, which needs root; without root it prints why it did not run.
  { pkg: 'iproute2', present: () => has('ip'), rootOnly: true },
];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function isStaticBusybox() {
  if (!existsSync('/bin/busybox')) return false;
  const out = spawnSync('file', ['-L', '/bin/busybox'], { encoding: 'utf8' });
  // Without `file`, trust the package database.
  if (out.status !== 0) return spawnSync('dpkg', ['-s', 'busybox-static'], { stdio: 'ignore' }).status === 0;
  return /statically linked|static-pie/.test(out.stdout);
}

const isRoot = process.getuid?.() === 0;
const isDebian = existsSync('/etc/debian_version') && has('apt-get');

export function ensurePackages() {
  const missing = PACKAGES.filter((p) => (isRoot || !p.rootOnly) && !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  if (!isRoot || !isDebian) {
    throw new Error(`The tests need these packages: ${missing.join(', ')}. Install them (on Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}).`);
  }
  console.log(`gatehouse: installing ${missing.join(', ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env }).status !== 0) throw new Error('apt-get update failed');
  if (spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env }).status !== 0) {
    throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
}

export function pingDocker(socketPath = '/var/run/docker.sock') {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => (req.destroy(), resolve(false)));
    req.end();
  });
}

export async function ensureDockerEngine() {
  if (process.env.DOCKER_HOST || (await pingDocker())) return;
  if (!isRoot) throw new Error('No Docker engine answers on /var/run/docker.sock. Start one (e.g. `sudo systemctl start docker`).');
  console.log('gatehouse: starting a Docker engine (dockerd --bridge=none --iptables=false)…');
  const log = openSync('/tmp/gatehouse-dockerd.log', 'a');
  const child = spawn('dockerd', ['--bridge=none', '--iptables=false'], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  for (let i = 0; i < 120; i++) {
    if (await pingDocker()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('dockerd did not answer within 60 s; see /tmp/gatehouse-dockerd.log');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  try {
    ensurePackages();
    await ensureDockerEngine();
    console.log('gatehouse: system dependencies ready');
  } catch (error) {
    console.error(`gatehouse: ${error.message}`);
    process.exit(1);
  }
}
