import { imageRegistry } from '../../shared/manifest/image-ref';

/** What of an applied deployment decides which registries it needs. */
export interface DeploymentNeeds {
  readonly modules: readonly { readonly name: string; readonly image: string; readonly imagePullPolicy: 'on-create' | 'never' }[];
  readonly registryCredentials: readonly { readonly address: string }[];
}

/** One registry the deployment may pull from, with the images and modules that come from it. */
export interface RegistryNeed {
  /** host[:port] as probed: Docker Hub is `registry-1.docker.io`, the host its API answers on. */
  readonly address: string;
  readonly images: readonly string[];
  readonly modules: readonly string[];
}

const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';

/** A registryCredentials address (`https://host:port/path`, `host`) as the host[:port] to probe; undefined when blank. */
export function credentialRegistry(address: string): string | undefined {
  const host = address.trim().replace(/^https?:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  if (host === '') return undefined;
  return DOCKER_HUB_NAMES.has(host) ? DOCKER_HUB_REGISTRY : host;
}

/**
 * The registries a deployment's modules are pulled from (the registry part of each image, as Docker reads it) and
 * each registryCredentials address, sorted by address. Images never pulled (`imagePullPolicy: never`), the
 * nested-edge `$upstream` form (the parent gateway) and references Docker refuses need no registry.
 */
export function registryNeeds(deployment: DeploymentNeeds | undefined): RegistryNeed[] {
  if (!deployment) return [];
  const byAddress = new Map<string, { images: Set<string>; modules: Set<string> }>();
  const entry = (address: string) => {
    const found = byAddress.get(address) ?? { images: new Set<string>(), modules: new Set<string>() };
    byAddress.set(address, found);
    return found;
  };
  for (const module of deployment.modules) {
    if (module.imagePullPolicy === 'never') continue;
    const registry = imageRegistry(module.image);
    if (!registry) continue;
    const need = entry(DOCKER_HUB_NAMES.has(registry) ? DOCKER_HUB_REGISTRY : registry);
    need.images.add(module.image.trim());
    need.modules.add(module.name);
  }
  for (const credential of deployment.registryCredentials) {
    const address = credentialRegistry(credential.address);
    if (address) entry(address);
  }
  return [...byAddress]
    .map(([address, need]) => ({ address, images: [...need.images].sort(), modules: [...need.modules].sort() }))
    .sort((a, b) => a.address.localeCompare(b.address));
}
