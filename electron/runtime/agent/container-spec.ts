import { CONFIG_HASH_LABEL, DATA_DIR_LABEL, INSTANCE_LABEL, ORIGINAL_IMAGE_LABEL, OWNER_LABEL, OWNER_VALUE, type DesiredModule } from './model';

/** What the runtime knows about this device that goes into every container (EDGE-CONTRACTS.md §2.2, §3.5). */
export interface RuntimeContext {
  readonly deviceId: string;
  readonly iotHubHostName: string;
  /** Hostname modules use to reach edgeHub (IOTEDGE_GATEWAYHOSTNAME). */
  readonly gatewayHostName: string;
  /** e.g. `unix:///var/run/iotedge/workload.sock`; the workload API listens only on per-module unix sockets. */
  readonly workloadUri: string;
  /** Host folder holding one folder per module with its workload socket (`<dir>/<module>/workload.sock`), when the URI is unix. */
  readonly workloadListenDir?: string;
  /** Docker network: 'host' on machines that must not route traffic elsewhere; a bridge name otherwise. */
  readonly network: string;
  readonly generationIds: Readonly<Record<string, string>>;
  readonly apiVersion: string;
  readonly runtimeLogLevel: string;
  /** aziot-edged's allow_elevated_docker_permissions; when false, Privileged and CapAdd are scrubbed. */
  readonly allowElevatedDockerPermissions: boolean;
  /** The Gatehouse instance that creates the containers (the agent fills it in): its ownership labels. */
  readonly instance?: { readonly id: string; readonly dataDir: string };
}

type Json = Record<string, unknown>;

/** The `IOTEDGE_*` variables edgeAgent injects into a custom module (CreateOrUpdateCommand.GetEnvVars). */
export function injectedEnv(module: DesiredModule, ctx: RuntimeContext): Record<string, string> {
  const env: Record<string, string> = {
    IOTEDGE_WORKLOADURI: ctx.workloadUri,
    IOTEDGE_AUTHSCHEME: 'sasToken',
    IOTEDGE_MODULEGENERATIONID: ctx.generationIds[module.name] ?? '',
    IOTEDGE_IOTHUBHOSTNAME: ctx.iotHubHostName,
    IOTEDGE_GATEWAYHOSTNAME: ctx.gatewayHostName,
    IOTEDGE_DEVICEID: ctx.deviceId,
    IOTEDGE_MODULEID: module.name,
    IOTEDGE_APIVERSION: ctx.apiVersion,
  };
  if (!Object.keys(module.env).some((k) => k === 'RuntimeLogLevel')) env.RuntimeLogLevel = ctx.runtimeLogLevel;
  return env;
}

/**
 * Docker ContainerCreate body for a module: the user's createOptions plus what edgeAgent and the daemon add.
 * Env: deployment env, then injected variables, then createOptions.Env on top; sorted by key (merge_env).
 */
export function containerSpec(module: DesiredModule, ctx: RuntimeContext): Json {
  const options = structuredClone(module.createOptions) as Json;
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(module.env)) env.set(k, v);
  for (const [k, v] of Object.entries(injectedEnv(module, ctx))) env.set(k, v);
  for (const entry of Array.isArray(options.Env) ? (options.Env as unknown[]) : []) {
    if (typeof entry !== 'string') continue;
    const eq = entry.indexOf('=');
    env.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
  }
  const hostConfig = { ...((options.HostConfig as Json | undefined) ?? {}) };
  const binds = Array.isArray(hostConfig.Binds) ? [...(hostConfig.Binds as string[])] : [];
  const workload = new URL(ctx.workloadUri);
  if (workload.protocol === 'unix:') {
    // The module's socket folder is bound over the socket's folder in the container (not the socket file: a file
    // bind would keep pointing at the old socket after Gatehouse restarts and re-creates it).
    const connect = workload.pathname;
    const connectDir = connect.slice(0, connect.lastIndexOf('/')) || '/';
    binds.push(ctx.workloadListenDir ? `${ctx.workloadListenDir}/${module.name}:${connectDir}` : `${connect}:${connect}`);
  }
  if (binds.length) hostConfig.Binds = binds;
  if (!ctx.allowElevatedDockerPermissions) scrubPrivileges(hostConfig);

  const networking = options.NetworkingConfig as { EndpointsConfig?: Json } | undefined;
  const userChoseNetwork = networking?.EndpointsConfig !== undefined && Object.keys(networking.EndpointsConfig).length > 0;
  if (!userChoseNetwork) {
    if (ctx.network === 'host') hostConfig.NetworkMode = 'host';
    else options.NetworkingConfig = { EndpointsConfig: { [ctx.network]: {} } };
  }

  // Ownership labels are ours to write: a deployment cannot claim (or disown) a container through createOptions.
  const { [INSTANCE_LABEL]: _instance, [DATA_DIR_LABEL]: _dataDir, ...userLabels } = (options.Labels as Record<string, string> | undefined) ?? {};
  return {
    ...options,
    Image: module.image,
    Env: [...env.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`),
    Labels: {
      ...userLabels,
      [OWNER_LABEL]: OWNER_VALUE,
      [ORIGINAL_IMAGE_LABEL]: module.image,
      [CONFIG_HASH_LABEL]: module.configHash,
      ...(ctx.instance ? { [INSTANCE_LABEL]: ctx.instance.id, [DATA_DIR_LABEL]: ctx.instance.dataDir } : {}),
    },
    HostConfig: hostConfig,
  };
}

/** aziot-edged's privilege scrub: no Privileged, no CapAdd, and CHOWN/SETUID dropped unless explicitly added. */
function scrubPrivileges(hostConfig: Json): void {
  const added = new Set(((hostConfig.CapAdd as string[] | undefined) ?? []).map((c) => c.replace(/^CAP_/, '')));
  hostConfig.Privileged = false;
  delete hostConfig.CapAdd;
  const drop = ['CHOWN', 'SETUID'].filter((c) => !added.has(c));
  hostConfig.CapDrop = [...new Set([...drop, ...((hostConfig.CapDrop as string[] | undefined) ?? [])])];
}
