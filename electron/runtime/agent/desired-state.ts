import { createHash } from 'node:crypto';
import { fail, ok, type Result } from '../../../shared/errors';
import { joinCreateOptions } from '../../../shared/manifest';
import { readRegistryCredentials, type RegistryCredential } from './registry-credentials';
import { DEFAULT_STARTUP_ORDER, type DesiredModule, type DesiredState, type ImagePullPolicy, type RestartPolicy } from './model';

type Json = Record<string, unknown>;

/** The parts of a deployment that apply to the runtime: custom modules and edgeHub's settings. */
export interface Deployment {
  readonly modules: readonly DesiredModule[];
  /** `$edgeHub` desired properties (routes, store-and-forward), for the hub. */
  readonly edgeHub: Json | undefined;
  /** Settings of `systemModules` that Gatehouse's own runtime reads (e.g. edgeHub's env). */
  readonly systemModules: { readonly edgeAgent: Json | undefined; readonly edgeHub: Json | undefined };
  readonly registryCredentials: readonly RegistryCredential[];
  /** What of the deployment Gatehouse's own runtime cannot apply, said once per apply (info, not an error). */
  readonly notes: readonly string[];
}

/** Finds `modulesContent` in a deployment, an IoT Hub configuration object, or the old `moduleContent` spelling. */
export function modulesContentOf(document: unknown): Json | undefined {
  const doc = document as Json | null;
  const content = (doc?.modulesContent ?? doc?.moduleContent ?? (doc?.content as Json | undefined)?.modulesContent) as Json | undefined;
  return content && typeof content === 'object' ? content : undefined;
}

/**
 * Normalizes a validated deployment into the agent's desired modules, with IoT Edge's defaults:
 * restartPolicy on-unhealthy, imagePullPolicy on-create, startupOrder 4294967295, `:latest` for an untagged image.
 */
export function deploymentFrom(document: unknown): Result<Deployment> {
  const content = modulesContentOf(document);
  const agent = (content?.$edgeAgent as Json | undefined)?.['properties.desired'] as Json | undefined;
  if (!agent) return fail('INVALID_MANIFEST', 'The deployment has no $edgeAgent desired properties (IoT Edge reports 417)');
  const modules: DesiredModule[] = [];
  for (const [name, raw] of Object.entries((agent.modules as Json | null | undefined) ?? {})) {
    const module = desiredModule(name, raw as Json);
    if (!module.ok) return module;
    modules.push(module.value);
  }
  const system = (agent.systemModules as Json | undefined) ?? {};
  const systemModules = { edgeAgent: system.edgeAgent as Json | undefined, edgeHub: system.edgeHub as Json | undefined };
  return ok({
    modules,
    edgeHub: (content?.$edgeHub as Json | undefined)?.['properties.desired'] as Json | undefined,
    systemModules,
    registryCredentials: readRegistryCredentials(agent),
    notes: systemModuleNotes(systemModules),
  });
}

export function desiredModule(name: string, raw: Json): Result<DesiredModule> {
  const settings = (raw.settings as Json | undefined) ?? {};
  const image = typeof settings.image === 'string' ? settings.image.trim() : '';
  if (!image) return fail('INVALID_MANIFEST', `Module ${name}: settings.image is blank`);
  let createOptions: Json = {};
  const text = typeof settings.createOptions === 'object' && settings.createOptions !== null ? JSON.stringify(settings.createOptions) : joinCreateOptions(settings);
  if (text.trim() && text.trim().toLowerCase() !== 'null') {
    try {
      createOptions = JSON.parse(text) as Json;
    } catch (error) {
      return fail('INVALID_MANIFEST', `Module ${name}: createOptions is not JSON (${(error as Error).message})`);
    }
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries((raw.env as Json | null | undefined) ?? {})) {
    const v = (value as { value?: unknown } | null)?.value;
    env[key] = v === undefined || v === null ? '' : String(v);
  }
  const fields = {
    name,
    version: typeof raw.version === 'string' ? raw.version : '',
    image: withDefaultTag(image),
    createOptions,
    env,
    restartPolicy: ((raw.restartPolicy as RestartPolicy | undefined) ?? 'on-unhealthy') as RestartPolicy,
    imagePullPolicy: ((raw.imagePullPolicy as ImagePullPolicy | undefined) ?? 'on-create') as ImagePullPolicy,
    startupOrder: typeof raw.startupOrder === 'number' ? raw.startupOrder : DEFAULT_STARTUP_ORDER,
  };
  return ok({ ...fields, status: raw.status === 'stopped' ? 'stopped' : 'running', configHash: configHash(fields) });
}

/**
 * edgeAgent and edgeHub are Gatehouse's own runtime, not containers: their images and createOptions do not apply.
 * edgeHub's environment is read by the hub where it has a meaning (store-and-forward TTL, …).
 */
export function systemModuleNotes(system: Deployment['systemModules']): string[] {
  const notes: string[] = [];
  for (const name of ['edgeAgent', 'edgeHub'] as const) {
    const settings = (system[name]?.settings as Json | undefined) ?? {};
    if (typeof settings.image === 'string' && settings.image) {
      notes.push(`systemModules.${name}: the image ${settings.image} is not run; Gatehouse's own ${name === 'edgeAgent' ? 'agent' : 'hub'} does its work on this machine.`);
    }
    const createOptions = joinCreateOptions(settings).trim();
    if (createOptions && createOptions !== '{}') notes.push(`systemModules.${name}.settings.createOptions do not apply to Gatehouse's runtime (it is not a container here).`);
  }
  const agentEnv = Object.keys((system.edgeAgent?.env as Json | undefined) ?? {});
  if (agentEnv.length) notes.push(`systemModules.edgeAgent.env (${agentEnv.join(', ')}) is not read: configure Gatehouse's agent in its settings instead.`);
  return notes;
}

/** IoT Edge appends `:latest` to an image without a tag (DockerConfig.cs). */
export function withDefaultTag(image: string): string {
  if (image.includes('@')) return image;
  const last = image.slice(image.lastIndexOf('/') + 1);
  return last.includes(':') ? image : `${image}:latest`;
}

/** A stable hash of everything whose change means recreate (DockerModule.Equals minus status). */
export function configHash(fields: Omit<DesiredModule, 'status' | 'configHash'>): string {
  return createHash('sha256').update(stableJson(fields)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function desiredState(version: number, deployment: Deployment): DesiredState {
  return { version, modules: deployment.modules };
}
