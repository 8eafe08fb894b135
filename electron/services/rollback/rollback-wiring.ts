import type { Result } from '../../../shared/errors';
import { join } from 'node:path';
import { CHECKS } from '../../../shared/commissioning/check-runner';
import type { EventBus } from '../../host/event-bus';
import type { Agent } from '../../runtime/agent/agent';
import type { DockerDriver } from '../../runtime/drivers/docker/docker-driver';
import type { CommissioningService } from '../commissioning/commissioning.service';
import type { RuntimeService } from '../runtime.service';
import type { SecretBox } from '../../runtime/secrets/secret-box';
import { KnownGoodStore } from './known-good.store';
import { DEFAULT_KNOWN_GOOD_WINDOW_MS, RollbackService } from './rollback.service';
import { isWatchedCheck } from './verdict';

export interface RollbackWiring {
  readonly dataDir: string;
  readonly secrets: SecretBox;
  readonly deviceId: string;
  readonly agent: Agent;
  readonly driver: DockerDriver;
  readonly runtimeService: RuntimeService;
  /** The console's commissioning service: its fact sources are used to run the watched checks. */
  readonly commissioning: CommissioningService;
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
  const checks = watchedChecks(w.commissioning, w.dataDir);
  const windowMs = positive(w.env.GATEHOUSE_KNOWN_GOOD_WINDOW_MS) ?? DEFAULT_KNOWN_GOOD_WINDOW_MS;
  const pollMs = positive(w.env.GATEHOUSE_KNOWN_GOOD_POLL_MS);
  return new RollbackService({
    store: new KnownGoodStore(w.dataDir, w.secrets),
    applied: () => w.agent.persistedDeployment,
    onDidChange: (listener) => {
      const a = w.agent.onDidChange(listener);
      const b = w.agent.onDidChangeSource(listener);
      return { dispose: () => (a.dispose(), b.dispose()) };
    },
    runChecks: (endToEndTimeoutMs) => checks.run({ endToEnd: true, endToEndTimeoutMs }),
    disposeChecks: () => checks.dispose(),
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

/**
 * A commissioning service of its own over the console's fact sources, running only the watched checks (runtime.* and
 * e2e.route) with no progress events and its last report under `<data>/commissioning/known-good/`: a user's
 * `commissioning.run` never joins a background run started before the modules were up, and the Commissioning area's
 * last report stays the user's.
 */
function watchedChecks(commissioning: CommissioningService, dataDir: string): Pick<CommissioningService, 'run' | 'dispose'> {
  return commissioning.derive(
    CHECKS.filter((c) => isWatchedCheck(c.id)),
    join(dataDir, 'commissioning', 'known-good'),
  );
}
