import type { Result } from '../../shared/errors';
import type { BackendError, DeviceBackend, HubMessage, IdentityRecord, IdentityRef, TelemetryDelivery, TwinSections } from './device-backend';
import { createRootCa, createServerCertificate, type PemPair } from './certificate-factory';
import { identityKey } from './topics';
import { importPrivateKeyPem } from './x509-runtime';

/** A DeviceBackend that is pure storage in memory, for the protocol tests (no routing, no durability). */
export class MemoryBackend implements DeviceBackend {
  readonly identities = new Map<string, IdentityRecord>();
  readonly telemetry: { from: IdentityRef; message: HubMessage; delivery?: TelemetryDelivery }[] = [];
  readonly connectionEvents: { key: string; connected: boolean }[] = [];
  readonly twins = new Map<string, { desired: Record<string, unknown>; reported: Record<string, unknown> }>();
  /** When set, lookups and telemetry fail with it (e.g. UNAVAILABLE). */
  failWith: BackendError | undefined;
  private telemetryWaiters: (() => void)[] = [];

  /** Children per IoT Edge device (for on-behalf-of): set `childrenOf.set(edge, new Set([...]))`. */
  readonly childrenOf = new Map<string, Set<string>>();

  add(record: IdentityRecord): this {
    this.identities.set(identityKey(record), record);
    return this;
  }

  onBehalfOf(child: IdentityRecord, edgeDeviceId: string): Promise<Result<IdentityRecord, BackendError>> {
    const edgeHub = this.identities.get(identityKey({ deviceId: edgeDeviceId, moduleId: '$edgeHub' }));
    if (!this.childrenOf.get(edgeDeviceId)?.has(child.deviceId) || !edgeHub) {
      return Promise.resolve({ ok: false, error: { code: 'UNAUTHORIZED', message: `device ${child.deviceId} is not a child of ${edgeDeviceId}` } });
    }
    return Promise.resolve({ ok: true, value: edgeHub });
  }

  lookupIdentity(ref: IdentityRef): Promise<Result<IdentityRecord, BackendError>> {
    if (this.failWith) return Promise.resolve({ ok: false, error: this.failWith });
    const found = this.identities.get(identityKey(ref));
    return Promise.resolve(found ? { ok: true, value: found } : { ok: false, error: { code: 'NOT_FOUND', message: `${identityKey(ref)} not found` } });
  }

  acceptTelemetry(from: IdentityRef, message: HubMessage, delivery?: TelemetryDelivery): Promise<Result<void, BackendError>> {
    if (this.failWith) return Promise.resolve({ ok: false, error: this.failWith });
    this.telemetry.push({ from, message, ...(delivery ? { delivery } : {}) });
    for (const wake of this.telemetryWaiters.splice(0)) wake();
    return Promise.resolve({ ok: true, value: undefined });
  }

  /** Resolves once `count` messages have arrived. */
  async telemetryCount(count: number): Promise<void> {
    while (this.telemetry.length < count) await new Promise<void>((resolve) => this.telemetryWaiters.push(resolve));
  }

  getTwin(of: IdentityRef): Promise<Result<TwinSections, BackendError>> {
    if (!this.identities.has(identityKey(of))) return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: 'no twin' } });
    return Promise.resolve({ ok: true, value: structuredClone(this.twin(of)) });
  }

  patchReported(of: IdentityRef, patch: Record<string, unknown>): Promise<Result<{ readonly version: number }, BackendError>> {
    const twin = this.twin(of);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete twin.reported[key];
      else twin.reported[key] = value;
    }
    const version = Number(twin.reported.$version ?? 1) + 1;
    twin.reported.$version = version;
    return Promise.resolve({ ok: true, value: { version } });
  }

  connectionChanged(ref: IdentityRef, connected: boolean): void {
    this.connectionEvents.push({ key: identityKey(ref), connected });
  }

  twin(of: IdentityRef): { desired: Record<string, unknown>; reported: Record<string, unknown> } {
    const key = identityKey(of);
    let twin = this.twins.get(key);
    if (!twin) this.twins.set(key, (twin = { desired: { $version: 1 }, reported: { $version: 1 } }));
    return twin;
  }
}

export const sasKey = (seed: number): string => Buffer.alloc(32, seed).toString('base64');

export const sasIdentity = (deviceId: string, moduleId?: string, seed = 1): IdentityRecord => ({
  deviceId,
  ...(moduleId === undefined ? {} : { moduleId }),
  status: 'enabled',
  credentials: { type: 'sas', primaryKey: sasKey(seed), secondaryKey: sasKey(seed + 100) },
});

const validity = () => ({ notBefore: new Date(Date.now() - 3_600_000), notAfter: new Date(Date.now() + 86_400_000) });

/** A test PKI: a root CA, a server certificate for localhost under it. */
export interface TestPki {
  readonly ca: PemPair;
  readonly server: PemPair;
}

export async function createTestPki(): Promise<TestPki> {
  const ca = await createRootCa('protocol test root', validity());
  const server = await createServerCertificate({ certificatePem: ca.certificatePem, privateKey: await importPrivateKeyPem(ca.privateKeyPem) }, {
    commonName: 'localhost',
    subjectAltNames: ['localhost', '127.0.0.1'],
    ...validity(),
  });
  return { ca, server };
}

/** A leaf signed by `issuer` with CN = `commonName` (used as a device client certificate). */
export async function createLeaf(issuer: PemPair, commonName: string): Promise<PemPair> {
  return createServerCertificate({ certificatePem: issuer.certificatePem, privateKey: await importPrivateKeyPem(issuer.privateKeyPem) }, {
    commonName,
    subjectAltNames: [commonName],
    ...validity(),
  });
}

/** A self-signed certificate with CN = `commonName`. */
export function createSelfSigned(commonName: string): Promise<PemPair> {
  return createRootCa(commonName, validity());
}
