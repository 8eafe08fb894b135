import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appError, err, ok, type Result } from '../../../shared/errors';
import { writeFileAtomic } from '../atomic-file';
import { SecretBox } from '../secrets/secret-box';
import { createIntermediateCa, createRootCa, createServerCertificate, type PemPair } from '../../protocol/certificate-factory';
import { importPrivateKeyPem, KEY_ALGORITHM, nodeCrypto, type CryptoKey } from '../../protocol/x509-runtime';

/**
 * The local edge CA, shaped like an IoT Edge device's: a root ("Gatehouse Local Edge CA <device>", the trust
 * bundle) and an edge CA under it that signs server certificates (edgeHub's TLS listener, module requests).
 * Persisted in `<dataDir>/pki/` (folder 0700, private keys 0600), loaded on restart and never regenerated while
 * valid. An edge CA close to expiry is re-issued from the same root, so the trust bundle modules hold stays valid.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const ROOT_DAYS = 3650;
const EDGE_CA_DAYS = 365;
/** Re-issue a CA when less than this is left. */
const RENEW_BEFORE_DAYS = 30;
/** Leaf validity when the request names none (capped at the edge CA's own expiry). */
const SERVER_CERT_DAYS = 90;
/** notBefore is backdated so that a peer whose clock is slightly behind accepts a fresh certificate. */
const BACKDATE_MS = 5 * 60 * 1000;

const FILES = {
  rootCert: 'root-ca.cert.pem',
  rootKey: 'root-ca.key.pem',
  edgeCert: 'edge-ca.cert.pem',
  edgeKey: 'edge-ca.key.pem',
} as const;

export interface EdgeCaOptions {
  readonly dataDir: string;
  readonly deviceId: string;
  readonly now?: () => Date;
  /** Seals the private keys; default: the data folder's SecretBox. */
  readonly secrets?: SecretBox;
  /** Where under the data folder the CA lives (default `pki`, the edge runtime's). */
  readonly folder?: string;
  /** Subject CNs of the root and of the issuing CA under it (default: the edge runtime's names for `deviceId`). */
  readonly names?: { readonly root: string; readonly issuer: string };
}

export interface ServerCertificateRequest {
  /** Subject CN; defaults to the first host name. */
  readonly commonName?: string;
  /** SANs, e.g. `['localhost', '127.0.0.1', deviceHostName, moduleHostName]`; IP literals become IP SANs. */
  readonly hostnames: readonly string[];
  /** Wanted expiry; capped at the edge CA's expiry. Default: 90 days. */
  readonly notAfter?: Date;
}

export interface IssuedCertificate {
  /** PKCS#8 PEM. */
  readonly privateKeyPem: string;
  /** The leaf followed by the edge CA: what a TLS server presents. */
  readonly certificatePem: string;
  readonly expiration: Date;
}

/** What the workload API and the hub need from a CA; lets tests or a later HSM-backed CA stand in. */
export interface CertificateIssuer {
  trustBundlePem(): string;
  issueServerCertificate(request: ServerCertificateRequest): Promise<Result<IssuedCertificate>>;
}

interface LoadedCa {
  readonly pem: PemPair;
  readonly certificate: X509Certificate;
  readonly notAfter: Date;
  readonly privateKey: CryptoKey;
}

/** `validToDate` only exists from Node 22.10; `validTo` is `"Mar  5 10:00:00 2035 GMT"`, which Date parses. */
function notAfterOf(certificate: X509Certificate): Date {
  return new Date(certificate.validTo);
}

export class EdgeCa implements CertificateIssuer {
  private constructor(
    private readonly root: LoadedCa,
    private readonly edge: LoadedCa,
    private readonly now: () => Date,
  ) {}

