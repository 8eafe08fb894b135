import { randomBytes, randomUUID } from 'node:crypto';
import type { Client as SdkClient, Registry as SdkRegistry } from 'azure-iothub';
import { lazyModule } from '../../runtime/lazy-module';
import { appError, err, ok, type Result } from '../../../shared/errors';
import { fromSdkError } from './iothub-errors';
import { reachLocalHub, type LocalHubEndpoint } from './local-adapter';

/**
 * The console's client for one IoT Hub, through the official `azure-iothub` SDK: a real Azure IoT Hub, or the
 * embedded local hub (then with `local`, the one adapter that carries the SDK to its port and CA). Every call
 * returns a Result; documents are the hub's own JSON (what `az iot hub …` prints), so scripts stay portable.
 */

export type Json = Record<string, unknown>;

// Loaded when a hub is first reached (not when the CLI or the console starts).
const iothub = lazyModule<typeof import('azure-iothub')>('azure-iothub');
// The SDK's own Message class (azure-iothub bundles azure-iot-common's; its index does not export it).
const sdkMessage = lazyModule<typeof import('azure-iothub/dist/common-core/message')>('azure-iothub/dist/common-core/message');

export interface HubConnectionInfo {
  readonly hostName: string;
  readonly policy: string;
}

export interface DevicePage {
  readonly items: Json[];
  /** Present while more pages remain. */
  readonly continuationToken?: string;
}

export interface CreateDeviceRequest {
  readonly deviceId: string;
  readonly edgeEnabled?: boolean;
  /** Default `sas`: the hub generates both keys. */
  readonly auth?: { readonly type: 'sas' } | { readonly type: 'selfSigned'; readonly primaryThumbprint: string; readonly secondaryThumbprint?: string } | { readonly type: 'certificateAuthority' };
  readonly status?: 'enabled' | 'disabled';
}

export interface MethodCall {
  readonly methodName: string;
  readonly payload?: unknown;
  readonly responseTimeoutInSeconds?: number;
  readonly connectTimeoutInSeconds?: number;
}

/** A cloud-to-device message as `az iot device c2d-message send` takes it. */
export interface CloudToDeviceMessage {
  readonly body: Uint8Array;
  /** Application properties. */
  readonly properties?: Readonly<Record<string, string>>;
  /** Default: a new UUID (returned, so the sender can follow the message). */
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly userId?: string;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** The delivery feedback asked for (`iothub-ack`). */
  readonly ack?: 'none' | 'positive' | 'negative' | 'full';
  /** Time to live from now; default the hub's (1 hour on IoT Hub), at most 48 hours. */
  readonly expirySeconds?: number;
}

