import { readFile } from 'node:fs/promises';
import type { AppError, Result } from '../../../shared/errors';
import { azEvent } from '../../../shared/telemetry/az-event';
import { C2D_MAX_EXPIRY_SECONDS, cloudContract, type CloudToDeviceSend, type HubDocument, type TelemetryEvent } from '../../../shared/ipc/cloud.contract';
import type { ContractClient } from '../../../shared/ipc';
import { IotHubClient } from '../../cloud/iothub/iothub-client';
import { CloudService } from '../../services/cloud.service';
import type { CliCommand, CliIo, CliOption } from '../command';
import { connectHost, contractClient } from '../host-client';
import { readInput } from '../read-input';

/**
 * IoT Hub commands in the shape of the `az iot` commands operators' runbooks use (`az iot hub device-identity …`,
 * `az iot hub module-twin show`, `az iot edge set-modules`, `az iot edge deployment …`, `az iot hub
 * invoke-module-method`), against the console's connected hub (the embedded local hub by default), or against any
 * hub with `--login "<connection string>"` as az takes it (no console needed). The output is the hub's JSON, as az
 * prints it: indented by default, one line with `--json`. Exit codes: 0 done, 1 the hub refused or found nothing,
 * 2 usage or connection problems.
 */

type Cloud = ContractClient<typeof cloudContract>;
type Values = Record<string, string | boolean | string[] | undefined>;

const LOGIN: Record<string, CliOption> = {
  login: { type: 'string', short: 'l', description: 'a hub connection string (shared access policy); default: the console\'s connected hub' },
};
const DEVICE: Record<string, CliOption> = { 'device-id': { type: 'string', short: 'd', description: 'the device id' } };
const MODULE: Record<string, CliOption> = { 'module-id': { type: 'string', short: 'm', description: 'the module id' } };

async function withCloud(io: CliIo, values: Values, run: (cloud: Cloud) => Promise<number>): Promise<number> {
  const login = typeof values.login === 'string' ? values.login : undefined;
  if (login !== undefined) {
    const client = IotHubClient.connect(login);
    if (!client.ok) return (io.stderr(`gatehouse: --login: ${client.error.message}`), 2);
    try {
      return await run(new CloudService(() => client) as unknown as Cloud);
    } finally {
      // A cloud-to-device send opened the service client's AMQP connection: close it, or the process would stay.
      await client.value.close();
    }
  }
  const connection = await connectHost(io.env);
  try {
    return await run(contractClient(cloudContract, connection));
  } finally {
    connection.close();
  }
}

function print(io: CliIo, values: Values, value: unknown): number {
  io.stdout(JSON.stringify(value, null, values.json ? undefined : 2));
  return 0;
}

function refuse(io: CliIo, values: Values, command: string, error: AppError): number {
  if (values.json) io.stdout(JSON.stringify({ ok: false, error }));
  else {
    io.stderr(`gatehouse ${command}: ${error.message}`);
    const diagnostics = (error.details as { diagnostics?: { line: number; column: number; code: string; message: string }[] } | undefined)?.diagnostics;
    for (const d of diagnostics ?? []) io.stderr(`  ${d.line}:${d.column}  ${d.code}  ${d.message}`);
  }
  // The hub's own 400 (a bad target condition, say) is the hub refusing: 1. A BAD_REQUEST made here is usage: 2.
  const details = error.details as { status?: number; amqpCondition?: string } | undefined;
  const fromHub = details?.status !== undefined || details?.amqpCondition !== undefined;
  return error.code === 'DISCONNECTED' || (error.code === 'BAD_REQUEST' && !fromHub) || error.code === 'INTERNAL' ? 2 : 1;
}

function required(io: CliIo, command: string, values: Values, ...names: string[]): string[] | undefined {
  const missing = names.filter((n) => typeof values[n] !== 'string' || values[n] === '');
  if (missing.length > 0) {
    io.stderr(`gatehouse ${command}: ${missing.map((m) => `--${m}`).join(' and ')} ${missing.length === 1 ? 'is' : 'are'} required`);
    return undefined;
  }
  return names.map((n) => values[n] as string);
}

