import { arch, platform } from 'node:os';
import type { Agent } from '../runtime/agent/agent';
import { DEPLOYMENT_STATUS, edgeAgentReported } from '../runtime/agent/reported';
import type { Disposable } from '../runtime/drivers/disposable';
import type { EdgeHub, UpstreamTarget } from '../runtime/hub/edge-hub';
import { SystemTwinSync, type CloudAgentPort, type CloudHubPort } from '../runtime/hub/upstream/system-twins';
import type { IdentityProvider } from '../runtime/workload/identity-provider';
import { GATEHOUSE_VERSION } from './version';

/**
 * Wires the cloud's `$edgeAgent`/`$edgeHub` twins (electron/runtime/hub/upstream/system-twins.ts) to this process's
 * agent and edge hub, for the hub `$upstream` goes to. The `$edgeAgent`/`$edgeHub` identities' keys are managed
 * here: derived from the edge device's keys (no storage of their own), put in the hub by the same ensureIdentities
 * as the modules'.
 */
export function startSystemTwins(options: {
  readonly target: UpstreamTarget;
  readonly deviceId: string;
  readonly agent: Agent;
  readonly edgeHub: EdgeHub;
  readonly identities: IdentityProvider;
  readonly log: (line: string) => void;
  readonly reportDebounceMs?: number;
}): SystemTwinSync {
  const { target, agent, edgeHub, identities } = options;
  // While the cloud drives the deployment, its module twins are the truth for the edge hub's (desired patches too).
  edgeHub.followCloudModuleTwins(() => agent.desiredSource.driver === 'cloud');
  const sync = new SystemTwinSync({
    hubHostName: target.hubHostName,
    port: target.port,
    ca: target.ca,
    deviceId: options.deviceId,
    deviceKeys: () => identities.getDevice(),
    ensureIdentities: target.ensureIdentities,
    agent: agentPort(agent),
    hub: hubPort(edgeHub),
    moduleDesired: (moduleId) => edgeHub.upstreamModuleTwin(moduleId),
    log: options.log,
    reportDebounceMs: options.reportDebounceMs,
    backoff: target.backoff,
  });
  sync.start();
  return sync;
}

const startedAt = new Date().toISOString();

/** The agent as the sync sees it; its reported properties as runtime.service.ts `reported` makes them. */
export function agentPort(agent: Agent): CloudAgentPort {
  return {
    apply: (text, cloudVersion) => agent.apply(text, '$edgeAgent (cloud).json', { cloudVersion, overrideForeignRuntime: agent.persistedDeployment?.overrideForeignRuntime }),
    persisted: () => agent.persistedDeployment,
    source: () => agent.desiredSource,
    setCloudDriving: (driving) => agent.setCloudDriving(driving),
    reported: () => {
      const snapshot = agent.current;
      const deployment = agent.desiredDeployment;
      return edgeAgentReported(deployment?.modules ?? [], snapshot.observed, agent.restartMemory, {
        lastDesiredVersion: snapshot.version,
        lastDesiredStatus: snapshot.version ? snapshot.lastDesiredStatus : { code: DEPLOYMENT_STATUS.unknown, description: '' },
        gatehouseVersion: GATEHOUSE_VERSION,
        platform: { os: platform(), architecture: arch(), version: GATEHOUSE_VERSION },
        runtimeStartedAt: startedAt,
        systemModules: deployment?.systemModules ?? {},
        settings: { maxRestartCount: 20, intensiveCareMs: 600_000, coolOffUnitMs: 10_000, maxCoolOffMs: 300_000 },
      });
    },
    onDidChange: (listener) => {
      const a = agent.onDidChange(listener);
      const b = agent.onDidChangeSource(listener);
      return { dispose: () => (a.dispose(), b.dispose()) };
    },
    invokeMethod: (name, payload) => agent.invokeMethod(name, payload),
  };
}

/** The edge hub's `$edgeHub` reported properties, and their changes (its core exists once it runs). */
export function hubPort(edgeHub: EdgeHub): CloudHubPort {
  return {
    reported: () => {
      const reported = edgeHub.reported();
      return reported.ok ? reported.value : undefined;
    },
    onDidChange: (listener) => {
      let core: Disposable | undefined = edgeHub.core?.onReportedChanged(listener);
      const state = edgeHub.onDidChangeState((s) => {
        if (!core && edgeHub.core) core = edgeHub.core.onReportedChanged(listener);
        listener(s);
      });
      return { dispose: () => (state.dispose(), core?.dispose()) };
    },
  };
}
