import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appError, err } from '../../../shared/errors';
import { SecretBox } from '../secrets/secret-box';
import { EdgeCa, type CertificateIssuer, type ServerCertificateRequest } from '../workload/edge-ca';
import { serverCertificate } from './server-certificate';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-server-cert-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A real edge CA that counts what it issues. */
async function countingCa(dataDir: string): Promise<CertificateIssuer & { issued: number }> {
  const ca = await EdgeCa.open({ dataDir, deviceId: 'gw1' });
  if (!ca.ok) throw new Error(ca.error.message);
  const counting = {
    issued: 0,
    trustBundlePem: () => ca.value.trustBundlePem(),
    issueServerCertificate: (request: ServerCertificateRequest) => {
      counting.issued += 1;
      return ca.value.issueServerCertificate(request);
    },
  };
  return counting;
}

const REQUEST: ServerCertificateRequest = { commonName: 'gw1', hostnames: ['gw1', 'localhost', '127.0.0.1'] };

describe('the edge hub server certificate', () => {
  it('is issued once and reused at the next start while it fits (same names in any order)', async () => {
    const dataDir = tempDir();
    const ca = await countingCa(dataDir);
    const options = { dir: join(dataDir, 'edgehub', 'tls'), secrets: new SecretBox(dataDir) };
    const first = await serverCertificate(ca, REQUEST, options);
    const second = await serverCertificate(ca, { commonName: 'gw1', hostnames: ['127.0.0.1', 'localhost', 'gw1', 'gw1'] }, options);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(ca.issued).toBe(1);
    expect(second.value.certificatePem).toBe(first.value.certificatePem);
    expect(second.value.privateKeyPem).toBe(first.value.privateKeyPem);
    expect(second.value.expiration.getTime()).toBe(first.value.expiration.getTime());
    // The key is sealed at rest, as the edge CA's are.
    expect(readFileSync(join(options.dir, 'server.key.pem'), 'utf8')).not.toContain('PRIVATE KEY');
    expect(new X509Certificate(second.value.certificatePem).subjectAltName).toContain('DNS:localhost');
  });

  it('is issued again for other names, another root, a certificate close to expiry, or unreadable files', async () => {
    const dataDir = tempDir();
    const ca = await countingCa(dataDir);
    const secrets = new SecretBox(dataDir);
    const dir = join(dataDir, 'edgehub', 'tls');
    const first = await serverCertificate(ca, REQUEST, { dir, secrets });
    if (!first.ok) throw new Error(first.error.message);

    await serverCertificate(ca, { ...REQUEST, hostnames: [...REQUEST.hostnames, 'edgehub'] }, { dir, secrets });
    expect(ca.issued).toBe(2);

    // Another edge CA (another root): modules trust that root now, the kept chain does not lead to it.
    const otherCa = await countingCa(tempDir());
    const other = await serverCertificate(otherCa, { ...REQUEST, hostnames: [...REQUEST.hostnames, 'edgehub'] }, { dir, secrets });
    expect(otherCa.issued).toBe(1);
    if (!other.ok) throw new Error(other.error.message);
    expect(other.value.certificatePem).not.toBe(first.value.certificatePem);

    // 89 days on, a 90-day leaf has less than the 30 days left that a start wants.
    const later = () => new Date(Date.now() + 89 * 24 * 60 * 60 * 1000);
    await serverCertificate(otherCa, { ...REQUEST, hostnames: [...REQUEST.hostnames, 'edgehub'] }, { dir, secrets, now: later });
    expect(otherCa.issued).toBe(2);

    // A damaged certificate file, then a key sealed under another data folder's master key.
    writeFileSync(join(dir, 'server.cert.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const afterDamage = await serverCertificate(otherCa, { ...REQUEST, hostnames: [...REQUEST.hostnames, 'edgehub'] }, { dir, secrets });
    expect(afterDamage.ok).toBe(true);
    expect(otherCa.issued).toBe(3);
    await serverCertificate(otherCa, { ...REQUEST, hostnames: [...REQUEST.hostnames, 'edgehub'] }, { dir, secrets: new SecretBox(tempDir()) });
    expect(otherCa.issued).toBe(4);
  });

  it('passes the issuer’s refusal on and keeps nothing', async () => {
    const dataDir = tempDir();
    const refusing: CertificateIssuer = {
      trustBundlePem: () => '',
      issueServerCertificate: () => Promise.resolve(err(appError('INTERNAL', 'no CA'))),
    };
    const result = await serverCertificate(refusing, REQUEST, { dir: join(dataDir, 'tls'), secrets: new SecretBox(dataDir) });
    expect(result.ok).toBe(false);
    expect(() => readFileSync(join(dataDir, 'tls', 'server.cert.pem'))).toThrow();
  });
});
