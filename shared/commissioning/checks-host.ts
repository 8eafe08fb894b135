import { defineCheck, listWords, notGathered, verdict } from './check-def';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Compares dotted versions numerically ("20.10.24+dfsg1" vs "v1.25"): a leading v and a build or pre-release suffix are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .trim()
      .replace(/^v/i, '')
      .split(/[+-]/)[0]
      ?.split('.')
      .map((p) => Number.parseInt(p, 10) || 0) ?? [];
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const remoteSkip = () => verdict('skipped', 'The device is not this machine: its host is checked on the device (`iotedge check`).');

export const engineReachable = defineCheck({
  id: 'host.engine',
  title: 'Docker engine reachable and recent enough',
  group: 'host',
  facts: ['engine', 'target'],
  verdict: (f) => {
    if (f.target.runtime === 'remote') return remoteSkip();
    if (!f.engine.available) return verdict('error', `The Docker engine does not answer: ${f.engine.reason}`, 'Start the engine (`sudo systemctl start docker`, or Docker Desktop), and check that this user may use its socket.');
    const min = f.engine.minDockerVersion;
    if (min && compareVersions(f.engine.version, min) < 0) {
      return verdict('error', `Docker ${f.engine.version} is older than the deployment's minDockerVersion ${min}.`, `Upgrade the engine to ${min} or later.`, { version: f.engine.version, minDockerVersion: min });
    }
    return verdict('ok', `Docker ${f.engine.version} (API ${f.engine.apiVersion})${min ? `, at least ${min} as the deployment asks` : ''}.`, undefined, { version: f.engine.version, apiVersion: f.engine.apiVersion });
  },
});

export const diskSpace = defineCheck({
  id: 'host.disk',
  title: 'Free disk for store-and-forward',
  group: 'host',
  facts: ['disk', 'target'],
  verdict: (f) => {
    if (f.target.runtime === 'remote') return remoteSkip();
    if (!f.disk.available) return notGathered('the free space', f.disk);
    const free = f.disk.freeBytes;
    const words = `${(free / GiB).toFixed(1)} GiB free of ${(f.disk.totalBytes / GiB).toFixed(1)} GiB at ${f.disk.path}`;
    const data = { freeBytes: free, totalBytes: f.disk.totalBytes, path: f.disk.path };
    if (free < 256 * MiB) return verdict('error', `${words}: messages kept during an outage will soon have no room.`, 'Free disk space on that volume, or move the data folder (GATEHOUSE_DATA_DIR) to a larger one.', data);
    if (free < GiB) return verdict('warning', `${words}: less than the 1 GiB the edge hub's store may use.`, 'Free disk space on that volume before a long outage fills it.', data);
    return verdict('ok', `${words}.`, undefined, data);
  },
});

const ROTATING_DRIVERS = new Set(['local', 'journald', 'syslog', 'none', 'etwlogs', 'gcplogs', 'awslogs', 'fluentd', 'splunk', 'gelf']);

export const logRotation = defineCheck({
  id: 'host.log-rotation',
  title: 'Container logs rotate',
  group: 'host',
  dependsOn: ['host.engine'],
  facts: ['containers', 'target'],
  verdict: (f) => {
    if (f.target.runtime === 'remote') return remoteSkip();
    if (!f.containers.available) return notGathered('the containers', f.containers);
    if (f.containers.containers.length === 0) return verdict('skipped', 'No module container to look at.');
    const unbounded = f.containers.containers.filter((c) => !ROTATING_DRIVERS.has(c.logDriver) && !c.logOptions['max-size']);
    if (unbounded.length > 0) {
      return verdict(
        'warning',
        `Logs grow without bound (${unbounded[0]?.logDriver ?? 'json-file'} without max-size) for ${listWords(unbounded.map((c) => c.module))}: a long-running gateway fills its disk.`,
        'Set log rotation as IoT Edge recommends for production: in /etc/docker/daemon.json, "log-driver": "local" (or json-file with "log-opts": {"max-size": "10m", "max-file": "3"}), or per module in createOptions HostConfig.LogConfig.',
        { modules: unbounded.map((c) => c.module) },
      );
    }
    return verdict('ok', `Every module's logs rotate (${listWords([...new Set(f.containers.containers.map((c) => c.logDriver))])}).`);
  },
});

export const clockSkew = defineCheck({
  id: 'host.clock',
  title: 'Clock in step with the hub',
  group: 'host',
  facts: ['clock'],
  verdict: (f) => {
    if (!f.clock.available) return notGathered("the hub's time", f.clock);
    const skew = f.clock.skewMs;
    const s = Math.abs(skew) / 1000;
    const words = `This machine's clock is ${s < 1 ? 'within a second of' : `${s.toFixed(0)} s ${skew > 0 ? 'behind' : 'ahead of'}`} the hub (hub: ${f.clock.hubDate}).`;
    const data = { skewMs: skew, hubDate: f.clock.hubDate };
    if (s > 300) return verdict('error', `${words} SAS tokens are refused with a skew this large.`, 'Set the clock: enable NTP (`timedatectl set-ntp true`) or set the time by hand.', data);
    if (s > 30) return verdict('warning', `${words}`, 'Enable NTP (`timedatectl set-ntp true`): token lifetimes and message times drift with the clock.', data);
    return verdict('ok', words, undefined, data);
  },
});

export const HOST_CHECKS = [engineReachable, diskSpace, logRotation, clockSkew];
