import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../secrets/secret-box';
import { EdgeCa, type EdgeCaOptions } from './edge-ca';
import { tlsHandshake as handshake } from './workload.test-util';

const DAY = 24 * 60 * 60 * 1000;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-ca-'));
  dirs.push(dir);
  return dir;
}

async function openCa(options: EdgeCaOptions): Promise<EdgeCa> {
  const opened = await EdgeCa.open(options);
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

const mode = (path: string) => statSync(path).mode & 0o777;
const certsIn = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];

describe('EdgeCa', () => {
  it('creates a root and an edge CA in <dataDir>/pki with private keys 0600 in a 0700 folder', async () => {
    const dataDir = tempDir();
    const ca = await openCa({ dataDir, deviceId: 'gw1' });
    const pki = join(dataDir, 'pki');
    expect(mode(pki)).toBe(0o700);
    expect(mode(join(pki, 'root-ca.key.pem'))).toBe(0o600);
    expect(mode(join(pki, 'edge-ca.key.pem'))).toBe(0o600);
    const root = new X509Certificate(ca.trustBundlePem());
    const edge = new X509Certificate(ca.edgeCaCertificatePem());
    expect(root.subject).toBe('CN=Gatehouse Local Edge CA gw1');
    expect(root.ca && edge.ca).toBe(true);
    expect(edge.checkIssued(root) && edge.verify(root.publicKey)).toBe(true);
    expect(certsIn(ca.trustBundlePem())).toHaveLength(1);
  });

  it('is loaded, not regenerated, on restart (same fingerprint, same files)', async () => {
    const dataDir = tempDir();
    const first = await openCa({ dataDir, deviceId: 'gw1' });
    const files = ['root-ca.cert.pem', 'root-ca.key.pem', 'edge-ca.cert.pem', 'edge-ca.key.pem'].map((f) => join(dataDir, 'pki', f));
    const before = files.map((f) => readFileSync(f, 'utf8'));
    const second = await openCa({ dataDir, deviceId: 'gw1' });
    expect(second.rootFingerprint()).toBe(first.rootFingerprint());
    expect(second.edgeCaCertificatePem()).toBe(first.edgeCaCertificatePem());
    expect(files.map((f) => readFileSync(f, 'utf8'))).toEqual(before);
  });

  it('re-issues an expiring or missing edge CA from the same root, so the trust bundle does not change', async () => {
    const dataDir = tempDir();
    const first = await openCa({ dataDir, deviceId: 'gw1' });
    const later = new Date(first.edgeCaExpiry().getTime() - 10 * DAY);
    const renewed = await openCa({ dataDir, deviceId: 'gw1', now: () => later });
    expect(renewed.trustBundlePem()).toBe(first.trustBundlePem());
    expect(renewed.edgeCaCertificatePem()).not.toBe(first.edgeCaCertificatePem());
    expect(renewed.edgeCaExpiry().getTime()).toBeGreaterThan(later.getTime() + 300 * DAY);

    unlinkSync(join(dataDir, 'pki', 'edge-ca.key.pem'));
    const again = await openCa({ dataDir, deviceId: 'gw1', now: () => later });
    expect(again.trustBundlePem()).toBe(first.trustBundlePem());
    expect(new X509Certificate(again.edgeCaCertificatePem()).checkIssued(new X509Certificate(again.trustBundlePem()))).toBe(true);
  });

  it('refuses a corrupt root instead of replacing what modules trust', async () => {
    const dataDir = tempDir();
    await openCa({ dataDir, deviceId: 'gw1' });
    const rootKey = join(dataDir, 'pki', 'root-ca.key.pem');
    const other = tempDir();
    await openCa({ dataDir: other, deviceId: 'gw1' });
    // Another CA's key, as a plain PEM (a file from before keys were sealed).
    const foreignKey = (await new SecretBox(other).readFile(join(other, 'pki', 'root-ca.key.pem'))) ?? '';
    expect(foreignKey).toContain('PRIVATE KEY');
    writeFileSync(rootKey, foreignKey);
    const reopened = await EdgeCa.open({ dataDir, deviceId: 'gw1' });
    expect(reopened.ok).toBe(false);
    if (!reopened.ok) expect(reopened.error).toMatchObject({ code: 'IO', message: expect.stringMatching(/does not belong/) });
    expect(readFileSync(rootKey, 'utf8')).toBe(foreignKey);
  });

  it('keeps private keys sealed at rest, and refuses a key sealed under another data folder', async () => {
    const dataDir = tempDir();
    await openCa({ dataDir, deviceId: 'gw1' });
    const rootKey = join(dataDir, 'pki', 'root-ca.key.pem');
    expect(readFileSync(rootKey, 'utf8')).not.toContain('PRIVATE KEY');
    const other = tempDir();
    await openCa({ dataDir: other, deviceId: 'gw1' });
    writeFileSync(rootKey, readFileSync(join(other, 'pki', 'root-ca.key.pem'), 'utf8'));
    const reopened = await EdgeCa.open({ dataDir, deviceId: 'gw1' });
    expect(reopened).toMatchObject({ ok: false, error: { code: 'IO', message: expect.stringMatching(/cannot be opened with this data folder's key/) } });
  });

  it('issues server certificates that a TLS client trusting only the bundle accepts for every requested name', async () => {
    const ca = await openCa({ dataDir: tempDir(), deviceId: 'gw1' });
    const issued = await ca.issueServerCertificate({ hostnames: ['localhost', '127.0.0.1', 'gw1.local', 'edgeHub'] });
    expect(issued.ok).toBe(true);
    if (!issued.ok) return;
    const { privateKeyPem, certificatePem } = issued.value;
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const [leafPem, chainPem] = certsIn(certificatePem);
    expect(chainPem?.trim()).toBe(ca.edgeCaCertificatePem().trim());
    const leaf = new X509Certificate(leafPem ?? '');
    expect(leaf.subject).toBe('CN=localhost');
    expect(leaf.ca).toBe(false);
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, DNS:gw1.local, DNS:edgeHub');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');

    const bundle = ca.trustBundlePem();
    for (const name of ['localhost', '127.0.0.1', 'gw1.local', 'edgeHub']) expect(await handshake(privateKeyPem, certificatePem, bundle, name)).toBe(true);
    expect(await handshake(privateKeyPem, certificatePem, bundle, 'elsewhere.local')).toBe(false);
    const stranger = await openCa({ dataDir: tempDir(), deviceId: 'gw1' });
    expect(await handshake(privateKeyPem, certificatePem, stranger.trustBundlePem(), 'localhost')).toBe(false);
  });

  it('caps a requested expiry at the edge CA and refuses one in the past', async () => {
    const ca = await openCa({ dataDir: tempDir(), deviceId: 'gw1' });
    const far = await ca.issueServerCertificate({ hostnames: ['a'], notAfter: new Date(Date.now() + 5000 * DAY) });
    expect(far.ok && Math.abs(far.value.expiration.getTime() - ca.edgeCaExpiry().getTime())).toBeLessThan(1000);
    const past = await ca.issueServerCertificate({ hostnames: ['a'], notAfter: new Date(Date.now() - DAY) });
    expect(past.ok ? 'ok' : past.error.code).toBe('BAD_REQUEST');
    const nameless = await ca.issueServerCertificate({ hostnames: [] });
    expect(nameless.ok ? 'ok' : nameless.error.code).toBe('BAD_REQUEST');
  });
});