  /**
   * Loads `<dataDir>/pki/`, creating or renewing what is missing or expiring. A corrupt root is an error and is never
   * overwritten (modules trust it); the edge CA is simply issued again.
   */
  static async open(options: EdgeCaOptions): Promise<Result<EdgeCa>> {
    const now = options.now ?? (() => new Date());
    const dir = join(options.dataDir, options.folder ?? 'pki');
    const names = options.names ?? { root: `Gatehouse Local Edge CA ${options.deviceId}`, issuer: `Gatehouse Edge CA ${options.deviceId}` };
    const secrets = options.secrets ?? new SecretBox(options.dataDir);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      const loaded = await load(dir, FILES.rootCert, FILES.rootKey, secrets);
      if (!loaded.ok) return loaded;
      const validity = (days: number, cap?: Date) => ({
        notBefore: new Date(now().getTime() - BACKDATE_MS),
        notAfter: new Date(Math.min(now().getTime() + days * DAY_MS, cap?.getTime() ?? Infinity)),
      });
      let root = loaded.value;
      let renewEdge = false;
      if (!root || expiresSoon(root, now())) {
        root = await save(dir, FILES.rootCert, FILES.rootKey, secrets, await createRootCa(names.root, validity(ROOT_DAYS)));
        renewEdge = true;
      }
      // The edge CA is derived from the root: missing, damaged, expiring or from another root means "issue it again".
      const current = await load(dir, FILES.edgeCert, FILES.edgeKey, secrets);
      let edge = current.ok ? current.value : undefined;
      if (renewEdge || !edge || expiresSoon(edge, now()) || !issuedBy(edge, root)) {
        const issuer = { certificatePem: root.pem.certificatePem, privateKey: root.privateKey };
        const pem = await createIntermediateCa(issuer, names.issuer, validity(EDGE_CA_DAYS, root.notAfter));
        edge = await save(dir, FILES.edgeCert, FILES.edgeKey, secrets, pem);
      }
      return ok(new EdgeCa(root, edge, now));
    } catch (cause) {
      return err(appError('IO', `cannot prepare the edge CA in ${dir}: ${String(cause)}`));
    }
  }

  /** The root only: what modules trust (`GET /trust-bundle`) and what the hub's clients use as `ca`. */
  trustBundlePem(): string {
    return this.root.pem.certificatePem;
  }

  /** The edge CA certificate (signed by the root), appended to every issued leaf. */
  edgeCaCertificatePem(): string {
    return this.edge.pem.certificatePem;
  }

  /**
   * A detached signature of `data` with the edge CA's key (RSASSA-PKCS1-v1_5, SHA-256), with the certificate that
   * verifies it and the root that issued that certificate (commissioning evidence).
   */
  async sign(data: Uint8Array): Promise<{ algorithm: 'RSASSA-PKCS1-v1_5-SHA256'; signature: Buffer; certificatePem: string; rootPem: string }> {
    const signature = Buffer.from(await nodeCrypto.subtle.sign(KEY_ALGORITHM.name, this.edge.privateKey, data));
    return { algorithm: 'RSASSA-PKCS1-v1_5-SHA256', signature, certificatePem: this.edge.pem.certificatePem, rootPem: this.root.pem.certificatePem };
  }

  /** SHA-256 fingerprint of the root, `AB:CD:…`: stable across restarts. */
  rootFingerprint(): string {
    return this.root.certificate.fingerprint256;
  }

  edgeCaExpiry(): Date {
    return this.edge.notAfter;
  }

  async issueServerCertificate(request: ServerCertificateRequest): Promise<Result<IssuedCertificate>> {
    const commonName = request.commonName ?? request.hostnames[0];
    if (!commonName) return err(appError('BAD_REQUEST', 'a server certificate needs at least one host name'));
    const now = this.now().getTime();
    const wanted = request.notAfter?.getTime() ?? now + SERVER_CERT_DAYS * DAY_MS;
    const notAfter = new Date(Math.min(wanted, this.edge.notAfter.getTime()));
    if (Number.isNaN(notAfter.getTime()) || notAfter.getTime() <= now) return err(appError('BAD_REQUEST', 'the requested expiration is not in the future'));
    try {
      const issuer = { certificatePem: this.edge.pem.certificatePem, privateKey: this.edge.privateKey };
      const leaf = await createServerCertificate(issuer, { commonName, subjectAltNames: request.hostnames, notBefore: new Date(now - BACKDATE_MS), notAfter });
      return ok({ privateKeyPem: leaf.privateKeyPem, certificatePem: leaf.certificatePem + this.edge.pem.certificatePem, expiration: notAfterOf(new X509Certificate(leaf.certificatePem)) });
    } catch (cause) {
      return err(appError('INTERNAL', `cannot issue a server certificate for ${commonName}: ${String(cause)}`));
    }
  }
}

function expiresSoon(ca: LoadedCa, now: Date): boolean {
  return ca.notAfter.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS;
}

function issuedBy(child: LoadedCa, parent: LoadedCa): boolean {
  return child.certificate.checkIssued(parent.certificate) && child.certificate.verify(parent.certificate.publicKey);
}

/** Both files or neither (undefined); a cert without its key, a key that does not match, or bad PEM is an error. */
async function load(dir: string, certFile: string, keyFile: string, secrets: SecretBox): Promise<Result<LoadedCa | undefined>> {
  const [certificatePem, privateKeyPem] = await Promise.all([readOptional(join(dir, certFile)), secrets.readFile(join(dir, keyFile)).catch(() => null)]);
  if (privateKeyPem === null) return err(appError('IO', `${join(dir, keyFile)} cannot be opened with this data folder's key (sealed elsewhere, or tampered)`));
  if (certificatePem === undefined && privateKeyPem === undefined) return ok(undefined);
  // A key without its certificate is what a crash between the two writes leaves: start that CA again.
  if (certificatePem === undefined) return ok(undefined);
  if (privateKeyPem === undefined) return err(appError('IO', `${join(dir, certFile)} exists but its private key ${keyFile} is missing`));
  try {
    await chmod(join(dir, keyFile), 0o600);
    const certificate = new X509Certificate(certificatePem);
    if (!certificate.checkPrivateKey(createPrivateKey(privateKeyPem))) throw new Error(`${keyFile} does not belong to ${certFile}`);
    return ok({ pem: { certificatePem, privateKeyPem }, certificate, notAfter: notAfterOf(certificate), privateKey: await importPrivateKeyPem(privateKeyPem) });
  } catch (cause) {
    return err(appError('IO', `the edge CA files in ${dir} are corrupt: ${String(cause)}`));
  }
}

/** Key first, then certificate: a certificate on disk always has its key. */
async function save(dir: string, certFile: string, keyFile: string, secrets: SecretBox, pem: PemPair): Promise<LoadedCa> {
  await secrets.writeFile(join(dir, keyFile), pem.privateKeyPem);
  await writeFileAtomic(join(dir, certFile), pem.certificatePem, 0o644);
  const certificate = new X509Certificate(pem.certificatePem);
  return { pem, certificate, notAfter: notAfterOf(certificate), privateKey: await importPrivateKeyPem(pem.privateKeyPem) };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
}