function parseJsonOption(io: CliIo, command: string, name: string, text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    io.stderr(`gatehouse ${command}: --${name} is not JSON: ${(cause as Error).message}`);
    return { ok: false };
  }
}

async function readJsonFile(io: CliIo, command: string, path: string): Promise<HubDocument | undefined> {
  let text: string;
  try {
    text = await readInput(path, io);
  } catch (cause) {
    io.stderr(`gatehouse ${command}: cannot read ${path}: ${(cause as Error).message}`);
    return undefined;
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as HubDocument;
    io.stderr(`gatehouse ${command}: ${path} is not a JSON object`);
  } catch (cause) {
    io.stderr(`gatehouse ${command}: ${path} is not JSON (${(cause as Error).message}); run \`gatehouse validate ${path}\` for the place`);
  }
  return undefined;
}

function answer<T>(io: CliIo, values: Values, command: string, result: Result<T>, shape: (value: T) => unknown = (v) => v): number {
  return result.ok ? print(io, values, shape(result.value)) : refuse(io, values, command, result.error);
}

const cmd = (path: string[], summary: string, usage: string, options: Record<string, CliOption>, run: (io: CliIo, values: Values, name: string) => Promise<number>): CliCommand => ({
  path,
  summary,
  usage,
  options: { ...options, ...LOGIN },
  run: ({ values, io }) => run(io, values, path.join(' ')),
});

export const deviceIdentityShowCommand = cmd(['device-identity', 'show'], 'Show a device identity (az iot hub device-identity show)', '--device-id D [--login CS] [--json]', DEVICE, async (io, values, name) => {
  const ids = required(io, name, values, 'device-id');
  if (!ids) return 2;
  return withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.deviceShow({ deviceId: ids[0]! })));
});

export const deviceIdentityCreateCommand = cmd(
  ['device-identity', 'create'],
  'Create a device identity, optionally edge-enabled (az iot hub device-identity create)',
  '--device-id D [--edge-enabled] [--auth-method shared_private_key|x509_thumbprint|x509_ca] [--primary-thumbprint T] [--secondary-thumbprint T] [--json]',
  {
    ...DEVICE,
    'edge-enabled': { type: 'boolean', short: 'e', description: 'an IoT Edge device' },
    'auth-method': { type: 'string', description: 'shared_private_key (default), x509_thumbprint or x509_ca' },
    'primary-thumbprint': { type: 'string', description: 'SHA-1 or SHA-256 thumbprint of the device certificate (x509_thumbprint)' },
    'secondary-thumbprint': { type: 'string', description: 'second thumbprint (x509_thumbprint)' },
  },
  async (io, values, name) => {
    const ids = required(io, name, values, 'device-id');
    if (!ids) return 2;
    const method = (values['auth-method'] as string | undefined) ?? 'shared_private_key';
    let auth: Parameters<Cloud['deviceCreate']>[0]['auth'];
    if (method === 'shared_private_key') auth = { type: 'sas' };
    else if (method === 'x509_ca') auth = { type: 'certificateAuthority' };
    else if (method === 'x509_thumbprint') {
      const primary = values['primary-thumbprint'] as string | undefined;
      if (!primary) return (io.stderr(`gatehouse ${name}: x509_thumbprint needs --primary-thumbprint`), 2);
      const secondary = values['secondary-thumbprint'] as string | undefined;
      auth = { type: 'selfSigned', primaryThumbprint: primary, ...(secondary ? { secondaryThumbprint: secondary } : {}) };
    } else return (io.stderr(`gatehouse ${name}: --auth-method is shared_private_key, x509_thumbprint or x509_ca, not "${method}"`), 2);
    return withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.deviceCreate({ deviceId: ids[0]!, edgeEnabled: values['edge-enabled'] === true, auth })));
  },
);

