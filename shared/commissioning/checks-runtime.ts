import type { Verdict } from './check-model';
import { defineCheck, listWords, notGathered, plural, verdict, type SubjectVerdict } from './check-def';
import { upstreamRoutes } from './deployment-parts';
import { partsOf } from './checks-configuration';

/** Restarts within this window that make a crash loop. */
const CRASH_LOOP_RESTARTS = 3;
const CRASH_LOOP_WINDOW_MS = 15 * 60 * 1000;
/** The oldest queued message may be this old before the outbox counts as stuck. */
const OUTBOX_OLDEST_MS = 60_000;
/** Queued messages from which a growing queue is a backlog rather than messages in flight. */
const OUTBOX_BACKLOG = 100;

export const modulesRunning = defineCheck({
  id: 'runtime.modules-running',
  title: 'Every desired module is running',
  group: 'runtime',
  dependsOn: ['config.deployment'],
  facts: ['runtime'],
  verdict: (f) => {
    if (!f.runtime.available) return notGathered('the runtime', f.runtime);
    const wanted = f.runtime.modules.filter((m) => m.desiredStatus === 'running');
    const down = wanted.filter((m) => m.runtimeStatus !== 'running');
    if (down.length > 0) {
      const words = down.map((m) => `${m.name} is ${m.runtimeStatus}${m.exitCode !== undefined ? ` (exit ${m.exitCode})` : ''}${m.problem ? `: ${m.problem}` : ''}`);
      return verdict('error', `${listWords(words, 3)}.`, "Open the module's logs (Runtime › the module › Logs, or `gatehouse runtime logs <module>`); Restart it once the cause is fixed.", {
        down: down.map((m) => ({ name: m.name, status: m.runtimeStatus })),
      });
    }
    const stopped = f.runtime.modules.filter((m) => m.desiredStatus === 'stopped').map((m) => m.name);
    return verdict('ok', `${plural(wanted.length, 'module')} running${stopped.length ? `; ${listWords(stopped)} stopped as desired` : ''}.`);
  },
});

export const noCrashLoop = defineCheck({
  id: 'runtime.crash-loop',
  title: 'No module is crash-looping',
  group: 'runtime',
  dependsOn: ['config.deployment'],
  facts: ['runtime', 'now'],
  verdict: (f) => {
    if (!f.runtime.available) return notGathered('the runtime', f.runtime);
    const now = Date.parse(f.now);
    const looping = f.runtime.modules.filter((m) => {
      const recent = m.lastRestartTime !== undefined && now - Date.parse(m.lastRestartTime) < CRASH_LOOP_WINDOW_MS;
      return m.runtimeStatus === 'backoff' || (m.restartCount >= CRASH_LOOP_RESTARTS && recent);
    });
    if (looping.length > 0) {
      return verdict(
        'error',
        `${listWords(looping.map((m) => `${m.name} restarted ${plural(m.restartCount, 'time')}${m.runtimeStatus === 'backoff' ? ', now in backoff' : ''}`))}.`,
        'The module exits soon after it starts: read its last logs for the cause (a missing setting, a wrong image, a crash). Roll back to the last known good deployment if it came with this one.',
        { modules: looping.map((m) => ({ name: m.name, restartCount: m.restartCount, lastRestartTime: m.lastRestartTime })) },
      );
    }
    return verdict('ok', 'No module restarts again and again.');
  },
});

export const deploymentCurrent = defineCheck({
  id: 'runtime.deployment-current',
  title: 'The reported deployment is the desired one',
  group: 'runtime',
  dependsOn: ['config.deployment'],
  facts: ['runtime'],
  verdict: (f) => {
    if (!f.runtime.available) return notGathered('the reported properties', f.runtime);
    const r = f.runtime;
    const data = { desiredVersion: r.desiredVersion, reportedVersion: r.reportedVersion, code: r.lastDesiredStatus.code };
    if (r.reportedVersion !== r.desiredVersion) {
      return verdict(
        'error',
        `Stale deployment: desired version ${r.desiredVersion}, reported lastDesiredVersion ${r.reportedVersion}. The device has not applied the latest deployment.`,
        'Check that the runtime is connected and running (Runtime area); a device that cannot apply says why in lastDesiredStatus.',
        data,
      );
    }
    if (r.lastDesiredStatus.code !== 200) {
      return verdict('error', `Version ${r.desiredVersion} reported with code ${r.lastDesiredStatus.code}: ${r.lastDesiredStatus.description}`, 'Fix what lastDesiredStatus names and apply again.', data);
    }
    return verdict('ok', `Version ${r.desiredVersion} desired and reported applied (200)${r.driver === 'localOverride' ? ', as a local override of the cloud' : ''}.`, undefined, data);
  },
});

