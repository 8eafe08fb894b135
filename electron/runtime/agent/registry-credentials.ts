/** A registry credential of `$edgeAgent` runtime.settings.registryCredentials. */
export interface RegistryCredential {
  readonly address: string;
  readonly username: string;
  readonly password: string;
}

/** The registry host of an image reference, as Docker reads it (`docker.io` when the first part is not a host). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first.toLowerCase() : 'docker.io';
}

function normalizeAddress(address: string): string {
  return address.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '').toLowerCase();
}

/** The first credential whose address is the image's registry (CombinedDockerConfigProvider). */
export function credentialsFor(image: string, credentials: readonly RegistryCredential[]): { username: string; password: string; serveraddress: string } | undefined {
  const registry = registryOf(image);
  const match = credentials.find((c) => {
    const address = normalizeAddress(c.address);
    return address === registry || (registry === 'docker.io' && (address === 'index.docker.io' || address === 'registry-1.docker.io'));
  });
  return match ? { username: match.username, password: match.password, serveraddress: match.address } : undefined;
}

/** Reads `runtime.settings.registryCredentials` of `$edgeAgent` desired properties; malformed entries are skipped. */
export function readRegistryCredentials(agentDesired: Record<string, unknown> | undefined): RegistryCredential[] {
  const runtime = agentDesired?.runtime as { settings?: { registryCredentials?: unknown } } | undefined;
  const entries = runtime?.settings?.registryCredentials;
  if (!entries || typeof entries !== 'object') return [];
  return Object.values(entries as Record<string, unknown>).flatMap((e) => {
    const c = e as Partial<RegistryCredential> | null;
    return c && typeof c.address === 'string' && typeof c.username === 'string' && typeof c.password === 'string' ? [{ address: c.address, username: c.username, password: c.password }] : [];
  });
}
