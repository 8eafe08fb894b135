import { randomBytes, randomInt } from 'node:crypto';
import type { Result } from '../../../shared/errors';

/**
 * What the local hub keeps, in the shapes IoT Hub puts on the wire (HUB-CONTRACTS.md §2.5-§2.7). One device record
 * carries its twin, one module record its module twin, so an identity and its twin are always written together.
 */

export type JsonObject = { [key: string]: unknown };

/** `$metadata` mirrors the tree it describes (HUB-CONTRACTS.md §2.6). */
export interface MetadataNode {
  $lastUpdated: string;
  $lastUpdatedVersion?: number;
  [key: string]: MetadataNode | string | number | undefined;
}

export interface TwinState {
  tags: JsonObject;
  desired: JsonObject;
  desiredMetadata: MetadataNode;
  desiredVersion: number;
  reported: JsonObject;
  reportedMetadata: MetadataNode;
  reportedVersion: number;
  /** Incremented on every change of tags, desired or reported; the twin etag is derived from it. */
  version: number;
}

/** The `authentication` object exactly as the REST API shows it (unused halves null). */
export interface StoredAuthentication {
  type: 'sas' | 'selfSigned' | 'certificateAuthority' | 'none';
  symmetricKey: { primaryKey: string | null; secondaryKey: string | null };
  x509Thumbprint: { primaryThumbprint: string | null; secondaryThumbprint: string | null };
}

export interface DeviceRecord {
  deviceId: string;
  generationId: string;
  etag: string;
  status: 'enabled' | 'disabled';
  statusReason: string | null;
  statusUpdatedTime: string;
  authentication: StoredAuthentication;
  capabilities: { iotEdge: boolean };
  deviceScope?: string;
  parentScopes: string[];
  twin: TwinState;
}

export interface ModuleRecord {
  deviceId: string;
  moduleId: string;
  generationId: string;
  etag: string;
  managedBy: string | null;
  authentication: StoredAuthentication;
  twin: TwinState;
}

export interface ConfigurationRecord {
  id: string;
  schemaVersion: string;
  labels: Record<string, string>;
  content: JsonObject;
  targetCondition: string;
  priority: number;
  createdTimeUtc: string;
  lastUpdatedTimeUtc: string;
  etag: string;
  /** Bumped on every update; the etag is derived from it. */
  revision: number;
  metrics: { queries: Record<string, string>; results: Record<string, number> };
}

export type AccessRight = 'RegistryRead' | 'RegistryWrite' | 'ServiceConnect' | 'DeviceConnect';

export interface SharedAccessPolicy {
  keyName: string;
  primaryKey: string;
  secondaryKey: string;
  rights: AccessRight[];
}

/**
 * Errors of the registry, named by the IoT Hub error code the REST layer puts in `Message` (HUB-CONTRACTS.md §4.1);
 * `rest-errors.ts` maps each to its HTTP status.
 */
export type HubErrorCode =
  | 'ArgumentInvalid'
  | 'DeviceNotFound'
  | 'DeviceAlreadyExists'
  | 'ModuleNotFound'
  | 'ModuleAlreadyExistsOnDevice'
  | 'ConfigurationNotFound'
  | 'ConfigurationAlreadyExists'
  | 'PreconditionFailed'
  | 'IotHubUnauthorizedAccess'
  | 'NotSupported';

export interface HubError {
  readonly code: HubErrorCode;
  readonly message: string;
}

export type HubResult<T> = Result<T, HubError>;

export const hubError = (code: HubErrorCode, message: string): { ok: false; error: HubError } => ({ ok: false, error: { code, message } });

/** "Never", as IoT Hub writes it. */
export const NEVER = '0001-01-01T00:00:00Z';

/** Device and module ids: up to 128 of ASCII letters, digits and `-.%_*?!(),:=@$'` (IoT Hub's rule). */
const IDENTITY_ID = /^[A-Za-z0-9\-.%_*?!(),:=@$']{1,128}$/;
/** Configuration ids: up to 128 of letters, digits and `-:+%_#*?!(),=@;$'`. */
const CONFIGURATION_ID = /^[A-Za-z0-9\-:+%_#*?!(),=@;$']{1,128}$/;

export function validIdentityId(id: unknown): id is string {
  return typeof id === 'string' && IDENTITY_ID.test(id);
}

export function validConfigurationId(id: unknown): id is string {
  return typeof id === 'string' && CONFIGURATION_ID.test(id);
}

/** A new shared access key: 32 random bytes, base64. */
export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

/** An etag like IoT Hub's identity etags (base64 of a short decimal string). */
export function newEtag(): string {
  return Buffer.from(String(randomInt(10_000_000, 99_999_999))).toString('base64');
}

/** The twin etag: base64 of the 8-byte big-endian version (`AAAAAAAAAAE=` for 1), as IoT Hub's look. */
export function twinEtag(version: number): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(version));
  return bytes.toString('base64');
}

/** A generation id: 18 digits, new for each (re)creation of an id. */
export function newGenerationId(): string {
  return `63${String(Date.now()).padStart(13, '0')}${randomInt(100, 999)}`;
}

/** `If-Match` semantics: absent, `*` (or the SDK's empty `""`) match anything; otherwise the etag must be equal. */
export function etagMatches(ifMatch: string | undefined, etag: string): boolean {
  return ifMatch === undefined || ifMatch === '*' || ifMatch === '' || ifMatch === etag;
}

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
