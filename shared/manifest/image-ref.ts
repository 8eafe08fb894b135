/**
 * Module image references, checked twice:
 * 1. as edgeAgent reads them (`DockerConfig.ValidateAndGetImage`): trimmed, not blank; a leading `$`
 *    must be the nested-edge form `…$upstream:<port>…`; then the loose regex
 *    `^(?<repo>([^/]*\/)*)(?<image>[^/:]+)(?<tag>:[^/:]+)?$`; no tag means `:latest`.
 * 2. as Docker parses them (distribution reference grammar): lower-case repository path components,
 *    an optional registry host[:port], a tag of at most 128 `[\w.-]` characters, an optional digest.
 *    The agent passes the string to the engine, so a reference Docker refuses is a module that never runs.
 */

export type ImageVerdict =
  | { readonly ok: true; readonly hasTag: boolean; readonly normalized: string }
  | { readonly ok: false; readonly by: 'agent' | 'docker'; readonly message: string };

const AGENT_IMAGE = /^(?<repo>([^/]*\/)*)(?<image>[^/:]+)(?<tag>:[^/:]+)?$/;
const UPSTREAM = /^(?<pre>.*)\$upstream(?<post>:[1-9].*)$/;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export function checkImage(image: string): ImageVerdict {
  const trimmed = image.trim();
  if (trimmed === '') return { ok: false, by: 'agent', message: 'The image is blank; edgeAgent rejects the deployment (code 400). Set settings.image to a reference such as mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.0.' };
  let resolved = trimmed;
  if (trimmed.startsWith('$')) {
    const upstream = UPSTREAM.exec(trimmed);
    if (!upstream?.groups) {
      return {
        ok: false,
        by: 'agent',
        message: `Image "${trimmed}" starts with '$' but is not the nested-edge form "$upstream:<port>/<repository>:<tag>"; edgeAgent rejects the deployment (code 400). If this is a variable, expand it before deploying.`,
      };
    }
    resolved = `${upstream.groups['pre'] ?? ''}parent-gateway${upstream.groups['post'] ?? ''}`;
  }
  const agent = AGENT_IMAGE.exec(resolved);
  if (!agent?.groups) {
    return { ok: false, by: 'agent', message: `Image "${trimmed}" is not in the format edgeAgent accepts ([registry/]repository[:tag]); the deployment is rejected (code 400).` };
  }
  const hasTag = (agent.groups['tag'] ?? '').length > 0;
  const normalized = hasTag ? resolved : `${resolved}:latest`;
  const docker = dockerProblem(normalized);
  if (docker) return { ok: false, by: 'docker', message: `Image "${trimmed}" is not a valid Docker reference: ${docker} The module cannot be created.` };
  return { ok: true, hasTag, normalized: hasTag ? trimmed : `${trimmed}:latest` };
}

/** Why Docker would refuse a reference, or undefined when it parses. */
export function dockerProblem(reference: string): string | undefined {
  let rest = reference;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const digest = rest.slice(at + 1);
    if (!DIGEST.test(digest)) return `the digest "${digest}" is malformed (expected e.g. sha256:<64 hex digits>).`;
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    const tag = rest.slice(colon + 1);
    if (!TAG.test(tag)) return `the tag "${tag}" is invalid (letters, digits, '_', '.', '-'; at most 128 characters; not starting with '.' or '-').`;
    rest = rest.slice(0, colon);
  }
  if (rest.length > 255) return 'the repository name is longer than 255 characters.';
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasDomain = parts.length > 1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  if (hasDomain) {
    if (!DOMAIN.test(first)) return `the registry "${first}" is not a valid host[:port].`;
    parts.shift();
  }
  for (const part of parts) {
    if (part === '') return 'it contains an empty path component (a doubled or trailing "/").';
    if (!PATH_COMPONENT.test(part)) {
      return part.toLowerCase() !== part
        ? `the repository "${parts.join('/')}" must be lower-case.`
        : `the repository component "${part}" may only contain lower-case letters, digits and single separators ('.', '_', '__', '-').`;
    }
  }
  return undefined;
}

/**
 * The registry an image is pulled from, as Docker reads a valid reference: its first path component when that is a
 * host (has '.' or ':', is `localhost`, or has upper case), else Docker Hub (`docker.io`). Lower-cased. Undefined
 * for a reference edgeAgent or Docker refuses, and for the nested-edge `$upstream` form (the parent gateway).
 */
export function imageRegistry(image: string): string | undefined {
  const trimmed = image.trim();
  if (trimmed.startsWith('$') || !checkImage(trimmed).ok) return undefined;
  const parts = trimmed.split('@')[0]?.split('/') ?? [];
  const first = parts[0] ?? '';
  const hasDomain = parts.length > 1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  return hasDomain ? first.toLowerCase() : 'docker.io';
}