export const deviceIdentityDeleteCommand = cmd(['device-identity', 'delete'], 'Delete a device identity with its twin and modules', '--device-id D [--json]', DEVICE, async (io, values, name) => {
  const ids = required(io, name, values, 'device-id');
  if (!ids) return 2;
  return withCloud(io, values, async (cloud) => {
    const result = await cloud.deviceDelete({ deviceId: ids[0]! });
    if (!result.ok) return refuse(io, values, name, result.error);
    if (values.json) io.stdout(JSON.stringify({ deleted: ids[0] }));
    return 0;
  });
});

export const deviceIdentityListCommand = cmd(
  ['device-identity', 'list'],
  'List device twins, paged through the hub query (az iot hub device-identity list)',
  '[--edge-enabled] [--top N] [--json]',
  { 'edge-enabled': { type: 'boolean', short: 'e', description: 'only IoT Edge devices' }, top: { type: 'string', description: 'at most this many (default 1000; -1 for all)' } },
  async (io, values, name) => {
    const top = values.top === undefined ? 1000 : Number(values.top);
    if (!Number.isInteger(top) || (top < 1 && top !== -1)) return (io.stderr(`gatehouse ${name}: --top is a positive number or -1`), 2);
    const sql = `SELECT * FROM devices${values['edge-enabled'] ? ' WHERE capabilities.iotEdge = true' : ''}`;
    return withCloud(io, values, async (cloud) => {
      const items: HubDocument[] = [];
      let continuationToken: string | undefined;
      do {
        const page = await cloud.query({ query: sql, pageSize: 100, ...(continuationToken ? { continuationToken } : {}) });
        if (!page.ok) return refuse(io, values, name, page.error);
        items.push(...page.value.items);
        continuationToken = page.value.continuationToken;
      } while (continuationToken && (top === -1 || items.length < top));
      return print(io, values, top === -1 ? items : items.slice(0, top));
    });
  },
);

export const connectionStringShowCommand = cmd(
  ['device-identity', 'connection-string', 'show'],
  'Show the connection string of a device or module (az iot hub device-identity connection-string show)',
  '--device-id D [--module-id M] [--key-type primary|secondary] [--json]',
  { ...DEVICE, ...MODULE, 'key-type': { type: 'string', description: 'primary (default) or secondary' } },
  async (io, values, name) => {
    const ids = required(io, name, values, 'device-id');
    if (!ids) return 2;
    const key = (values['key-type'] as string | undefined) ?? 'primary';
    if (key !== 'primary' && key !== 'secondary') return (io.stderr(`gatehouse ${name}: --key-type is primary or secondary`), 2);
    const moduleId = values['module-id'] as string | undefined;
    return withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.connectionString({ deviceId: ids[0]!, ...(moduleId ? { moduleId } : {}), key })));
  },
);

export const moduleIdentityListCommand = cmd(['module-identity', 'list'], 'List the module identities of a device', '--device-id D [--json]', DEVICE, async (io, values, name) => {
  const ids = required(io, name, values, 'device-id');
  if (!ids) return 2;
  return withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.moduleList({ deviceId: ids[0]! })));
});

export const moduleTwinShowCommand = cmd(['module-twin', 'show'], 'Show a module twin (az iot hub module-twin show)', "--device-id D --module-id '$edgeAgent' [--json]", { ...DEVICE, ...MODULE }, async (io, values, name) => {
  const ids = required(io, name, values, 'device-id', 'module-id');
  if (!ids) return 2;
  return withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.twinShow({ deviceId: ids[0]!, moduleId: ids[1]! })));
});

export const deviceTwinShowCommand = cmd(['device-twin', 'show'], 'Show a device twin (az iot hub device-twin show)', '--device-id D [--json]', DEVICE, async (io, values, name) => {
  const ids = required(io, name, values, 'device-id');
  if (!ids) return 2;
  return withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.twinShow({ deviceId: ids[0]! })));
});

const TWIN_UPDATE: Record<string, CliOption> = {
  desired: { type: 'string', description: 'desired properties patch as JSON (null deletes a key)' },
  tags: { type: 'string', description: 'tags patch as JSON' },
  etag: { type: 'string', description: "only if the twin still has this etag (default '*')" },
};

