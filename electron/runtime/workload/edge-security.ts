import { join } from 'node:path';
import { ok, type Result } from '../../../shared/errors';
import type { Disposable } from '../drivers/disposable';
import { EdgeCa } from './edge-ca';
import { generationIds } from './identity-provider';
import { IdentityStore } from './identity.store';
import { WorkloadServer } from './workload-server';
import type { SecretBox } from '../secrets/secret-box';

/**
 * What the runtime gives modules to authenticate: the local edge CA, the identity store and the workload API,
 * started together for one data folder. Modules reach the workload API only on their own socket (no TCP listener). `prepareModules` makes identities and per-module workload sockets
 * follow the deployment, and returns each module's generation id for IOTEDGE_MODULEGENERATIONID.
 */
export class EdgeSecurity implements Disposable {
  private constructor(
    readonly ca: EdgeCa,
    readonly identities: IdentityStore,
    readonly workload: WorkloadServer,
    readonly socketDir: string,
  ) {}

  static async start(options: { dataDir: string; deviceId: string; secrets?: SecretBox }): Promise<Result<EdgeSecurity>> {
    const ca = await EdgeCa.open({ dataDir: options.dataDir, deviceId: options.deviceId, secrets: options.secrets });
    if (!ca.ok) return ca;
    const identities = await IdentityStore.open({ dataDir: options.dataDir, deviceId: options.deviceId, secrets: options.secrets });
    if (!identities.ok) return identities;
    const socketDir = join(options.dataDir, 'mnt');
    const workload = await WorkloadServer.start({ identities: identities.value, ca: ca.value, socketDir });
    if (!workload.ok) return workload;
    return ok(new EdgeSecurity(ca.value, identities.value, workload.value, socketDir));
  }

  async prepareModules(names: readonly string[]): Promise<Result<Record<string, string>>> {
    const synced = await this.identities.syncModules(names);
    if (!synced.ok) return synced;
    const listening = await this.workload.syncModules(names);
    if (!listening.ok) return listening;
    return ok(generationIds(await this.identities.listModules()));
  }

  dispose(): void {
    this.workload.dispose();
  }
}
