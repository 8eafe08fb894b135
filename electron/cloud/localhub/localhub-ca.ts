import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appError, err, ok, type Result } from '../../../shared/errors';
import { createRootCa } from '../../protocol/certificate-factory';
import { writeFileAtomic } from '../../runtime/atomic-file';
import { EdgeCa, type IssuedCertificate } from '../../runtime/workload/edge-ca';
import type { SecretBox } from '../../runtime/secrets/secret-box';

/**
 * The local hub's two certificate authorities, in `<data>/localhub/`:
 * - its TLS CA (`pki/root-ca.cert.pem` is the `caFile` clients trust), which issues the server certificate of the
 *   HTTPS and MQTT listeners for the hub's host names, issued again on every start;
 * - its device CA (`device-ca/`), the "verified CA" of IoT Hub: a device of type `certificateAuthority` connects
 *   with a certificate it signed, whose CN is the device id. Its private key leaves the data folder only through
 *   `gatehouse localhub info --with-ca-key`, for tests that sign device certificates.
 * Private keys are sealed with the data folder's SecretBox (0600), certificates are plain files.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const DEVICE_CA_DAYS = 3650;
const RENEW_BEFORE_DAYS = 30;

export interface LocalHubCaFiles {
  /** PEM file of the root every client of the hub trusts (the `caFile` of `localhub info`). */
  readonly caFile: string;
  /** Certificate chain and key of the HTTPS and MQTT listeners. */
  readonly server: IssuedCertificate;
  readonly deviceCa: { readonly certificatePem: string; readonly privateKeyPem: string };
}

export async function openLocalHubCa(options: {
  readonly dataDir: string;
  readonly secrets: SecretBox;
  readonly hostNames: readonly string[];
  readonly now?: () => Date;
}): Promise<Result<LocalHubCaFiles>> {
  const folder = join('localhub', 'pki');
  const tls = await EdgeCa.open({
    dataDir: options.dataDir,
    deviceId: 'localhub',
    secrets: options.secrets,
    folder,
    names: { root: 'Gatehouse Local Hub Root CA', issuer: 'Gatehouse Local Hub TLS CA' },
    ...(options.now ? { now: options.now } : {}),
  });
  if (!tls.ok) return tls;
  const server = await tls.value.issueServerCertificate({ commonName: options.hostNames[0], hostnames: options.hostNames });
  if (!server.ok) return server;
  const deviceCa = await openDeviceCa(join(options.dataDir, 'localhub', 'device-ca'), options.secrets, options.now ?? (() => new Date()));
  if (!deviceCa.ok) return deviceCa;
  return ok({ caFile: join(options.dataDir, folder, 'root-ca.cert.pem'), server: server.value, deviceCa: deviceCa.value });
}

async function openDeviceCa(dir: string, secrets: SecretBox, now: () => Date): Promise<Result<{ certificatePem: string; privateKeyPem: string }>> {
  const certFile = join(dir, 'device-ca.cert.pem');
  const keyFile = join(dir, 'device-ca.key.pem');
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const certificatePem = await readFile(certFile, 'utf8').catch(() => undefined);
    const privateKeyPem = await secrets.readFile(keyFile).catch(() => null);
    if (privateKeyPem === null) return err(appError('IO', `${keyFile} cannot be opened with this data folder's key (sealed elsewhere, or tampered)`));
    if (certificatePem && privateKeyPem) {
      const certificate = new X509Certificate(certificatePem);
      if (!certificate.checkPrivateKey(createPrivateKey(privateKeyPem))) return err(appError('IO', `${keyFile} does not belong to ${certFile}`));
      if (new Date(certificate.validTo).getTime() - now().getTime() > RENEW_BEFORE_DAYS * DAY_MS) return ok({ certificatePem, privateKeyPem });
    }
    const pair = await createRootCa('Gatehouse Local Hub Device CA', {
      notBefore: new Date(now().getTime() - 5 * 60 * 1000),
      notAfter: new Date(now().getTime() + DEVICE_CA_DAYS * DAY_MS),
    });
    // Key first, then certificate: a certificate on disk always has its key.
    await secrets.writeFile(keyFile, pair.privateKeyPem);
    await writeFileAtomic(certFile, pair.certificatePem, 0o644);
    return ok(pair);
  } catch (cause) {
    return err(appError('IO', `cannot prepare the local hub's device CA in ${dir}: ${String(cause)}`));
  }
}