async function twinUpdate(io: CliIo, values: Values, name: string, moduleId: string | undefined, deviceId: string): Promise<number> {
  const desired = parseJsonOption(io, name, 'desired', values.desired as string | undefined);
  const tags = parseJsonOption(io, name, 'tags', values.tags as string | undefined);
  if (!desired.ok || !tags.ok) return 2;
  if (desired.value === undefined && tags.value === undefined) return (io.stderr(`gatehouse ${name}: give --desired and/or --tags`), 2);
  const patch: HubDocument = { ...(tags.value !== undefined ? { tags: tags.value } : {}), ...(desired.value !== undefined ? { properties: { desired: desired.value } } : {}) };
  const etag = values.etag as string | undefined;
  return withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.twinUpdate({ deviceId, ...(moduleId ? { moduleId } : {}), patch, ...(etag ? { etag } : {}) })));
}

export const moduleTwinUpdateCommand = cmd(['module-twin', 'update'], 'Patch desired properties or tags of a module twin', "--device-id D --module-id M [--desired '{…}'] [--tags '{…}'] [--etag E] [--json]", { ...DEVICE, ...MODULE, ...TWIN_UPDATE }, async (io, values, name) => {
  const ids = required(io, name, values, 'device-id', 'module-id');
  return ids ? twinUpdate(io, values, name, ids[1], ids[0]!) : 2;
});

export const deviceTwinUpdateCommand = cmd(['device-twin', 'update'], 'Patch desired properties or tags of a device twin', "--device-id D [--desired '{…}'] [--tags '{…}'] [--etag E] [--json]", { ...DEVICE, ...TWIN_UPDATE }, async (io, values, name) => {
  const ids = required(io, name, values, 'device-id');
  return ids ? twinUpdate(io, values, name, undefined, ids[0]!) : 2;
});

export const edgeSetModulesCommand = cmd(
  ['edge', 'set-modules'],
  'Apply a deployment manifest to one edge device, validated first (az iot edge set-modules)',
  '--device-id D --content deployment.json|- [--json]',
  { ...DEVICE, content: { type: 'string', short: 'k', description: 'the deployment manifest (a file, or - for standard input)' } },
  async (io, values, name) => {
    const ids = required(io, name, values, 'device-id', 'content');
    if (!ids) return 2;
    const content = await readJsonFile(io, name, ids[1]!);
    if (!content) return 2;
    return withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.setModules({ deviceId: ids[0]!, content }), (v) => v.modules));
  },
);

export const edgeDeploymentCreateCommand = cmd(
  ['edge', 'deployment', 'create'],
  'Create a deployment at scale (az iot edge deployment create)',
  "--deployment-id X --content deployment.json --target-condition \"tags.site='x'\" [--priority N] [--layered] [--labels '{…}'] [--metrics '{…}'] [--json]",
  {
    'deployment-id': { type: 'string', short: 'd', description: 'the deployment id' },
    content: { type: 'string', short: 'k', description: 'the deployment manifest (a file, or -)' },
    'target-condition': { type: 'string', short: 't', description: 'which devices, e.g. tags.environment=\'prod\'' },
    priority: { type: 'string', description: 'higher wins among deployments that target a device (default 0)' },
    layered: { type: 'boolean', description: 'a layered deployment (stacks on the base deployment)' },
    labels: { type: 'string', description: 'labels as a JSON object of strings' },
    metrics: { type: 'string', description: 'custom metric queries as a JSON object, or a file with {"queries":{…}}' },
  },
  async (io, values, name) => {
    const ids = required(io, name, values, 'deployment-id', 'content', 'target-condition');
    if (!ids) return 2;
    const priority = values.priority === undefined ? 0 : Number(values.priority);
    if (!Number.isInteger(priority) || priority < 0) return (io.stderr(`gatehouse ${name}: --priority is a whole number ≥ 0`), 2);
    const labels = parseJsonOption(io, name, 'labels', values.labels as string | undefined);
    const metrics = parseJsonOption(io, name, 'metrics', values.metrics as string | undefined);
    if (!labels.ok || !metrics.ok) return 2;
    const content = await readJsonFile(io, name, ids[1]!);
    if (!content) return 2;
    const metricQueries = (metrics.value as { queries?: Record<string, string> } | undefined)?.queries ?? (metrics.value as Record<string, string> | undefined);
    return withCloud(io, values, async (cloud) =>
      answer(
        io,
        values,
        name,
        await cloud.deploymentCreate({
          deploymentId: ids[0]!,
          content,
          targetCondition: ids[2]!,
          priority,
          ...(values.layered ? { layered: true } : {}),
          ...(labels.value ? { labels: labels.value as Record<string, string> } : {}),
          ...(metricQueries ? { metrics: metricQueries } : {}),
        }),
      ),
    );
  },
);

