import { randomBytes } from 'node:crypto';
import type { Result } from '../../../shared/errors';

/**
 * Device and module identities as IoT Hub models them (symmetric-key authentication, a generation id that changes
 * when an identity is deleted and created again). The edge runtime reads them through `IdentityProvider`: today
 * a file-backed store (`identity.store.ts`); later the local hub or IoT Hub can be the source without the
 * workload API or the agent noticing.
 */

export interface SymmetricKeys {
  /** Base64 of 32 random bytes, like IoT Hub's auto-generated keys. */
  readonly primaryKey: string;
  readonly secondaryKey: string;
}

export interface DeviceIdentity extends SymmetricKeys {
  readonly deviceId: string;
  readonly generationId: string;
}

export interface ModuleIdentity extends SymmetricKeys {
  readonly deviceId: string;
  readonly moduleId: string;
  readonly generationId: string;
}

export interface ModuleSyncOutcome {
  readonly created: readonly string[];
  readonly removed: readonly string[];
}

export interface IdentityProvider {
  readonly deviceId: string;
  getDevice(): Promise<DeviceIdentity>;
  getModule(moduleId: string): Promise<ModuleIdentity | undefined>;
  listModules(): Promise<readonly ModuleIdentity[]>;
  /**
   * Makes the module identities exactly `moduleIds`: creates the missing ones (new keys, new generation id) and
   * deletes those no longer named. Existing identities keep their keys and generation id.
   */
  syncModules(moduleIds: readonly string[]): Promise<Result<ModuleSyncOutcome>>;
}

/** `IOTEDGE_MODULEGENERATIONID` per module, for the agent's RuntimeContext. */
export function generationIds(modules: readonly ModuleIdentity[]): Record<string, string> {
  return Object.fromEntries(modules.map((m) => [m.moduleId, m.generationId]));
}

export function newSymmetricKeys(): SymmetricKeys {
  return { primaryKey: randomBytes(32).toString('base64'), secondaryKey: randomBytes(32).toString('base64') };
}

/** .NET ticks (100 ns since 0001-01-01) at 1970-01-01. */
const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;

/**
 * A generation id in IoT Hub's shape: an 18-digit decimal string (the creation time in .NET ticks). The sub-ms
 * digits are random so two identities created in the same millisecond still differ.
 */
export function newGenerationId(nowMs: number = Date.now()): string {
  const subMs = BigInt(randomBytes(2).readUInt16BE(0) % 10_000);
  return (UNIX_EPOCH_TICKS + BigInt(Math.trunc(nowMs)) * 10_000n + subMs).toString();
}

/**
 * IoT Hub's module id rule (≤ 128 chars of `A-Za-z0-9 - : . + % _ # * ? ! ( ) , = @ ; $ '`), minus `.` and `..`
 * because module ids also name socket folders (`<dir>/<module>/workload.sock`).
 */
export function isValidModuleId(moduleId: string): boolean {
  return /^[A-Za-z0-9\-:.+%_#*?!(),=@;$']{1,128}$/.test(moduleId) && moduleId !== '.' && moduleId !== '..';
}

/** IoT Hub's device id rule: ≤ 128 chars of `A-Za-z0-9 - . + % _ # * ? ! ( ) , : = @ $ '`. */
export function isValidDeviceId(deviceId: string): boolean {
  return /^[A-Za-z0-9\-.+%_#*?!(),:=@$']{1,128}$/.test(deviceId);
}
