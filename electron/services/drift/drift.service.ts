import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { compareDrift, driftStateFromDesired, maskDriftSecrets, driftStateFromManifest, flattenEnv, type DriftModuleState, type DriftState } from '../../../shared/commissioning/drift';
import { fail, ok, type Result } from '../../../shared/errors';
import { ApprovedDeployment, type DriftApproveInput, type DriftModuleResult, type DriftReport } from '../../../shared/ipc/drift.contract';
import type { RouteConfigStatus } from '../../../shared/ipc/edgehub.contract';
import type { RuntimeSnapshot } from '../../../shared/ipc/runtime.contract';
import { maskDeploymentText } from '../../../shared/commissioning/secret-scan';
import type { SecretBox } from '../../runtime/secrets/secret-box';

/** What Docker says of a module's container (docker inspect). */
export interface ContainerFacts {
  readonly image: string;
  readonly imageId: string;
  /** `NAME=value` entries, as Docker keeps them. */
  readonly env: readonly string[];
  /** The configuration hash the agent labelled the container with (CONFIG_HASH_LABEL): what it was created from. */
  readonly configHash?: string;
}

export interface DriftDeps {
  readonly dataDir: string;
  /** The approval holds a manifest (registry passwords, secret env values): kept sealed with the data folder's SecretBox. */
  readonly secrets: Pick<SecretBox, 'readFile' | 'writeFile'>;
  /** The console's contract methods (`runtime.status`, `runtime.reported`, `edgehub.routes`): drift reads what the UI reads. */
  readonly invoke: (method: string, params: unknown) => Promise<Result<unknown>>;
  /** The local runtime's desired state: its applied deployment (agent.persistedDeployment); `cloud`: the hub's deployment drives it. */
  readonly appliedDeployment: () => { text: string; version: number; cloud?: boolean } | undefined;
  readonly inspectContainer: (containerId: string) => Promise<ContainerFacts | undefined>;
  readonly imageDetails: (image: string) => Promise<{ id: string; digests: string[] } | undefined>;
  /** The configuration hash of a module of the applied deployment (DesiredModule.configHash). */
  readonly desiredConfigHash?: (module: string) => string | undefined;
  readonly user: () => string;
  /** A file of the open workspace: its text and absolute path (the workspace service's root and readFile). */
  readonly workspaceFile?: (path: string) => Promise<Result<{ readonly text: string; readonly absolutePath: string }>>;
  readonly now?: () => Date;
}

type ApprovedInfo = Omit<ApprovedDeployment, 'text'>;
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const approvedPath = (dataDir: string) => join(dataDir, 'commissioning', 'approved.json');