export const edgeDeploymentShowCommand = cmd(['edge', 'deployment', 'show'], 'Show a deployment with its metrics', '--deployment-id X [--json]', { 'deployment-id': { type: 'string', short: 'd', description: 'the deployment id' } }, async (io, values, name) => {
  const ids = required(io, name, values, 'deployment-id');
  if (!ids) return 2;
  return withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.deploymentShow({ deploymentId: ids[0]! })));
});

export const edgeDeploymentListCommand = cmd(['edge', 'deployment', 'list'], 'List deployments at scale', '[--json]', {}, async (io, values, name) =>
  withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.deploymentList({}))),
);

/**
 * `az iot edge deployment update` takes generic `--set path=value`; here the four things IoT Hub lets change after
 * creation are options of their own (the content cannot change: create a deployment with a higher priority).
 * Without `--etag` the deployment's current etag is read first, so a change made meanwhile is still refused.
 */
export const edgeDeploymentUpdateCommand = cmd(
  ['edge', 'deployment', 'update'],
  "Change a deployment's target condition, priority, labels or metrics (the content cannot change)",
  "--deployment-id X [--target-condition \"tags.site='x'\"] [--priority N] [--labels '{…}'] [--metrics '{…}'] [--etag E] [--json]",
  {
    'deployment-id': { type: 'string', short: 'd', description: 'the deployment id' },
    'target-condition': { type: 'string', short: 't', description: 'which devices, e.g. tags.environment=\'prod\'' },
    priority: { type: 'string', description: 'higher wins among deployments that target a device' },
    labels: { type: 'string', description: 'labels as a JSON object of strings (replaces the labels)' },
    metrics: { type: 'string', description: 'custom metric queries as a JSON object, or {"queries":{…}} (replaces the queries)' },
    etag: { type: 'string', short: 'e', description: "the etag the change is based on ('*' unconditional; default: the current one)" },
  },
  async (io, values, name) => {
    const ids = required(io, name, values, 'deployment-id');
    if (!ids) return 2;
    if (values['target-condition'] === undefined && values.priority === undefined && values.labels === undefined && values.metrics === undefined) {
      return (io.stderr(`gatehouse ${name}: nothing to change: give --target-condition, --priority, --labels or --metrics (the content cannot change)`), 2);
    }
    const priority = values.priority === undefined ? undefined : Number(values.priority);
    if (priority !== undefined && (!Number.isInteger(priority) || priority < 0)) return (io.stderr(`gatehouse ${name}: --priority is a whole number ≥ 0`), 2);
    const labels = parseJsonOption(io, name, 'labels', values.labels as string | undefined);
    const metrics = parseJsonOption(io, name, 'metrics', values.metrics as string | undefined);
    if (!labels.ok || !metrics.ok) return 2;
    if (labels.value !== undefined && !isStringMap(labels.value)) return (io.stderr(`gatehouse ${name}: --labels is a JSON object of strings`), 2);
    const metricQueries = isStringMap((metrics.value as { queries?: unknown } | undefined)?.queries) ? (metrics.value as { queries: Record<string, string> }).queries : metrics.value;
    if (metricQueries !== undefined && !isStringMap(metricQueries)) return (io.stderr(`gatehouse ${name}: --metrics is a JSON object of query strings, or {"queries":{…}}`), 2);
    return withCloud(io, values, async (cloud) => {
      let etag = values.etag as string | undefined;
      if (etag === undefined) {
        const current = await cloud.deploymentShow({ deploymentId: ids[0]! });
        if (!current.ok) return refuse(io, values, name, current.error);
        etag = String(current.value.etag ?? '*');
      }
      return answer(
        io,
        values,
        name,
        await cloud.deploymentUpdate({
          deploymentId: ids[0]!,
          etag,
          ...(values['target-condition'] !== undefined ? { targetCondition: values['target-condition'] as string } : {}),
          ...(priority !== undefined ? { priority } : {}),
          ...(isStringMap(labels.value) ? { labels: labels.value } : {}),
          ...(metricQueries !== undefined ? { metrics: metricQueries } : {}),
        }),
      );
    });
  },
);

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

