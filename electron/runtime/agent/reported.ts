import { chunkCreateOptions } from '../../../shared/manifest';
import type { AgentMemory, DesiredModule, ObservedModule, RestartSettings, RuntimeStatus } from './model';
import { computeRuntimeStatus } from './restart-policy';

/** DateTime.MinValue as edgeAgent serializes an unknown time. */
export const MIN_TIME = '0001-01-01T00:00:00Z';

/** `lastDesiredStatus.code` values (DeploymentStatusCode.cs). */
export const DEPLOYMENT_STATUS = { successful: 200, configFormatError: 400, unknown: 406, invalidSchemaVersion: 412, configEmpty: 417, failed: 500 } as const;
export type DeploymentStatusCode = (typeof DEPLOYMENT_STATUS)[keyof typeof DEPLOYMENT_STATUS];

export interface ReportContext {
  readonly lastDesiredVersion: number;
  readonly lastDesiredStatus: { readonly code: DeploymentStatusCode; readonly description: string };
  readonly gatehouseVersion: string;
  readonly platform: { readonly os: string; readonly architecture: string; readonly version: string };
  /** When Gatehouse's own runtime (acting as edgeAgent and edgeHub) started. */
  readonly runtimeStartedAt: string;
  readonly systemModules: { readonly edgeAgent?: Record<string, unknown>; readonly edgeHub?: Record<string, unknown> };
  readonly settings: RestartSettings;
}

/** Reported runtime status of one module, from what Docker shows and the restart policy (§3.2). */
export function moduleRuntimeStatus(desired: DesiredModule, observed: ObservedModule | undefined, memory: AgentMemory, settings: RestartSettings): RuntimeStatus {
  if (!observed) return 'unknown';
  if (desired.status !== 'running') return observed.raw === 'unknown' ? 'unknown' : observed.raw;
  return computeRuntimeStatus(observed.raw, desired.restartPolicy, memory[desired.name]?.restartCount ?? 0, settings);
}

function reportedSettings(image: string, createOptions: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const chunks = chunkCreateOptions(JSON.stringify(createOptions), { maxChunks: 100 });
  return { image, ...(chunks.ok ? chunks.value : { createOptions: JSON.stringify(createOptions) }) };
}

export function reportedModule(desired: DesiredModule, observed: ObservedModule | undefined, memory: AgentMemory, settings: RestartSettings): Record<string, unknown> {
  const stats = memory[desired.name];
  return {
    version: desired.version,
    type: 'docker',
    status: desired.status,
    restartPolicy: desired.restartPolicy,
    imagePullPolicy: desired.imagePullPolicy,
    startupOrder: desired.startupOrder,
    env: Object.fromEntries(Object.entries(desired.env).map(([k, v]) => [k, { value: v }])),
    settings: reportedSettings(observed?.image ?? desired.image, desired.createOptions),
    runtimeStatus: moduleRuntimeStatus(desired, observed, memory, settings),
    exitCode: observed?.exitCode ?? 0,
    statusDescription: observed?.statusDescription ?? '',
    lastStartTimeUtc: observed?.startedAt ?? MIN_TIME,
    lastExitTimeUtc: observed?.finishedAt ?? MIN_TIME,
    restartCount: stats?.restartCount ?? 0,
    lastRestartTimeUtc: stats?.lastRestartTime ?? MIN_TIME,
  };
}

function systemModule(raw: Record<string, unknown> | undefined, ctx: ReportContext): Record<string, unknown> {
  const s = (raw?.settings as Record<string, unknown> | undefined) ?? {};
  let createOptions: Record<string, unknown> = {};
  try {
    createOptions = typeof s.createOptions === 'string' && s.createOptions.trim() ? (JSON.parse(s.createOptions) as Record<string, unknown>) : {};
  } catch {
    /* reported as {} — the agent's own createOptions do not apply to Gatehouse's runtime */
  }
  return {
    type: 'docker',
    imagePullPolicy: raw?.imagePullPolicy ?? 'on-create',
    settings: reportedSettings(typeof s.image === 'string' ? s.image : '', createOptions),
    runtimeStatus: 'running',
    exitCode: 0,
    statusDescription: 'running',
    lastStartTimeUtc: ctx.runtimeStartedAt,
    lastExitTimeUtc: MIN_TIME,
  };
}

/** `$edgeAgent` reported properties in IoT Edge's shape (AgentState.cs, IoTHubReporter.cs). */
export function edgeAgentReported(
  modules: readonly DesiredModule[],
  observed: readonly ObservedModule[],
  memory: AgentMemory,
  ctx: ReportContext,
): Record<string, unknown> {
  const byName = new Map(observed.map((o) => [o.name, o]));
  return {
    schemaVersion: '1.0',
    version: { version: ctx.gatehouseVersion, build: 'gatehouse', commit: '' },
    lastDesiredVersion: ctx.lastDesiredVersion,
    lastDesiredStatus: ctx.lastDesiredStatus,
    runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25', loggingOptions: '' }, platform: ctx.platform },
    systemModules: {
      edgeAgent: systemModule(ctx.systemModules.edgeAgent, ctx),
      edgeHub: {
        ...systemModule(ctx.systemModules.edgeHub, ctx),
        status: 'running',
        restartPolicy: 'always',
        restartCount: 0,
        lastRestartTimeUtc: MIN_TIME,
      },
    },
    modules: Object.fromEntries(modules.map((m) => [m.name, reportedModule(m, byName.get(m.name), memory, ctx.settings)])),
  };
}
