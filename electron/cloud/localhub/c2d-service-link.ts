import type { Message } from 'rhea';
import type { Result } from '../../../shared/errors';
import type { BackendError, HubMessage } from '../../protocol/device-backend';
import { parseSasToken } from '../../protocol/sas-token';
import type { SharedAccessPolicy } from './hub-model';
import { checkServiceToken, describeAuthFailure, type ServiceAuthFailure } from './service-auth';

/**
 * IoT Hub's service-facing cloud-to-device link on the local hub's AMQP endpoint, as azure-iothub's `Client.send`
 * uses it (HUB-CONTRACTS.md §1.3): CBS put-token of an IoT Hub service token (`sr` = the hub's host name, signed with
 * the base64-decoded policy key, ServiceConnect needed), a sender link to `/messages/devicebound`, and one message per
 * send addressed `to = /devices/<url-encoded id>/messages/devicebound`. This file holds the pure parts (the token
 * check, the message read into a HubMessage, a refusal as the AMQP condition the SDK translates); the AMQP plumbing
 * lives in ./eventhubs-server.
 */

export const C2D_ADDRESS = '/messages/devicebound';
/** The service's feedback and file-upload notification links: they attach, and the local hub sends nothing on them. */
export const SERVICE_RECEIVER_ADDRESSES = ['/messages/servicebound/feedback', '/messages/servicebound/filenotifications'] as const;

/** Where accepted messages go: the registry's durable per-device queue. */
export interface CloudToDeviceSink {
  sendCloudToDevice(deviceId: string, message: HubMessage, options?: { expiresAtMs?: number }): Promise<Result<{ readonly messageId: string }, BackendError>>;
}

export interface ServiceLinkOptions {
  /** The hub's host name: the audience (`sr`) of service tokens. */
  readonly hostName: string;
  readonly sink: CloudToDeviceSink;
}

/** An AMQP error as the link sends it (a rejected delivery or a refused attach). */
export interface AmqpRefusal {
  readonly condition: string;
  readonly description: string;
}

export type ServiceTokenCheck =
  | { readonly ok: true; readonly expiry: number; readonly keyName: string }
  | { readonly ok: false; readonly reason: ServiceAuthFailure; readonly description: string };

export function isC2dAddress(address: string): boolean {
  return address.toLowerCase() === C2D_ADDRESS;
}

export function isServiceReceiverAddress(address: string): boolean {
  return (SERVICE_RECEIVER_ADDRESSES as readonly string[]).includes(address.toLowerCase());
}

/** A put-token of an IoT Hub service token: the policy, `sr`, expiry, signature and the ServiceConnect right. */
export function checkServicePutToken(token: string, hostName: string, policies: readonly SharedAccessPolicy[], nowSeconds: number): ServiceTokenCheck {
  const checked = checkServiceToken(token, hostName, policies, ['ServiceConnect'], nowSeconds);
  if (!checked.ok) {
    const description = checked.reason === 'rights' ? 'the shared access policy has no ServiceConnect right (use iothubowner or service)' : describeAuthFailure(checked.reason);
    return { ok: false, reason: checked.reason, description };
  }
  const parsed = parseSasToken(token);
  return { ok: true, expiry: parsed.ok ? parsed.value.expiry : nowSeconds, keyName: checked.policy.keyName };
}

export type ParsedC2d = { readonly ok: true; readonly deviceId: string; readonly message: HubMessage; readonly expiresAtMs?: number } | { readonly ok: false; readonly refusal: AmqpRefusal };

const TO = /^\/devices\/([^/]+)\/messages\/devicebound$/i;
const ACK_VALUES = ['none', 'positive', 'negative', 'full'];

/** An AMQP message of the service SDK as a HubMessage for the registry's queue, or why it is refused (argument-error). */
export function parseC2dMessage(message: Message): ParsedC2d {
  const bad = (description: string): ParsedC2d => ({ ok: false, refusal: { condition: 'com.microsoft:argument-error', description } });
  const to = typeof message.to === 'string' ? message.to : '';
  const match = TO.exec(to);
  if (!match) return bad(`the message's "to" must be /devices/<device id>/messages/devicebound, not "${to}"`);
  let deviceId: string;
  try {
    deviceId = decodeURIComponent(match[1]!);
  } catch {
    return bad(`the device id in "${to}" is not URL-encoded properly`);
  }
  const body = bodyBytes(message.body);
  if (!body) return bad('the message body is not binary data (a data section) or text');
  const system: Record<string, string> = {};
  const mid = idText(message.message_id);
  const cid = idText(message.correlation_id);
  if (mid !== undefined) system.mid = mid;
  if (cid !== undefined) system.cid = cid;
  if (message.user_id !== undefined && message.user_id !== null) system.uid = Buffer.isBuffer(message.user_id) ? message.user_id.toString('utf8') : String(message.user_id);
  if (typeof message.content_type === 'string' && message.content_type) system.ct = message.content_type;
  if (typeof message.content_encoding === 'string' && message.content_encoding) system.ce = message.content_encoding;
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries((message.application_properties ?? {}) as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return bad(`application property "${key}" is not a string, number or boolean`);
    properties[key] = String(value);
  }
  // `iothub-ack` (the feedback the service asks for) stays on the message for the device, as IoT Hub keeps it.
  const ack = properties['iothub-ack'];
  if (ack !== undefined && !ACK_VALUES.includes(ack)) return bad(`iothub-ack is none, positive, negative or full, not "${ack}"`);
  const expiry = message.absolute_expiry_time as unknown;
  const expiresAtMs = expiry instanceof Date ? expiry.getTime() : typeof expiry === 'number' ? expiry : undefined;
  return { ok: true, deviceId, message: { body, systemProperties: system, properties }, ...(expiresAtMs !== undefined ? { expiresAtMs } : {}) };
}

/** A registry refusal as the AMQP condition azure-iothub translates into its error classes (amqp_service_errors). */
export function refusalFor(error: BackendError): AmqpRefusal {
  switch (error.code) {
    case 'NOT_FOUND':
      return { condition: 'amqp:not-found', description: error.message }; // DeviceNotFoundError
    case 'THROTTLED':
      return { condition: 'amqp:resource-limit-exceeded', description: error.message }; // DeviceMaximumQueueDepthExceededError
    case 'TOO_LARGE':
      return { condition: 'amqp:link:message-size-exceeded', description: error.message }; // MessageTooLargeError
    case 'BAD_REQUEST':
      return { condition: 'com.microsoft:argument-error', description: error.message }; // ArgumentError
    case 'UNAUTHORIZED':
      return { condition: 'amqp:unauthorized-access', description: error.message }; // UnauthorizedError
    case 'UNAVAILABLE':
      return { condition: 'com.microsoft:timeout', description: error.message }; // ServiceUnavailableError (retried)
    case 'INTERNAL':
      return { condition: 'amqp:internal-error', description: error.message }; // InternalServerError
  }
}

/** message_id/correlation_id: a string, a number (ulong) or a 16-byte uuid (the SDK sends UUID-shaped ids as uuids). */
function idText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Buffer.isBuffer(value)) {
    if (value.length !== 16) return value.toString('utf8');
    const hex = value.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return String(value);
}

/** A data section (rhea's Section with `content`, one Buffer or several), a bare Buffer, or an AMQP string value. */
function bodyBytes(body: unknown): Uint8Array | undefined {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  const content = (body as { content?: unknown }).content;
  if (content instanceof Uint8Array) return content;
  if (Array.isArray(content) && content.every((part) => part instanceof Uint8Array)) return Buffer.concat(content as Uint8Array[]);
  return undefined;
}