export const edgeDeploymentDeleteCommand = cmd(['edge', 'deployment', 'delete'], 'Delete a deployment', '--deployment-id X [--json]', { 'deployment-id': { type: 'string', short: 'd', description: 'the deployment id' } }, async (io, values, name) => {
  const ids = required(io, name, values, 'deployment-id');
  if (!ids) return 2;
  return withCloud(io, values, async (cloud) => {
    const result = await cloud.deploymentDelete({ deploymentId: ids[0]! });
    if (!result.ok) return refuse(io, values, name, result.error);
    if (values.json) io.stdout(JSON.stringify({ deleted: ids[0] }));
    return 0;
  });
});

const METHOD: Record<string, CliOption> = {
  'method-name': { type: 'string', short: 'n', description: 'the method name' },
  'method-payload': { type: 'string', description: 'the payload as JSON (default null)' },
  timeout: { type: 'string', description: 'seconds to wait for the answer (5–300, default 30)' },
};

async function invoke(io: CliIo, values: Values, name: string, moduleId: string | undefined, deviceId: string, methodName: string): Promise<number> {
  const payload = parseJsonOption(io, name, 'method-payload', values['method-payload'] as string | undefined);
  if (!payload.ok) return 2;
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!Number.isInteger(timeout) || timeout < 5 || timeout > 300) return (io.stderr(`gatehouse ${name}: --timeout is 5 to 300 seconds`), 2);
  return withCloud(io, values, async (cloud) =>
    answer(io, values, name, await cloud.invokeMethod({ deviceId, ...(moduleId ? { moduleId } : {}), methodName, payload: payload.value ?? null, responseTimeoutInSeconds: timeout })),
  );
}

export const invokeModuleMethodCommand = cmd(
  ['invoke-module-method'],
  'Invoke a direct method on a module (az iot hub invoke-module-method)',
  "--device-id D --module-id M --method-name N [--method-payload '{…}'] [--timeout 30] [--json]",
  { ...DEVICE, ...MODULE, ...METHOD },
  async (io, values, name) => {
    const ids = required(io, name, values, 'device-id', 'module-id', 'method-name');
    return ids ? invoke(io, values, name, ids[1], ids[0]!, ids[2]!) : 2;
  },
);

export const invokeDeviceMethodCommand = cmd(
  ['invoke-device-method'],
  'Invoke a direct method on a device (az iot hub invoke-device-method)',
  "--device-id D --method-name N [--method-payload '{…}'] [--timeout 30] [--json]",
  { ...DEVICE, ...METHOD },
  async (io, values, name) => {
    const ids = required(io, name, values, 'device-id', 'method-name');
    return ids ? invoke(io, values, name, undefined, ids[0]!, ids[1]!) : 2;
  },
);