/** Parses a service connection string: HostName, SharedAccessKeyName and SharedAccessKey are required. */
export function parseServiceConnectionString(value: string): Result<HubConnectionInfo> {
  const text = value.trim();
  if (!text) return err(appError('BAD_REQUEST', 'the connection string is empty'));
  let parsed: { HostName?: string; SharedAccessKeyName?: string; SharedAccessKey?: string; DeviceId?: string };
  try {
    parsed = iothub().ConnectionString.parse(text) as typeof parsed;
  } catch {
    parsed = {};
  }
  const fields = Object.fromEntries(text.split(';').filter(Boolean).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  if (fields.DeviceId !== undefined) return err(appError('BAD_REQUEST', 'this is a device connection string (it has DeviceId): use a hub connection string of a shared access policy, e.g. iothubowner'));
  const missing = ['HostName', 'SharedAccessKeyName', 'SharedAccessKey'].filter((k) => !fields[k]);
  if (missing.length > 0) return err(appError('BAD_REQUEST', `the connection string has no ${missing.join(', ')} (expected HostName=…;SharedAccessKeyName=…;SharedAccessKey=…)`));
  const key = fields.SharedAccessKey ?? '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, 'base64').length < 16) return err(appError('BAD_REQUEST', 'SharedAccessKey is not a base64 key'));
  return ok({ hostName: parsed.HostName ?? fields.HostName ?? '', policy: parsed.SharedAccessKeyName ?? fields.SharedAccessKeyName ?? '' });
}

export class IotHubClient {
  private constructor(
    readonly info: HubConnectionInfo,
    private readonly registry: SdkRegistry,
    private readonly service: SdkClient,
  ) {}

  static connect(connectionString: string, local?: LocalHubEndpoint): Result<IotHubClient> {
    const info = parseServiceConnectionString(connectionString);
    if (!info.ok) return info;
    try {
      const registry = iothub().Registry.fromConnectionString(connectionString);
      // The service client's transport (AMQP) is only dialled by open()/send(); methods go over HTTPS.
      const service = iothub().Client.fromConnectionString(connectionString);
      if (local) {
        reachLocalHub(registry, local);
        reachLocalHub(service, local);
      }
      return ok(new IotHubClient(info.value, registry, service));
    } catch (cause) {
      return err(appError('BAD_REQUEST', `the connection string is not usable: ${(cause as Error).message}`));
    }
  }

  async statistics(): Promise<Result<{ totalDeviceCount: number; enabledDeviceCount: number; disabledDeviceCount: number }>> {
    return this.call('read the registry statistics', async () => (await this.registry.getRegistryStatistics()).responseBody);
  }

  /** One page of `SELECT * FROM devices [WHERE …]` (or any query), raw items. */
  async query(sql: string, pageSize = 100, continuationToken?: string): Promise<Result<DevicePage>> {
    return this.call('run the query', async () => {
      const query = this.registry.createQuery(sql, pageSize);
      const page = continuationToken ? await query.next(continuationToken) : await query.next();
      const items = Array.isArray(page.result) ? (page.result as Json[]) : [];
      return query.hasMoreResults && query.continuationToken ? { items, continuationToken: query.continuationToken } : { items };
    });
  }

  async getDevice(deviceId: string): Promise<Result<Json>> {
    return this.call(`read device ${deviceId}`, async () => plain((await this.registry.get(deviceId)).responseBody));
  }

  async listDevices(): Promise<Result<Json[]>> {
    return this.call('list the devices', async () => (await this.registry.list()).responseBody.map(plain));
  }

  async createDevice(request: CreateDeviceRequest): Promise<Result<Json>> {
    const auth = request.auth ?? { type: 'sas' };
    const authentication =
      auth.type === 'sas'
        ? { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } }
        : auth.type === 'selfSigned'
          ? { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: auth.primaryThumbprint, secondaryThumbprint: auth.secondaryThumbprint ?? auth.primaryThumbprint } }
          : { type: 'certificateAuthority' };
    const device = { deviceId: request.deviceId, status: request.status ?? 'enabled', capabilities: { iotEdge: request.edgeEnabled === true }, authentication };
    return this.call(`create device ${request.deviceId}`, async () => plain((await this.registry.create(device as SdkRegistry.DeviceDescription)).responseBody));
  }

  async deleteDevice(deviceId: string): Promise<Result<void>> {
    return this.call(`delete device ${deviceId}`, async () => void (await this.registry.delete(deviceId)));
  }

  /** New symmetric keys for a SAS device (primary, secondary or both); live connections with the old key drop. */
  async regenerateKeys(deviceId: string, which: 'primary' | 'secondary' | 'both'): Promise<Result<Json>> {
    return this.call(`regenerate the keys of ${deviceId}`, async () => {
      const current = plain((await this.registry.get(deviceId)).responseBody) as { authentication?: { type?: string; symmetricKey?: { primaryKey?: string; secondaryKey?: string } } };
      if (current.authentication?.type !== 'sas') throw Object.assign(new Error(`${deviceId} authenticates with X.509 certificates, not keys`), { name: 'ArgumentError' });
      const newKey = () => randomBytes(32).toString('base64');
      const keys = current.authentication.symmetricKey ?? {};
      const symmetricKey = {
        primaryKey: which === 'secondary' ? keys.primaryKey : newKey(),
        secondaryKey: which === 'primary' ? keys.secondaryKey : newKey(),
      };
      const updated = { ...current, authentication: { ...current.authentication, symmetricKey } };
      return plain((await this.registry.update(updated as unknown as SdkRegistry.DeviceDescription)).responseBody);
    });
  }

  async listModules(deviceId: string): Promise<Result<Json[]>> {
    return this.call(`list the modules of ${deviceId}`, async () => (await this.registry.getModulesOnDevice(deviceId)).responseBody.map(plain));
  }

  async getTwin(deviceId: string, moduleId?: string): Promise<Result<Json>> {
    const what = moduleId ? `read the twin of ${deviceId}/${moduleId}` : `read the twin of ${deviceId}`;
    return this.call(what, async () => plain(moduleId ? (await this.registry.getModuleTwin(deviceId, moduleId)).responseBody : (await this.registry.getTwin(deviceId)).responseBody));
  }

  /** PATCH of tags and desired properties; `etag` `*` is unconditional, a stale one is a CONFLICT (reload and re-apply). */
  async updateTwin(deviceId: string, moduleId: string | undefined, patch: Json, etag = '*'): Promise<Result<Json>> {
    const what = moduleId ? `update the twin of ${deviceId}/${moduleId}` : `update the twin of ${deviceId}`;
    return this.call(what, async () =>
      plain(moduleId ? (await this.registry.updateModuleTwin(deviceId, moduleId, patch, etag)).responseBody : (await this.registry.updateTwin(deviceId, patch, etag)).responseBody),
    );
  }

  /** `az iot edge set-modules`: the deployment's modulesContent becomes the desired state of the device's module twins. */
  async setModules(deviceId: string, modulesContent: Json): Promise<Result<void>> {
    return this.call(`apply the deployment to ${deviceId}`, async () => void (await this.registry.applyConfigurationContentOnDevice(deviceId, { modulesContent } as never)));
  }

  async listConfigurations(): Promise<Result<Json[]>> {
    return this.call('list the deployments', async () => (await this.registry.getConfigurations()).responseBody.map(plain));
  }

  async getConfiguration(id: string): Promise<Result<Json>> {
    return this.call(`read deployment ${id}`, async () => plain((await this.registry.getConfiguration(id)).responseBody));
  }

  async addConfiguration(configuration: Json): Promise<Result<Json>> {
    return this.call(`create deployment ${String(configuration.id)}`, async () => plain((await this.registry.addConfiguration(configuration as never)).responseBody));
  }

  async updateConfiguration(configuration: Json, force = false): Promise<Result<Json>> {
    return this.call(`update deployment ${String(configuration.id)}`, async () => plain((await this.registry.updateConfiguration(configuration as never, force)).responseBody));
  }

  async removeConfiguration(id: string): Promise<Result<void>> {
    return this.call(`delete deployment ${id}`, async () => void (await this.registry.removeConfiguration(id)));
  }

  /** A direct method on a device or module: the answer is `{status, payload}` from the device, whatever its status. */
  async invokeMethod(deviceId: string, moduleId: string | undefined, call: MethodCall): Promise<Result<{ status: number; payload: unknown }>> {
    const target = moduleId ? `${deviceId}/${moduleId}` : deviceId;
    const params = {
      methodName: call.methodName,
      payload: call.payload ?? null,
      responseTimeoutInSeconds: call.responseTimeoutInSeconds ?? 30,
      connectTimeoutInSeconds: call.connectTimeoutInSeconds ?? 0,
    };
    return this.call(`invoke ${call.methodName} on ${target}`, async () => {
      const answer = moduleId ? await this.service.invokeDeviceMethod(deviceId, moduleId, params) : await this.service.invokeDeviceMethod(deviceId, params);
      const result = answer.result as { status?: unknown; payload?: unknown } | undefined;
      return { status: typeof result?.status === 'number' ? result.status : 0, payload: result?.payload ?? null };
    });
  }

  /**
   * A cloud-to-device message through azure-iothub's `Client.send` (AMQPS; to the local hub through the adapter):
   * resolves once the hub has queued it for the device. An unknown device is NOT_FOUND, a full queue (50 waiting)
   * CONFLICT, a body over 64 KiB BAD_REQUEST, a wrong key or a policy without ServiceConnect UNAUTHORIZED.
   */
  async sendCloudToDevice(deviceId: string, request: CloudToDeviceMessage): Promise<Result<{ deviceId: string; messageId: string }>> {
    const messageId = request.messageId ?? randomUUID();
    return this.call(`send a cloud-to-device message to ${deviceId}`, async () => {
      const message = new (sdkMessage().Message)(Buffer.from(request.body));
      message.messageId = messageId;
      if (request.correlationId !== undefined) message.correlationId = request.correlationId;
      if (request.userId !== undefined) message.userId = request.userId;
      // The SDK's typings name only application/json and utf-8/16/32; the hub carries any value.
      if (request.contentType !== undefined) message.contentType = request.contentType as typeof message.contentType;
      if (request.contentEncoding !== undefined) message.contentEncoding = request.contentEncoding as typeof message.contentEncoding;
      if (request.ack !== undefined) message.ack = request.ack;
      // Epoch milliseconds: rhea writes the AMQP timestamp from a number (a Date fails in its encoder).
      if (request.expirySeconds !== undefined) message.expiryTimeUtc = Date.now() + request.expirySeconds * 1000;
      for (const [key, value] of Object.entries(request.properties ?? {})) message.properties.add(key, value);
      await this.service.send(deviceId, message);
      return { deviceId, messageId };
    });
  }

  /** Closes the service client's AMQP connection, if a send opened one. */
  async close(): Promise<void> {
    await this.service.close().catch(() => undefined);
  }

  private async call<T>(doing: string, run: () => Promise<T>): Promise<Result<T>> {
    try {
      return ok(await run());
    } catch (cause) {
      return err(fromSdkError(cause, `cannot ${doing}`));
    }
  }
}

/** The SDK's Device/Twin objects as plain JSON (their `toJSON`, without the registry handle). */
function plain(value: unknown): Json {
  if (value && typeof value === 'object') {
    const withToJson = value as { toJSON?: () => unknown };
    const json = typeof withToJson.toJSON === 'function' ? withToJson.toJSON() : value;
    return JSON.parse(JSON.stringify(json)) as Json;
  }
  return {};
}
