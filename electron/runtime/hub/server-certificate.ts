import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../../../shared/errors';
import { ok } from '../../../shared/errors';
import { writeFileAtomic } from '../atomic-file';
import { SecretBox } from '../secrets/secret-box';
import type { CertificateIssuer, IssuedCertificate, ServerCertificateRequest } from '../workload/edge-ca';

/**
 * The edge hub's TLS server certificate, kept between starts in `<dir>`: the chain (`server.cert.pem`), the request
 * it answers (`server.json`: CN and host names) and its private key sealed with the data folder's SecretBox
 * (`server.key.pem`). A start reuses it while it still names the same host names, chains to the edge CA's current
 * root (node:crypto checks, no x509 library), matches its key and has more than `renewBeforeMs` left (default 30
 * days of the edge CA's 90-day leaves); anything else (missing, unreadable, sealed elsewhere, other names, another
 * root, expiring) asks the issuer for a new one and keeps that. Issuing loads @peculiar/x509 and generates an RSA
 * key in the hub's process: bench:hub measured ~10 MB of RSS left from it an idle second after the start, and it
 * takes 0.1–0.5 s. Keeping the certificate never fails the start: a write that fails is logged and skipped.
 */

const FILES = { cert: 'server.cert.pem', key: 'server.key.pem', request: 'server.json' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_RENEW_BEFORE_MS = 30 * DAY_MS;

export interface ServerCertificateOptions {
  /** Where the certificate is kept (created when missing). */
  readonly dir: string;
  /** Seals the private key (the data folder's SecretBox, as the edge CA's keys). */
  readonly secrets: SecretBox;
  /** Issue a new one when less than this is left (ms). */
  readonly renewBeforeMs?: number;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

/** The server certificate for `request`: the kept one when it still fits, otherwise a new one from `issuer` (then kept). */
export async function serverCertificate(issuer: CertificateIssuer, request: ServerCertificateRequest, options: ServerCertificateOptions): Promise<Result<IssuedCertificate>> {
  const now = (options.now ?? (() => new Date()))();
  const wanted = requestKey(request);
  const renewAtMs = now.getTime() + (options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS);
  const kept = await readKept(options, wanted, issuer.trustBundlePem(), now.getTime(), renewAtMs).catch(() => undefined);
  if (kept) return ok(kept);
  const issued = await issuer.issueServerCertificate(request);
  if (!issued.ok) return issued;
  try {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    // Key first: a certificate on disk always has its key (a crash between the writes leaves a miss, not a mismatch).
    await options.secrets.writeFile(join(options.dir, FILES.key), issued.value.privateKeyPem);
    await writeFileAtomic(join(options.dir, FILES.request), `${JSON.stringify(wanted)}\n`, 0o644);
    await writeFileAtomic(join(options.dir, FILES.cert), issued.value.certificatePem, 0o644);
  } catch (cause) {
    options.log?.(`gatehouse: edge hub: the server certificate was not kept for the next start: ${String(cause)}`);
  }
  return issued;
}

/** What makes two requests the same certificate: the CN and the set of host names (order does not matter). */
function requestKey(request: ServerCertificateRequest): { commonName: string; hostnames: string[] } {
  return { commonName: request.commonName ?? request.hostnames[0] ?? '', hostnames: [...new Set(request.hostnames)].sort() };
}

async function readKept(options: ServerCertificateOptions, wanted: { commonName: string; hostnames: string[] }, trustBundlePem: string, nowMs: number, validUntilMs: number): Promise<IssuedCertificate | undefined> {
  const [certificatePem, requestText] = await Promise.all([readFile(join(options.dir, FILES.cert), 'utf8'), readFile(join(options.dir, FILES.request), 'utf8')]);
  if (JSON.stringify(JSON.parse(requestText)) !== JSON.stringify(wanted)) return undefined;
  const privateKeyPem = await options.secrets.readFile(join(options.dir, FILES.key));
  if (privateKeyPem === undefined) return undefined;
  const chain = pemBlocks(certificatePem).map((pem) => new X509Certificate(pem));
  const roots = pemBlocks(trustBundlePem).map((pem) => new X509Certificate(pem));
  const leaf = chain[0];
  if (!leaf || chain.length < 2 || roots.length === 0) return undefined;
  // Every certificate signed by the next one, the last by a root modules trust; all valid beyond the renewal margin.
  for (let i = 0; i < chain.length; i++) {
    const certificate = chain[i] as X509Certificate;
    const issuer = chain[i + 1] ?? roots.find((root) => certificate.checkIssued(root));
    if (!issuer || !certificate.checkIssued(issuer) || !certificate.verify(issuer.publicKey)) return undefined;
    if (new Date(certificate.validTo).getTime() <= validUntilMs || new Date(certificate.validFrom).getTime() > nowMs) return undefined;
  }
  if (!leaf.checkPrivateKey(createPrivateKey(privateKeyPem))) return undefined;
  return { privateKeyPem, certificatePem, expiration: new Date(leaf.validTo) };
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