const C2D: Record<string, CliOption> = {
  ...DEVICE,
  data: { type: 'string', short: 'a', description: 'the message body (text)' },
  'data-file': { type: 'string', description: 'the message body from a file (bytes as they are), or - for standard input' },
  props: { type: 'string', short: 'p', description: 'application properties as az takes them: "key0=value0;key1=value1"' },
  property: { type: 'string', multiple: true, description: 'one application property key=value (repeatable)' },
  'message-id': { type: 'string', description: 'the message id (default: a new UUID, printed)' },
  'correlation-id': { type: 'string', description: 'the correlation id' },
  'user-id': { type: 'string', description: 'the user id' },
  'content-type': { type: 'string', description: 'the content type, e.g. application/json' },
  'content-encoding': { type: 'string', description: 'the content encoding, e.g. utf-8' },
  ack: { type: 'string', description: 'delivery feedback to ask for: none, positive, negative or full' },
  'expiry-secs': { type: 'string', description: 'time to live in seconds (default the hub\'s, 1 hour; at most 172800 = 48 hours)' },
};

/** `key=value` pairs from `--props "a=1;b=2"` (az's form) and repeated `--property a=1`; undefined after a message. */
function c2dProperties(io: CliIo, name: string, values: Values): Record<string, string> | undefined {
  const pairs = [...(typeof values.props === 'string' ? values.props.split(';').filter((p) => p.trim() !== '') : []), ...((values.property as string[] | undefined) ?? [])];
  const properties: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at).trim() : '';
    if (!key) return (io.stderr(`gatehouse ${name}: a property is key=value, not "${pair}"`), undefined);
    properties[key] = pair.slice(at + 1);
  }
  return properties;
}

/**
 * `gatehouse c2d-message send` (az iot device c2d-message send): one cloud-to-device message, queued by the hub until
 * the device takes it. Prints `{deviceId, messageId}`. An unknown device, a full queue (50 waiting), a body over
 * 64 KiB or a refused token is the hub refusing (exit 1, the reason on stderr, or `{ok:false,error}` with --json).
 */
export const c2dMessageSendCommand = cmd(
  ['c2d-message', 'send'],
  'Send a cloud-to-device message to a device (az iot device c2d-message send)',
  "--device-id D (--data TEXT | --data-file F|-) [--props 'k=v;k2=v2'] [--property k=v …] [--message-id M] [--correlation-id C] [--content-type T] [--content-encoding E] [--ack full] [--expiry-secs N] [--json]",
  C2D,
  async (io, values, name) => {
    const ids = required(io, name, values, 'device-id');
    if (!ids) return 2;
    const data = values.data as string | undefined;
    const dataFile = values['data-file'] as string | undefined;
    if ((data === undefined) === (dataFile === undefined)) return (io.stderr(`gatehouse ${name}: give the body with --data or --data-file (one of them)`), 2);
    let body: Buffer;
    try {
      body = data !== undefined ? Buffer.from(data, 'utf8') : dataFile === '-' ? Buffer.from(await readInput('-', io), 'utf8') : await readFile(dataFile!);
    } catch (cause) {
      return (io.stderr(`gatehouse ${name}: cannot read ${dataFile}: ${(cause as Error).message}`), 2);
    }
    const properties = c2dProperties(io, name, values);
    if (!properties) return 2;
    const expiry = values['expiry-secs'] === undefined ? undefined : Number(values['expiry-secs']);
    if (expiry !== undefined && (!Number.isInteger(expiry) || expiry < 1 || expiry > C2D_MAX_EXPIRY_SECONDS)) {
      return (io.stderr(`gatehouse ${name}: --expiry-secs is a whole number of seconds, 1 to ${C2D_MAX_EXPIRY_SECONDS} (48 hours)`), 2);
    }
    const ack = values.ack as CloudToDeviceSend['ack'] | undefined;
    if (ack !== undefined && !['none', 'positive', 'negative', 'full'].includes(ack)) return (io.stderr(`gatehouse ${name}: --ack is none, positive, negative or full`), 2);
    const text = (option: string) => (typeof values[option] === 'string' ? (values[option] as string) : undefined);
    const request = {
      deviceId: ids[0]!,
      body: body.toString('base64'),
      bodyEncoding: 'base64' as const,
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
      ...(text('message-id') !== undefined ? { messageId: text('message-id') } : {}),
      ...(text('correlation-id') !== undefined ? { correlationId: text('correlation-id') } : {}),
      ...(text('user-id') !== undefined ? { userId: text('user-id') } : {}),
      ...(text('content-type') !== undefined ? { contentType: text('content-type') } : {}),
      ...(text('content-encoding') !== undefined ? { contentEncoding: text('content-encoding') } : {}),
      ...(ack !== undefined ? { ack } : {}),
      ...(expiry !== undefined ? { expirySeconds: expiry } : {}),
    };
    return withCloud(io, values, async (cloud) => answer(io, values, name, await cloud.c2dMessageSend(request)));
  },
);

