/**
 * Module image placeholders in deployment templates, resolved as iotedgedev does
 * (`Modules._update_module_maps`) with the module data of each `modules/<folder>/module.json`:
 * - `${MODULES.<folder>}` → the image for the default platform;
 * - `${MODULES.<folder>.debug}` → the image for `<default platform>.debug`;
 * - `${MODULES.<folder>.<platform>}` → the image for that platform key of module.json (`amd64`, `arm32v7`, `amd64.debug`, …);
 * - `${MODULEDIR<relative/path>}` and `${MODULEDIR<relative/path>.<platform>}` → the same, for a module folder
 *   outside `modules/`.
 * The image is `<repository lower-cased>:<version>[-<CONTAINER_TAG>]-<platform>` (the VS Code extension
 * builds `<repository>:<version>-<platform>`; iotedgedev also lower-cases and appends CONTAINER_TAG).
 */

export interface ModuleImageInfo {
  /** `image.repository` of module.json, e.g. `${CONTAINER_REGISTRY_SERVER}/filtermodule` (variables are expanded). */
  readonly repository: string;
  /** `image.tag.version`, e.g. `0.0.1`. */
  readonly version: string;
  /** `image.tag.platforms`: platform → Dockerfile (or just the platform names). */
  readonly platforms: Readonly<Record<string, string>> | readonly string[];
}

/** Reads the image data from a parsed module.json; undefined when it has none. */
export function moduleImageInfoFromModuleJson(moduleJson: unknown): ModuleImageInfo | undefined {
  const image = isRecord(moduleJson) ? moduleJson['image'] : undefined;
  if (!isRecord(image)) return undefined;
  const tag = isRecord(image['tag']) ? image['tag'] : {};
  const platforms = isRecord(tag['platforms']) ? (tag['platforms'] as Record<string, string>) : {};
  return {
    repository: typeof image['repository'] === 'string' ? image['repository'] : '',
    version: typeof tag['version'] === 'string' ? tag['version'] : '0.0.0',
    platforms,
  };
}

export type ImageResolution =
  | { readonly ok: true; readonly image: string }
  | { readonly ok: false; readonly reason: 'unknown-module' | 'unknown-platform'; readonly message: string };

export interface ImageLookup {
  readonly modules: Readonly<Record<string, ModuleImageInfo>>;
  readonly moduleDirs: Readonly<Record<string, ModuleImageInfo>>;
  readonly platform: string;
  readonly env: Readonly<Record<string, string>>;
  /** Expands `${VAR}` / `$VAR` in repository and version (unresolved names are reported by the caller). */
  readonly expand: (text: string) => string;
}

/** Matches `${MODULES.…}` and `${MODULEDIR<…>…}` placeholders. */
export const IMAGE_PLACEHOLDER = /\$\{MODULES\.([^}]+)\}|\$\{MODULEDIR<([^>]+)>(\.[^}]+)?\}/g;

export function resolveImagePlaceholder(match: RegExpExecArray | RegExpMatchArray, lookup: ImageLookup): ImageResolution {
  if (match[1] !== undefined) {
    const body = match[1];
    const names = Object.keys(lookup.modules).sort((a, b) => b.length - a.length);
    const name = names.find((n) => body === n || body.startsWith(`${n}.`));
    if (name === undefined) {
      const wanted = body.split('.')[0] ?? body;
      return { ok: false, reason: 'unknown-module', message: `No module data for "${wanted}" (${match[0]}): modules/${wanted}/module.json was not found or has no image.${names.length > 0 ? ` Known modules: ${names.join(', ')}.` : ''}` };
    }
    const info = lookup.modules[name] as ModuleImageInfo;
    return imageFor(info, platformFor(body.slice(name.length + 1), lookup.platform), match[0], lookup);
  }
  const dir = (match[2] ?? '').trim();
  const info = lookup.moduleDirs[dir];
  if (!info) return { ok: false, reason: 'unknown-module', message: `No module data for folder "${dir}" (${match[0]}): ${dir}/module.json was not found or has no image.` };
  return imageFor(info, platformFor((match[3] ?? '').replace(/^\./, ''), lookup.platform), match[0], lookup);
}

function platformFor(suffix: string, defaultPlatform: string): string {
  if (suffix === '') return defaultPlatform;
  if (suffix === 'debug') return `${defaultPlatform}.debug`;
  return suffix;
}

function imageFor(info: ModuleImageInfo, platform: string, placeholder: string, lookup: ImageLookup): ImageResolution {
  const platforms = Array.isArray(info.platforms) ? (info.platforms as readonly string[]) : Object.keys(info.platforms);
  if (!platforms.includes(platform)) {
    return { ok: false, reason: 'unknown-platform', message: `${placeholder} asks for platform "${platform}", but module.json declares only ${platforms.map((p) => `"${p}"`).join(', ') || 'no platforms'}. Add the platform to image.tag.platforms or choose another default platform.` };
  }
  const containerTag = Object.prototype.hasOwnProperty.call(lookup.env, 'CONTAINER_TAG') ? lookup.env['CONTAINER_TAG'] : undefined;
  const tagSuffix = containerTag ? `-${containerTag}` : '';
  return { ok: true, image: `${lookup.expand(info.repository).toLowerCase()}:${lookup.expand(info.version)}${tagSuffix}-${platform}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