export const routesApplied = defineCheck({
  id: 'runtime.routes-applied',
  title: '$edgeHub routes applied',
  group: 'runtime',
  dependsOn: ['config.deployment'],
  facts: ['routes'],
  verdict: (f) => {
    if (!f.routes.available) return notGathered("the edge hub's routes", f.routes);
    if (f.routes.code !== 200) return verdict('error', `The edge hub refused the routes (${f.routes.code}): ${f.routes.description}`, 'Fix the routes named in the message; the hub keeps the previous routes until then.');
    return verdict('ok', `The edge hub runs ${plural(f.routes.routes.length, 'route')} from the desired properties.`);
  },
});

export const upstreamConnected = defineCheck({
  id: 'runtime.upstream',
  title: 'Upstream connected',
  group: 'runtime',
  facts: ['outbox'],
  verdict: (f) => {
    if (!f.outbox.available) return notGathered('the edge hub', f.outbox);
    const u = f.outbox.upstream;
    if (u.state === 'connected') return verdict('ok', `The edge hub is connected upstream${u.detail ? ` to ${u.detail}` : ''}.`);
    if (u.state === 'connecting') return verdict('warning', `The edge hub is connecting upstream${u.detail ? `: ${u.detail}` : ''}.`, 'Run the checks again in a minute.');
    return verdict('error', `The edge hub is ${u.state === 'off' ? 'not linked to a hub' : 'offline'}${u.detail ? `: ${u.detail}` : ''}. Messages for the cloud are kept, not delivered.`, 'See Connectivity and identity for why; messages drain in order once connected.');
  },
});

export const outboxDraining = defineCheck({
  id: 'runtime.outbox',
  title: 'Outbox not growing',
  group: 'runtime',
  facts: ['outbox'],
  verdict: (f) => {
    if (!f.outbox.available) return notGathered('the edge hub', f.outbox);
    const interval = f.outbox.intervalMs;
    // A message in flight is normal; one waiting a minute is stuck, and a backlog that grows is building up.
    const stuck = f.outbox.endpoints.filter((e) => e.depthAfter > 0 && e.oldestAgeMs > OUTBOX_OLDEST_MS);
    const growing = f.outbox.endpoints.filter((e) => !stuck.includes(e) && e.depthAfter > e.depthBefore && e.depthAfter >= OUTBOX_BACKLOG);
    const expired = f.outbox.endpoints.filter((e) => e.expired > 0);
    const data = { endpoints: f.outbox.endpoints.map((e) => ({ endpoint: e.endpoint, depth: e.depthAfter, oldestAgeMs: e.oldestAgeMs, expired: e.expired })) };
    const words = (list: typeof stuck) => list.map((e) => `${e.endpoint}: ${e.depthBefore} → ${e.depthAfter} queued in ${(interval / 1000).toFixed(0)} s, oldest ${(e.oldestAgeMs / 1000).toFixed(0)} s`);
    if (stuck.length > 0) {
      return verdict('error', `Messages wait longer than a minute: ${listWords(words(stuck), 3)}.`, 'The endpoint does not take messages: see Upstream connected, or the receiving module.', data);
    }
    if (growing.length > 0) {
      return verdict('warning', `A backlog is building: ${listWords(words(growing), 3)}.`, 'Messages come faster than the endpoint takes them: check the upstream link and the receiving module.', data);
    }
    if (expired.length > 0) return verdict('warning', `Messages expired before delivery: ${listWords(expired.map((e) => `${e.endpoint} ${e.expired}`))}.`, 'They waited longer than the route or store TTL: check past outages, or raise timeToLiveSecs.', data);
    const queued = f.outbox.endpoints.reduce((n, e) => n + e.depthAfter, 0);
    return verdict('ok', queued === 0 ? 'Nothing waits in the outbox.' : `${plural(queued, 'message')} in flight, not growing.`, undefined, data);
  },
});

export const upstreamArrivals = defineCheck({
  id: 'e2e.route',
  title: 'Messages reach the hub',
  group: 'end-to-end',
  dependsOn: ['config.deployment', 'runtime.upstream'],
  facts: ['arrivals', 'deployment'],
  verdict: (f): readonly SubjectVerdict[] | Verdict => {
    if (!f.arrivals.available) return verdict('skipped', f.arrivals.reason);
    const parts = partsOf(f);
    if (parts && upstreamRoutes(parts).length === 0) return verdict('skipped', 'No route sends to $upstream.');
    return f.arrivals.arrivals.map((a): SubjectVerdict => {
      const title = `Route ${a.route} reaches the hub`;
      if (a.arrived) return { subject: a.route, title, status: 'ok', detail: `A message from ${a.source} arrived at the hub ${a.latencyMs ?? 0} ms after the edge hub routed it.`, data: { latencyMs: a.latencyMs } };
      return {
        subject: a.route,
        title,
        status: 'error',
        detail: `No message from ${a.source} arrived at the hub in ${(a.waitedMs / 1000).toFixed(0)} s.`,
        fix: `Check that ${a.source} sends (Telemetry area), that the route's WHERE condition lets messages through, and that upstream is connected.`,
      };
    });
  },
});

export const RUNTIME_CHECKS = [modulesRunning, noCrashLoop, deploymentCurrent, routesApplied, upstreamConnected, outboxDraining];
export const END_TO_END_CHECKS = [upstreamArrivals];
