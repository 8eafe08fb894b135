import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { exportPrivateKeyPem, generateKeyPair, KEY_ALGORITHM, loadX509, nodeCrypto, type CryptoKey } from './x509-runtime';

/**
 * Builds the three kinds of certificate the local edge needs, with the extensions aziot-edged puts on them:
 * a self-signed root, an edge CA under it (`edgelet-http-workload/src/edge_ca.rs`: CA, pathlen 0, keyCertSign +
 * digitalSignature, both critical) and server leaves (`module/cert/server.rs`: serverAuth, SANs).
 * No file I/O here: `edge-ca.ts` persists what this returns.
 */

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A certificate and its private key, both PEM. */
export interface PemPair {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** What signs: the issuer's certificate (PEM) and its private key. */
export interface Issuer {
  readonly certificatePem: string;
  readonly privateKey: CryptoKey;
}

export interface LeafRequest extends Validity {
  readonly commonName: string;
  /** DNS names and IP addresses; IPs (v4 or v6) become iPAddress SANs, the rest dNSName SANs. */
  readonly subjectAltNames: readonly string[];
}

/** A positive 128-bit serial (RFC 5280 allows up to 20 octets; the top bit is cleared so it is never negative). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

/** One LF-terminated PEM block, so that blocks can simply be concatenated into a chain. */
function pemLines(pem: string): string {
  return `${pem.replace(/\r\n/g, '\n').trim()}\n`;
}

/** Escapes a value for an RFC 4514 distinguished name string. */
function cn(value: string): string {
  return `CN=${value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/^[ #]|[ ]$/g, (c) => `\\${c}`)}`;
}

export async function createRootCa(commonName: string, validity: Validity): Promise<PemPair> {
  const x509 = await loadX509();
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: cn(commonName),
      keys,
      signingAlgorithm: KEY_ALGORITHM,
      notBefore: validity.notBefore,
      notAfter: validity.notAfter,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, nodeCrypto),
      ],
    },
    nodeCrypto,
  );
  return { certificatePem: pemLines(certificate.toString('pem')), privateKeyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/** The edge CA: may sign leaves, not further CAs (pathlen 0). */
export async function createIntermediateCa(issuer: Issuer, commonName: string, validity: Validity): Promise<PemPair> {
  const x509 = await loadX509();
  return issue(issuer, commonName, validity, [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
  ]);
}

/** A TLS server leaf: serverAuth, digitalSignature + keyEncipherment (RSA key exchange), the given SANs. */
export async function createServerCertificate(issuer: Issuer, request: LeafRequest): Promise<PemPair> {
  const x509 = await loadX509();
  const names = [...new Set(request.subjectAltNames)].map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value }));
  return issue(issuer, request.commonName, request, [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
    new x509.SubjectAlternativeNameExtension(names, false),
  ]);
}

async function issue(issuer: Issuer, commonName: string, validity: Validity, extensions: import('@peculiar/x509').Extension[]): Promise<PemPair> {
  const x509 = await loadX509();
  const keys = await generateKeyPair();
  const issuerCertificate = new x509.X509Certificate(issuer.certificatePem);
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: cn(commonName),
      issuer: issuerCertificate.subjectName,
      publicKey: keys.publicKey,
      signingKey: issuer.privateKey,
      signingAlgorithm: KEY_ALGORITHM,
      notBefore: validity.notBefore,
      notAfter: validity.notAfter,
      extensions: [
        ...extensions,
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, nodeCrypto),
        await x509.AuthorityKeyIdentifierExtension.create(issuerCertificate.publicKey, false, nodeCrypto),
      ],
    },
    nodeCrypto,
  );
  return { certificatePem: pemLines(certificate.toString('pem')), privateKeyPem: await exportPrivateKeyPem(keys.privateKey) };
}
