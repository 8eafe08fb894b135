/**
 * `runtime.settings.registryCredentials`: every entry needs a non-blank address, username and
 * password (`RegistryCredentials` uses `CheckNonWhiteSpace`, code 400 otherwise). A password written
 * inline works but leaks through source control and deployment exports, so it is a warning.
 * Credentials written directly under `runtime.settings` are ignored (`DockerRuntimeConfig` reads only
 * minDockerVersion, loggingOptions and registryCredentials), so private pulls get none: a warning.
 * Images from a private-looking registry without matching credentials get a hint.
 */
import { CheckContext, hasPlaceholder, isPlaceholderText } from './check-context.js';
import { checkKeyCase } from './check-module.js';
import { childPointer } from './json-pointer.js';
import { findProperty, isObject } from './newtonsoft-compat.js';

const FIELDS = ['address', 'username', 'password'] as const;
const RUNTIME_SETTINGS = ['minDockerVersion', 'loggingOptions', 'registryCredentials'];
/** Registries whose images pull without credentials (Microsoft's Azure Marketplace registry is an ACR, but public). */
const PUBLIC_REGISTRIES = new Set(['mcr.microsoft.com', 'marketplace.azurecr.io', 'docker.io', 'index.docker.io', 'registry-1.docker.io', 'ghcr.io', 'quay.io', 'gcr.io', 'public.ecr.aws', 'registry.hub.docker.com']);

export function checkRegistryCredentials(ctx: CheckContext, pointer: string, credentials: unknown): void {
  if (!isObject(credentials)) return;
  for (const [name, entry] of Object.entries(credentials)) {
    const at = childPointer(pointer, name);
    checkRegistryCredential(ctx, at, name, entry);
  }
}

export function checkRegistryCredential(ctx: CheckContext, at: string, name: string, entry: unknown): void {
  if (!isObject(entry)) return; // the schema reports the type
  checkKeyCase(ctx, at, entry, FIELDS);
  for (const field of FIELDS) {
    const found = findProperty(entry, field);
    if (found && typeof found.value === 'string' && found.value.trim() === '') {
      ctx.report('GH3050', childPointer(at, found.key), `${field} of registry credentials "${name}" is blank; edgeAgent rejects the deployment (code 400). Fill it in or remove the entry.`);
    }
  }
  const password = findProperty(entry, 'password');
  if (password && typeof password.value === 'string' && password.value.trim() !== '' && !isPlaceholderText(password.value) && !hasPlaceholder(password.value)) {
    ctx.report('GH3051', childPointer(at, password.key), `The password of registry "${name}" is written inline. Anyone with this file (or the deployment export) has it. In a template use "\${CONTAINER_REGISTRY_PASSWORD}" with a .env file that is not committed.`);
  }
}

/** Registry credentials written directly under runtime.settings, where edgeAgent does not read them. */
export function checkMisplacedCredentials(ctx: CheckContext, settingsPointer: string, settings: Record<string, unknown>): void {
  const direct = FIELDS.map((field) => findProperty(settings, field)).filter((found) => found !== undefined);
  const first = direct[0];
  if (first) {
    ctx.report('GH3053', childPointer(settingsPointer, first.key), `runtime.settings holds ${direct.map((d) => `"${d.key}"`).join(', ')} directly. edgeAgent reads registry credentials only from runtime.settings.registryCredentials.<name> and ignores these, so images are pulled without credentials and a private registry refuses the pull. Move them into an entry: "registryCredentials": { "<name>": { "address": …, "username": …, "password": … } }.`, { part: 'key' });
  }
  const container = findProperty(settings, 'registryCredentials');
  for (const [key, value] of Object.entries(settings)) {
    const lower = key.toLowerCase();
    if (RUNTIME_SETTINGS.some((k) => k.toLowerCase() === lower) || FIELDS.some((f) => f === lower)) continue;
    if (!isObject(value) || !FIELDS.some((field) => findProperty(value, field))) continue;
    const from = childPointer(settingsPointer, key);
    const fix =
      container === undefined
        ? { title: 'Move under "registryCredentials"', edits: [{ op: 'add' as const, path: childPointer(settingsPointer, 'registryCredentials'), value: {} }, { op: 'move' as const, from, path: childPointer(settingsPointer, 'registryCredentials', key) }] }
        : isObject(container.value) && !(key in container.value)
          ? { title: 'Move under "registryCredentials"', edits: [{ op: 'move' as const, from, path: childPointer(settingsPointer, container.key, key) }] }
          : undefined;
    ctx.report('GH3053', from, `"${key}" holds registry credentials directly under runtime.settings, where edgeAgent ignores them: images are pulled without credentials and a private registry refuses the pull. Move the entry under "registryCredentials".`, {
      part: 'key',
      ...(fix ? { fix } : {}),
    });
  }
}

/** Registry host of an image reference, or undefined for Docker Hub short names. */
export function registryOf(image: string): string | undefined {
  const first = image.trim().split('/')[0] ?? '';
  if (!image.includes('/')) return undefined;
  return /[.:]/.test(first) || first === 'localhost' ? first.toLowerCase() : undefined;
}

export function checkImagesHaveCredentials(ctx: CheckContext, images: ReadonlyArray<{ pointer: string; image: string }>, credentials: unknown): void {
  const addresses = new Set<string>();
  if (isObject(credentials)) {
    for (const entry of Object.values(credentials)) {
      const address = findProperty(entry, 'address')?.value;
      if (typeof address === 'string') addresses.add(address.trim().replace(/^https?:\/\//i, '').replace(/\/.*$/, '').toLowerCase());
    }
  }
  for (const { pointer, image } of images) {
    if (hasPlaceholder(image) || image.startsWith('$')) continue;
    const registry = registryOf(image);
    if (!registry || PUBLIC_REGISTRIES.has(registry) || registry.startsWith('localhost') || /^\d+\.\d+\.\d+\.\d+/.test(registry)) continue;
    if (!addresses.has(registry) && registry.endsWith('.azurecr.io')) {
      ctx.report('GH3052', pointer, `No registryCredentials entry has the address "${registry}". Unless the device has credentials for it, pulling this image fails. Add { "address": "${registry}", "username": …, "password": … } under runtime.settings.registryCredentials.`);
    }
  }
}