export const IOTHUB_COMMANDS: readonly CliCommand[] = [
  deviceIdentityListCommand,
  deviceIdentityShowCommand,
  deviceIdentityCreateCommand,
  deviceIdentityDeleteCommand,
  connectionStringShowCommand,
  moduleIdentityListCommand,
  deviceTwinShowCommand,
  deviceTwinUpdateCommand,
  moduleTwinShowCommand,
  moduleTwinUpdateCommand,
  edgeSetModulesCommand,
  edgeDeploymentListCommand,
  edgeDeploymentShowCommand,
  edgeDeploymentCreateCommand,
  edgeDeploymentUpdateCommand,
  edgeDeploymentDeleteCommand,
  invokeDeviceMethodCommand,
  invokeModuleMethodCommand,
  c2dMessageSendCommand,
];


/**
 * `gatehouse monitor-events`: device-to-cloud messages as the connected hub receives them, in the shape of
 * `az iot hub monitor-events --properties all` (`{"event": {origin, module, payload, properties: {system,
 * application}}}`), one JSON document per message (one line each with `--json`), until Ctrl+C or `--timeout`.
 * It needs the running console: the local hub pushes what arrives; a cloud hub's messages are read by the console
 * from its Event Hubs-compatible endpoint (added with the hub); without that endpoint it says where to find it.
 */
export const monitorEventsCommand: CliCommand = {
  path: ['monitor-events'],
  summary: 'Show device-to-cloud messages arriving at the hub (az iot hub monitor-events)',
  usage: '[--device-id D] [--module-id M] [--timeout S] [--json]',
  options: { ...DEVICE, ...MODULE, timeout: { type: 'string', short: 't', description: 'stop after this many seconds (default 300; 0 = until Ctrl+C)' } },
  async run({ values, io }) {
    const timeout = values.timeout === undefined ? 300 : Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout < 0) return (io.stderr('gatehouse monitor-events: --timeout is a number of seconds ≥ 0'), 2);
    const deviceId = values['device-id'] as string | undefined;
    const moduleId = values['module-id'] as string | undefined;
    const connection = await connectHost(io.env);
    try {
      if (connection.mode !== 'remote') {
        io.stderr('gatehouse monitor-events: no console is running for this data folder; the local hub runs with it (start `gatehouse serve` or the app)');
        return 2;
      }
      const source = await contractClient(cloudContract, connection).eventsSource({});
      if (source.ok && source.value.source === 'none') {
        io.stderr(`gatehouse monitor-events: ${source.value.message}`);
        return 2;
      }
      if (source.ok && source.value.source === 'eventHubs' && !values.json) io.stderr(source.value.message);
      let finish: (code: number) => void = () => undefined;
      const done = new Promise<number>((r) => (finish = r));
      const unsubscribe = await connection.subscribe('cloud.telemetry', (payload) => {
        const event = payload as TelemetryEvent;
        if (deviceId && event.deviceId !== deviceId) return;
        if (moduleId && event.moduleId !== moduleId) return;
        io.stdout(JSON.stringify(azEvent(event), null, values.json ? undefined : 4));
      });
      if (!values.json) io.stderr(`Starting event monitor${deviceId ? `, filtering on device: ${deviceId}` : ''}, use ctrl-c to stop...`);
      const stop = () => finish(0);
      process.once('SIGINT', stop);
      const timer = timeout > 0 ? setTimeout(stop, timeout * 1000) : undefined;
      const code = await done;
      clearTimeout(timer);
      process.off('SIGINT', stop);
      unsubscribe();
      return code;
    } finally {
      connection.close();
    }
  },
};