/** Approves deployments and compares approved ↔ desired ↔ running (shared/commissioning/drift.ts). */
export class DriftService {
  constructor(private readonly deps: DriftDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async approve(input: DriftApproveInput): Promise<Result<ApprovedInfo>> {
    let text: string;
    let source: ApprovedDeployment['source'];
    if ('from' in input) {
      const applied = this.deps.appliedDeployment();
      if (!applied) return fail('NOT_FOUND', 'Nothing runs yet: apply a deployment first, or approve a manifest file.');
      text = applied.text;
      source = { kind: 'running', version: applied.version };
    } else if ('workspacePath' in input) {
      if (!this.deps.workspaceFile) return fail('UNSUPPORTED', 'This console has no workspace to approve from.');
      const file = await this.deps.workspaceFile(input.workspacePath);
      if (!file.ok) return file;
      text = file.value.text;
      source = { kind: 'file', path: file.value.absolutePath };
    } else {
      if (!isAbsolute(input.path)) return fail('BAD_REQUEST', `The manifest path must be absolute: ${input.path}`);
      try {
        text = await readFile(input.path, 'utf8');
      } catch (error) {
        return fail('NOT_FOUND', `Cannot read ${input.path}: ${(error as Error).message}`);
      }
      source = { kind: 'file', path: input.path };
    }
    if (!driftStateFromManifest(text)) return fail('INVALID_MANIFEST', 'Not a deployment manifest (no modulesContent with $edgeAgent and $edgeHub).');
    const approved: ApprovedDeployment = { text, sha256: sha256(text), approvedBy: this.deps.user(), approvedAt: this.now().toISOString(), source };
    try {
      await mkdir(join(this.deps.dataDir, 'commissioning'), { recursive: true, mode: 0o700 });
      await this.deps.secrets.writeFile(approvedPath(this.deps.dataDir), `${JSON.stringify(approved, null, 2)}\n`);
    } catch (error) {
      return fail('IO', `Cannot keep the approval: ${(error as Error).message}`);
    }
    const { text: _text, ...info } = approved;
    return ok(info);
  }

  /** The approved deployment, its manifest's secrets masked (what leaves the service: the UI, the CLI). */
  async approved(): Promise<Result<{ approved: ApprovedDeployment | null }>> {
    const read = await this.readApproved();
    if (!read.ok || !read.value.approved) return read;
    const approved = read.value.approved;
    return ok({ approved: { ...approved, text: maskDeploymentText(approved.text) } });
  }

  private async readApproved(): Promise<Result<{ approved: ApprovedDeployment | null }>> {
    let raw: string | undefined;
    try {
      raw = await this.deps.secrets.readFile(approvedPath(this.deps.dataDir));
    } catch (error) {
      return fail('IO', `Cannot read the approval: ${(error as Error).message}`);
    }
    if (raw === undefined) return ok({ approved: null });
    try {
      return ok({ approved: ApprovedDeployment.parse(JSON.parse(raw)) });
    } catch {
      return fail('IO', `${approvedPath(this.deps.dataDir)} is damaged: approve again.`);
    }
  }

  async drift(input: { deviceId?: string } = {}): Promise<Result<DriftReport>> {
    const approvedResult = await this.readApproved();
    if (!approvedResult.ok) return approvedResult;
    const approved = approvedResult.value.approved;
    const notes: string[] = [];
    if (!approved) notes.push('Nothing is approved yet: approve a deployment (a manifest file, or what runs now).');
    let desired: DriftState;
    let running: DriftState;
    let images = new Map<string, { imageId?: string; digests?: string[] }>();
    let source: DriftReport['desired'];
    let approvedState: DriftState = approved ? (driftStateFromManifest(approved.text) ?? {}) : {};
    if (input.deviceId) {
      const hub = await this.gatherHub(input.deviceId);
      if (!hub.ok) return hub;
      ({ desired, running } = hub.value);
      source = { source: 'hub', deviceId: input.deviceId, ...(hub.value.version !== undefined ? { version: hub.value.version } : {}) };
      notes.push(...hub.value.notes);
      if (!desired.$edgeHub) approvedState = Object.fromEntries(Object.entries(approvedState).filter(([name]) => name !== '$edgeHub'));
    } else {
      const applied = this.deps.appliedDeployment();
      desired = applied ? (driftStateFromManifest(applied.text) ?? {}) : {};
      ({ state: running, images } = await this.gatherRunning(notes));
      source = applied ? { source: applied.cloud ? 'cloud' : 'local-runtime', version: applied.version } : { source: 'none' };
    }
    const result = maskDriftSecrets(compareDrift(approvedState, desired, running));
    const modules: DriftModuleResult[] = result.modules.map((m) => ({ ...m, fields: [...m.fields], ...(images.get(m.name) ?? {}) }));
    const { text: _text, ...approvedInfo } = approved ?? { text: '' };
    return ok({
      drifted: result.drifted || !approved,
      approved: approved ? (approvedInfo as ApprovedInfo) : null,
      desired: source,
      modules,
      notes,
      at: this.now().toISOString(),
    });
  }

  /**
   * A device through the hub: desired from its `$edgeAgent`/`$edgeHub` twins' desired properties, running from what
   * its edge agent reports (`modules.<m>`: settings.image, createOptions, env, version, runtimeStatus) and the routes
   * its edge hub reports having applied (none reported: not compared).
   */
  private async gatherHub(deviceId: string): Promise<Result<{ desired: DriftState; running: DriftState; version?: number; notes: string[] }>> {
    const [agent, hub] = await Promise.all([
      this.deps.invoke('cloud.twinShow', { deviceId, moduleId: '$edgeAgent' }),
      this.deps.invoke('cloud.twinShow', { deviceId, moduleId: '$edgeHub' }),
    ]);
    if (!agent.ok) return agent;
    const notes: string[] = [];
    const properties = (twin: unknown, side: 'desired' | 'reported'): Json => {
      const props = isObject(twin) && isObject(twin.properties) ? twin.properties[side] : undefined;
      return isObject(props) ? props : {};
    };
    const agentDesired = properties(agent.value, 'desired');
    const hubDesired = hub.ok ? properties(hub.value, 'desired') : {};
    if (!hub.ok) notes.push(`The $edgeHub twin could not be read (${hub.error.message}): routes are not compared.`);
    const desired = driftStateFromDesired(agentDesired, hub.ok ? hubDesired : undefined);
    const reported = properties(agent.value, 'reported');
    const reportedModules = isObject(reported.modules) ? reported.modules : {};
    const fromReported = driftStateFromDesired(reported, undefined);
    const running: Record<string, DriftModuleState> = {};
    for (const [name, state] of Object.entries(fromReported)) {
      const raw = reportedModules[name];
      const runtimeStatus = isObject(raw) && typeof raw.runtimeStatus === 'string' ? raw.runtimeStatus : undefined;
      const hasEnv = isObject(raw) && isObject(raw.env);
      running[name] = { image: state.image, createOptions: state.createOptions, version: state.version, ...(hasEnv ? { env: state.env } : {}), ...(runtimeStatus ? { status: runtimeStatus } : {}) };
    }
    if (Object.keys(reportedModules).length === 0) notes.push(`${deviceId}'s edge agent reports no modules (offline, or never connected).`);
    const hubReported = hub.ok ? properties(hub.value, 'reported') : {};
    if (isObject(hubReported.routes)) running.$edgeHub = driftStateFromDesired(undefined, { routes: hubReported.routes }).$edgeHub ?? {};
    const version = typeof agentDesired.$version === 'number' ? agentDesired.$version : undefined;
    return ok({ desired, running, ...(version !== undefined ? { version } : {}), notes });
  }

  /** What runs: the agent's modules table, its reported properties, Docker's view of each container, the edge hub's routes. */
  private async gatherRunning(notes: string[]): Promise<{ state: DriftState; images: Map<string, { imageId?: string; digests?: string[] }> }> {
    const [status, reported, routes] = await Promise.all([
      this.deps.invoke('runtime.status', {}),
      this.deps.invoke('runtime.reported', {}),
      this.deps.invoke('edgehub.routes', {}),
    ]);
    const state: Record<string, DriftModuleState> = {};
    const images = new Map<string, { imageId?: string; digests?: string[] }>();
    if (!status.ok) {
      notes.push(`The runtime's state could not be read: ${status.error.message}`);
      return { state, images };
    }
    const reportedModules = reported.ok && isObject(reported.value) ? driftStateFromDesired(reported.value, undefined) : {};
    for (const row of (status.value as RuntimeSnapshot).modules) {
      if (!row.containerId) continue;
      const container = await this.deps.inspectContainer(row.containerId);
      const fromReported = reportedModules[row.name];
      if (!container) notes.push(`${row.name}: its container ${row.containerId.slice(0, 12)} could not be inspected.`);
      const env = container ? flattenEnv(Object.fromEntries(container.env.map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, ''])))) : undefined;
      // Docker rewrites createOptions (defaults, the agent's binds and labels): the container's config-hash label says
      // whether it was created from the desired configuration. If not, its createOptions are unknown (not compared).
      const desiredHash = this.deps.desiredConfigHash?.(row.name);
      const otherConfig = container?.configHash !== undefined && desiredHash !== undefined && container.configHash !== desiredHash;
      if (otherConfig) notes.push(`${row.name}: its container was created from another configuration than the desired one (not recreated yet): its createOptions are not compared.`);
      state[row.name] = {
        image: container?.image ?? row.image,
        ...(env ? { env } : {}),
        ...(fromReported ? { ...(otherConfig ? {} : { createOptions: fromReported.createOptions }), version: fromReported.version } : {}),
        status: row.runtimeStatus,
      };
      if (container) {
        const image = await this.deps.imageDetails(container.imageId);
        images.set(row.name, { imageId: container.imageId, ...(image ? { digests: image.digests } : {}) });
      }
    }
    if (routes.ok) {
      const config = routes.value as RouteConfigStatus;
      state.$edgeHub = { routes: Object.fromEntries((config.routes ?? []).map((r) => [r.name, r.text])) };
    } else notes.push(`The edge hub's routes could not be read (${routes.error.message}): they are compared between approved and desired only.`);
    return { state, images };
  }
}

