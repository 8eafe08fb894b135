import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fail, ok, type Result } from '../../../shared/errors';
import type { Agent } from '../../runtime/agent/agent';
import type { DockerDriver } from '../../runtime/drivers/docker/docker-driver';
import { CONFIG_HASH_LABEL } from '../../runtime/agent/model';
import type { SecretBox } from '../../runtime/secrets/secret-box';
import { DriftService } from './drift.service';

export interface DriftHostOptions {
  readonly dataDir: string;
  readonly secrets: SecretBox;
  readonly agent: Agent;
  readonly driver: DockerDriver;
  /** The dispatcher's invoke: other contracts' methods (runtime.status, runtime.reported, edgehub.routes). */
  readonly invoke: (method: string, params: unknown) => Promise<Result<unknown>>;
}

/** Wires drift to the console's agent and engine (the composition root's part). */
export function createDrift(o: DriftHostOptions): DriftService {
  return new DriftService({
    dataDir: o.dataDir,
    secrets: o.secrets,
    invoke: o.invoke,
    // Through the workspace service: its path checks (inside the folder, no escaping links) hold for approvals too.
    workspaceFile: async (path) => {
      const current = await o.invoke('workspace.current', {});
      const root = current.ok ? (current.value as { workspace: { root: string } | null }).workspace?.root : undefined;
      if (!root) return fail('NOT_FOUND', 'No workspace folder is open: open one in Manifests, or approve a file by its path.');
      const file = await o.invoke('workspace.readFile', { path });
      if (!file.ok) return file;
      return ok({ text: (file.value as { text: string }).text, absolutePath: join(root, (file.value as { path: string }).path) });
    },
    appliedDeployment: () => {
      const persisted = o.agent.persistedDeployment;
      return persisted ? { text: persisted.deployment, version: persisted.version, ...(persisted.cloudVersion !== undefined ? { cloud: true } : {}) } : undefined;
    },
    inspectContainer: async (containerId) => {
      try {
        const details = await o.driver.client.getContainer(containerId).inspect();
        const configHash = details.Config.Labels?.[CONFIG_HASH_LABEL];
        return { image: details.Config.Image, imageId: details.Image, env: details.Config.Env ?? [], ...(configHash ? { configHash } : {}) };
      } catch {
        return undefined;
      }
    },
    desiredConfigHash: (name) => o.agent.desiredDeployment?.modules.find((m) => m.name === name)?.configHash,
    imageDetails: async (image) => {
      try {
        const details = (await o.driver.client.getImage(image).inspect()) as { Id?: string; RepoDigests?: string[] };
        return { id: details.Id ?? '', digests: details.RepoDigests ?? [] };
      } catch {
        return undefined;
      }
    },
    user: () => {
      try {
        return userInfo().username;
      } catch {
        return process.env.USER ?? 'unknown';
      }
    },
  });
}
