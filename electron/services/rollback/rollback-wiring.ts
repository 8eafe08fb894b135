import type { Result } from '../../../shared/errors';
import type { CheckReport } from '../../../shared/commissioning/check-model';
import type { EventBus } from '../../host/event-bus';
import type { Agent } from '../../runtime/agent/agent';
import type { DockerDriver } from '../../runtime/drivers/docker/docker-driver';
import type { RuntimeService } from '../runtime.service';
import { KnownGoodStore } from './known-good.store';
import { DEFAULT_KNOWN_GOOD_WINDOW_MS, RollbackService } from './rollback.service';

export interface RollbackWiring {
  readonly dataDir: string;
  readonly deviceId: string;
  readonly agent: Agent;
  readonly driver: DockerDriver;
  readonly runtimeService: RuntimeService;
  /** The commissioning service's run (all checks; the verdict reads the runtime and end-to-end ones). */
  readonly runChecks: (input: { endToEnd: boolean; endToEndTimeoutMs: number }) => Promise<Result<CheckReport>>;
  readonly invoke: (method: string, params: unknown) => Promise<Result<unknown>>;
  readonly events: EventBus;
  readonly env: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

const positive = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;
};

/**
 * The composition root's part for last-known-good: the agent's applied deployment and changes, the commissioning
 * checks, `runtime.apply`'s path for a local rollback and `cloud.setModules` for one through the hub.
 * GATEHOUSE_KNOWN_GOOD_WINDOW_MS (default 60 s), GATEHOUSE_KNOWN_GOOD_POLL_MS (default 5 s), GATEHOUSE_AUTO_ROLLBACK=1.
 */
export function createRollback(w: RollbackWiring): RollbackService {
  const windowMs = positive(w.env.GATEHOUSE_KNOWN_GOOD_WINDOW_MS) ?? DEFAULT_KNOWN_GOOD_WINDOW_MS;
  const pollMs = positive(w.env.GATEHOUSE_KNOWN_GOOD_POLL_MS);
  return new RollbackService({
    store: new KnownGoodStore(w.dataDir),
    applied: () => w.agent.persistedDeployment,
    onDidChange: (listener) => {
      const a = w.agent.onDidChange(listener);
      const b = w.agent.onDidChangeSource(listener);
      return { dispose: () => (a.dispose(), b.dispose()) };
    },
    runChecks: (endToEndTimeoutMs) => w.runChecks({ endToEnd: true, endToEndTimeoutMs }),
    imageDetails: async (image) => {
      try {
        const details = (await w.driver.client.getImage(image).inspect()) as { Id?: string; RepoDigests?: string[] };
        return { id: details.Id ?? '', digests: details.RepoDigests ?? [] };
      } catch {
        return undefined;
      }
    },
    driver: () => w.agent.desiredSource.driver,
    applyLocal: (text, overrideCloud) => w.runtimeService.apply({ text, fileName: 'deployment.json', ...(overrideCloud ? { overrideCloud: true } : {}) }),
    setModules: (content) => w.invoke('cloud.setModules', { deviceId: w.deviceId, content }),
    events: w.events,
    windowMs,
    ...(pollMs !== undefined ? { pollMs } : {}),
    autoDefault: w.env.GATEHOUSE_AUTO_ROLLBACK === '1' || w.env.GATEHOUSE_AUTO_ROLLBACK === 'true',
    ...(w.log ? { log: w.log } : {}),
  });
}
