/**
 * What a file is: where its modulesContent sits, whether it is a template (expanded by the VS Code
 * IoT Edge tools / iotedgedev before deployment), and whether it is a layered deployment.
 *
 * Bare twins: `$edgeAgent` / `$edgeHub` at the top level (the form Set-AzIotHubEdgeModule -ModulesContent takes)
 * are read as the modulesContent at pointer "" (container `top level`).
 *
 * Template: the file name has a `template` segment (`deployment.template.json`,
 * `deployment.debug.template.json`, `deployment.template.arm32.json`), or the content has template-only
 * syntax (see looksLikeTemplate). Pass `kind: 'deployment'` to judge such a file as deployed as is. Layered: a twin in
 * modulesContent uses `properties.desired.<path>` keys instead of one `properties.desired`.
 */
import type { ManifestContainer, ManifestKind } from './model.js';
import { isObject } from './newtonsoft-compat.js';
import { hasTemplateToken } from './check-context.js';

export interface ManifestShape {
  readonly container?: ManifestContainer;
  readonly pointer?: string;
  readonly modulesContent?: Record<string, unknown>;
  /** Both modulesContent and moduleContent are present (modulesContent is used). */
  readonly bothSpellings: boolean;
  readonly isConfiguration: boolean;
  readonly layered: boolean;
}

export function detectShape(root: unknown): ManifestShape {
  const none = { bothSpellings: false, isConfiguration: false, layered: false };
  if (!isObject(root)) return none;
  const content = isObject(root['content']) ? root['content'] : undefined;
  let found: { container: ManifestContainer; pointer: string; value: unknown } | undefined;
  if ('modulesContent' in root) found = { container: 'modulesContent', pointer: '/modulesContent', value: root['modulesContent'] };
  else if ('moduleContent' in root) found = { container: 'moduleContent', pointer: '/moduleContent', value: root['moduleContent'] };
  else if (content && 'modulesContent' in content) found = { container: 'content.modulesContent', pointer: '/content/modulesContent', value: content['modulesContent'] };
  else if (content && 'moduleContent' in content) found = { container: 'content.modulesContent', pointer: '/content/moduleContent', value: content['moduleContent'] };
  if (!found && ('$edgeAgent' in root || '$edgeHub' in root) && !looksLikeModuleTwin(root)) {
    // The bare twin dictionary that Set-AzIotHubEdgeModule -ModulesContent takes ($schema-template aside).
    const twins = Object.fromEntries(Object.entries(root).filter(([key]) => key !== '$schema-template'));
    return { ...none, container: 'top level', pointer: '', modulesContent: twins, layered: isLayered(twins) };
  }
  if (!found || !isObject(found.value)) return { ...none, ...(found ? { container: found.container, pointer: found.pointer } : {}) };
  return {
    container: found.container,
    pointer: found.pointer,
    modulesContent: found.value,
    bothSpellings: 'modulesContent' in root && 'moduleContent' in root,
    isConfiguration: found.container === 'content.modulesContent',
    layered: isLayered(found.value),
  };
}

/** True when some twin is written as `properties.desired.<path>` keys. */
export function isLayered(modulesContent: Record<string, unknown>): boolean {
  return Object.values(modulesContent)
    .filter(isObject)
    .some((twin) => Object.keys(twin).some((k) => k.startsWith('properties.desired.')));
}

/** True when the file name marks a deployment template (a `template` segment between dots). */
export function isTemplateFileName(fileName: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.toLowerCase().split('.').includes('template') && /\.json$/i.test(base);
}

/**
 * Content that only a template has: a `$schema-template` key, a `${MODULES.…}` / `${MODULEDIR<…>}`
 * placeholder, or an image reference that still holds a substitution token (`${X}`, `$X`, `<X>`, `#{X}#`).
 */
export function looksLikeTemplate(root: unknown, text: string): boolean {
  if ((isObject(root) && '$schema-template' in root) || /\$\{(MODULES\.|MODULEDIR<)/.test(text)) return true;
  for (const match of text.matchAll(/"image"\s*:\s*"((?:[^"\\]|\\.)*)"/gi)) {
    if (hasTemplateToken(match[1] ?? '')) return true;
  }
  return false;
}

export interface KindDecision {
  readonly kind: ManifestKind;
  /** Template leniency applies (also to a layered template). */
  readonly template: boolean;
}

/**
 * @param templateText the text has template-only syntax that was found before parsing (a placeholder outside
 * quotes, which only iotedgedev expands); such a file is a template unless judged as a deployment.
 */
export function decideKind(shape: ManifestShape, root: unknown, text: string, requested: ManifestKind | 'auto', fileName?: string, templateText = false): KindDecision {
  const template =
    requested === 'template' ||
    (requested !== 'deployment' && templateText) ||
    (requested === 'auto' && ((fileName !== undefined && isTemplateFileName(fileName)) || looksLikeTemplate(root, text)));
  if (requested === 'layered' || (requested === 'auto' && shape.layered)) return { kind: 'layered', template };
  if (!shape.modulesContent && requested === 'auto') return { kind: 'unknown', template };
  if (requested === 'deployment') return { kind: 'deployment', template: false };
  return { kind: template ? 'template' : 'deployment', template };
}

/** A full module twin (deviceId/moduleId/properties) rather than a manifest. */
export function looksLikeModuleTwin(root: unknown): boolean {
  return isObject(root) && ('moduleId' in root || 'deviceId' in root) && isObject(root['properties']);
}
