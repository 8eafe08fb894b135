import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { appError, err, ok, type Result } from '../../shared/errors';
import type { CertificateIssuer } from '../runtime/workload/edge-ca';
import { isWildcard } from './security';

/** What the HTTPS console presents, and what the engineer compares with the browser's certificate viewer. */
export interface ConsoleTls {
  readonly key: string;
  /** The leaf followed by the edge CA. */
  readonly cert: string;
  /** The trust bundle (root of the local edge CA): what the CLI on the gateway verifies against. */
  readonly ca: string;
  /** SHA-256 of the leaf, `AB:CD:…`, as browsers show it. */
  readonly fingerprint256: string;
  /** The names and addresses the certificate covers. */
  readonly names: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/**
 * The names a remote console answers to: the bound address (or, for a wildcard bind, this machine's addresses),
 * the `--hostname` names, and loopback (the CLI on the gateway itself).
 */
export function consoleNames(bindHost: string, hostnames: readonly string[], interfaces = networkInterfaces()): string[] {
  const bound = isWildcard(bindHost)
    ? Object.values(interfaces)
        .flatMap((list) => list ?? [])
        .filter((i) => !i.internal && !(i.family === 'IPv6' && i.address.toLowerCase().startsWith('fe80:')))
        .filter((i) => (bindHost === '0.0.0.0' ? i.family === 'IPv4' : true))
        .map((i) => i.address)
    : [bindHost.replace(/^\[|\]$/g, '')];
  return [...new Set([...bound, ...hostnames.map((h) => h.toLowerCase()), ...LOOPBACK_NAMES])];
}

/** Issues the console's server certificate from the local edge CA for the given names. */
export async function consoleCertificate(ca: CertificateIssuer, names: readonly string[]): Promise<Result<ConsoleTls>> {
  const issued = await ca.issueServerCertificate({ commonName: names[0] ?? 'localhost', hostnames: names });
  if (!issued.ok) return issued;
  try {
    const leaf = new X509Certificate(issued.value.certificatePem);
    return ok({ key: issued.value.privateKeyPem, cert: issued.value.certificatePem, ca: ca.trustBundlePem(), fingerprint256: leaf.fingerprint256, names });
  } catch (cause) {
    return err(appError('INTERNAL', `the console certificate cannot be read: ${String(cause)}`));
  }
}

/** A host name as `--hostname` takes it: letters, digits, hyphens and dots, or an IP literal. */
export function isValidHostname(name: string): boolean {
  return isIP(name) !== 0 || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(name);
}
