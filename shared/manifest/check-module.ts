/**
 * Checks of one module object (`modules.<name>`, `systemModules.edgeAgent`, `systemModules.edgeHub`)
 * against what edgeAgent's deserializers accept (`DockerDesiredModule`, `EdgeHubDockerModule`,
 * `EdgeAgentDockerModule`, `DockerModule`). Requiredness and plain types are left to the JSON schema;
 * these checks own the values.
 */
import { CheckContext, hasPlaceholder, hasTemplateToken } from './check-context.js';
import { checkCreateOptions } from './check-create-options.js';
import { checkEnv } from './check-env.js';
import { checkImage } from './image-ref.js';
import { childPointer } from './json-pointer.js';
import {
  IMAGE_PULL_POLICY,
  MODULE_STATUS,
  RESTART_POLICY,
  findProperty,
  isObject,
  readEnum,
  readUnsigned,
  type EnumMemberSpec,
} from './newtonsoft-compat.js';
import { isCreateOptionsKey } from './create-options.js';

export type ModuleRole = 'edgeAgent' | 'edgeHub' | 'custom';

const MODULE_KEYS = ['version', 'type', 'status', 'restartPolicy', 'imagePullPolicy', 'startupOrder', 'settings', 'env', 'configuration'];
const SETTINGS_KEYS = ['image', 'digest'];
const IGNORED_FOR_AGENT = ['status', 'restartPolicy', 'startupOrder'];

export function checkModule(ctx: CheckContext, pointer: string, name: string, module: unknown, role: ModuleRole): void {
  if (!isObject(module)) return; // the schema reports the type
  checkKeyCase(ctx, pointer, module, MODULE_KEYS);
  const type = findProperty(module, 'type');
  if (type && type.value !== 'docker' && !(ctx.isTemplate && hasTemplateToken(type.value))) {
    ctx.report('GH2012', childPointer(pointer, type.key), `Module "${name}" has type ${JSON.stringify(type.value)}; it must be exactly "docker" (lower-case). edgeAgent rejects the deployment (code 400).`, {
      fix: { title: 'Set type to "docker"', edits: [{ op: 'replace', path: childPointer(pointer, type.key), value: 'docker' }] },
    });
  }
  if (role === 'edgeAgent') {
    for (const key of IGNORED_FOR_AGENT) {
      const found = findProperty(module, key);
      if (found) ctx.report('GH3005', childPointer(pointer, found.key), `edgeAgent always runs with status running, restartPolicy always and startupOrder 0; "${found.key}" is ignored here and can be removed.`);
    }
  } else {
    checkEnumProperty(ctx, pointer, name, module, 'status', MODULE_STATUS, true);
    checkEnumProperty(ctx, pointer, name, module, 'restartPolicy', RESTART_POLICY, true);
    checkStartupOrder(ctx, pointer, name, module);
  }
  checkEnumProperty(ctx, pointer, name, module, 'imagePullPolicy', IMAGE_PULL_POLICY, true);
  const settings = findProperty(module, 'settings');
  if (settings && isObject(settings.value)) {
    const settingsPointer = childPointer(pointer, settings.key);
    checkSettings(ctx, settingsPointer, name, settings.value);
  }
  const env = findProperty(module, 'env');
  if (env) checkEnv(ctx, childPointer(pointer, env.key), name, env.value);
}

/** Warns about properties written in another case than the one IoT Edge documents (Newtonsoft still binds them). */
export function checkKeyCase(ctx: CheckContext, pointer: string, obj: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    const canonical = known.find((k) => k.toLowerCase() === key.toLowerCase());
    if (canonical && canonical !== key && !Object.prototype.hasOwnProperty.call(obj, canonical)) {
      ctx.report('GH2025', childPointer(pointer, key), `"${key}" works (IoT Edge matches property names case-insensitively) but the documented name is "${canonical}"; other tools may not recognise it.`, {
        part: 'key',
        fix: { title: `Rename to "${canonical}"`, edits: [{ op: 'move', from: childPointer(pointer, key), path: childPointer(pointer, canonical) }] },
      });
    }
  }
}

function checkEnumProperty(
  ctx: CheckContext,
  pointer: string,
  name: string,
  module: Record<string, unknown>,
  property: string,
  members: readonly EnumMemberSpec[],
  nullRejected: boolean,
): void {
  const found = findProperty(module, property);
  if (!found) return;
  const at = childPointer(pointer, found.key);
  if (ctx.isTemplate && hasTemplateToken(found.value)) return;
  const documented = members.filter((m) => m.value !== 'unknown' || property !== 'restartPolicy').filter((m) => property !== 'status' || m.value === 'running' || m.value === 'stopped');
  const allowed = documented.map((m) => `"${m.value}"`).join(', ');
  if (found.value === null && nullRejected) {
    ctx.report('GH2012', at, `${property} of module "${name}" is null, which edgeAgent rejects (code 400). Use one of ${allowed}, or remove the property to get the default.`);
    return;
  }
  const reading = readEnum(found.value, members);
  if (reading.kind === 'invalid') {
    ctx.report('GH2012', at, `${property} of module "${name}" is ${JSON.stringify(found.value)}; edgeAgent accepts only ${allowed} (code 400 otherwise).`);
    return;
  }
  const canonical = reading.member.value;
  if (reading.kind === 'lenient') {
    ctx.report('GH3003', at, `${property} ${JSON.stringify(found.value)} is read by edgeAgent as "${canonical}"; write "${canonical}" as documented.`, {
      fix: { title: `Use "${canonical}"`, edits: [{ op: 'replace', path: at, value: canonical }] },
    });
  }
  if (property === 'status' && canonical !== 'running' && canonical !== 'stopped') {
    ctx.report('GH3004', at, `status "${canonical}" is accepted but the agent only acts on "running" and "stopped"; the module will be created and left alone. Use "running" or "stopped".`);
  }
  if (property === 'restartPolicy' && canonical === 'unknown') {
    ctx.report('GH3006', at, 'restartPolicy "unknown" is accepted but undocumented. Use "never", "on-failure", "on-unhealthy" or "always".');
  }
}

function checkStartupOrder(ctx: CheckContext, pointer: string, name: string, module: Record<string, unknown>): void {
  const found = findProperty(module, 'startupOrder');
  if (!found || (ctx.isTemplate && hasTemplateToken(found.value))) return;
  const at = childPointer(pointer, found.key);
  const reading = found.value === null ? 'invalid' : readUnsigned(found.value);
  if (reading === 'invalid') {
    ctx.report('GH2013', at, `startupOrder of module "${name}" is ${JSON.stringify(found.value)}; it must be an integer from 0 to 4294967295 (null is rejected). edgeAgent rejects the deployment (code 400).`);
  } else if (reading === 'lenient') {
    const n = Math.round(Number(found.value));
    ctx.report('GH3003', at, `startupOrder ${JSON.stringify(found.value)} is converted to ${n}; write it as a JSON integer.`, {
      fix: { title: `Use ${n}`, edits: [{ op: 'replace', path: at, value: n }] },
    });
  }
}

export function checkSettings(ctx: CheckContext, pointer: string, name: string, settings: Record<string, unknown>): void {
  checkKeyCase(ctx, pointer, settings, SETTINGS_KEYS);
  const image = findProperty(settings, 'image');
  if (image) checkImageValue(ctx, childPointer(pointer, image.key), name, image.value);
  if (Object.keys(settings).some(isCreateOptionsKey)) checkCreateOptions(ctx, pointer, name, settings);
}

export function checkImageValue(ctx: CheckContext, pointer: string, name: string, image: unknown): void {
  if (typeof image !== 'string') {
    ctx.report('GH3020', pointer, `The image of module "${name}" must be a string such as "mcr.microsoft.com/azureiotedge-hub:1.5"; edgeAgent rejects the deployment (code 400).`);
    return;
  }
  if (ctx.isTemplate) {
    checkTemplateImage(ctx, pointer, name, image);
    return;
  }
  const templated = hasPlaceholder(image) || (image.includes('$') && !image.includes('$upstream')) || /<[A-Za-z_][\w.-]*>/.test(image);
  if (templated) {
    ctx.report('GH3023', pointer, `The image of module "${name}" contains the unexpanded placeholder "${image}"; IoT Edge cannot pull it (an image starting with '$' is refused with code 400, any other is refused by Docker). Generate the deployment from its template or write the image reference.`);
    return;
  }
  const verdict = checkImage(image);
  if (!verdict.ok) {
    ctx.report(verdict.by === 'agent' ? 'GH3020' : 'GH3021', pointer, verdict.message);
  } else if (!verdict.hasTag) {
    ctx.report('GH3022', pointer, `Image "${image.trim()}" has no tag, so "${verdict.normalized}" is used and a new push to :latest is not picked up by an existing container. Pin a version tag.`);
  }
}

/** Other tools' placeholders (as hasTemplateToken): `<Token>`, `#{Token}#` / `#Token#`, `__TOKEN…`. */
const FOREIGN_TOKEN = /<[A-Za-z_][\w.-]*>|#\{?[A-Za-z_][\w.]*\}?#|(?:^|[^A-Za-z0-9_])(__[A-Z][A-Z0-9_]*)/;
const DOLLAR_WORDS = new Set(['upstream', 'edgeAgent', 'edgeHub']);

/**
 * A template's image as the VS Code tools and iotedgedev write it into the deployment, judged as there:
 * `${MODULES.…}` / `${MODULEDIR<…>}` are built from module.json (not known here: skipped); `${VAR}` and a set `$VAR`
 * take their values when the variables are known, and stand for any value otherwise (an unset `${VAR}` is
 * reported where it is written); an unset `$VAR` and other tools' placeholders (`<IMAGE_URI>`, `__IMAGE__`,
 * `#{platform}#`) are left in the image by both tools.
 */
function checkTemplateImage(ctx: CheckContext, pointer: string, name: string, image: string): void {
  if (/\$\{(MODULES\.|MODULEDIR<)/.test(image)) return;
  const env = ctx.env;
  let unknown = false;
  const keptBare: string[] = [];
  const expanded = image.replace(/\$\{([^}]*)\}|\$([A-Za-z_]\w*)/g, (match: string, braced: string | undefined, bare: string | undefined, offset: number) => {
    if (bare !== undefined && DOLLAR_WORDS.has(bare)) return match;
    const key = braced ?? bare ?? '';
    if (env && Object.prototype.hasOwnProperty.call(env, key)) return env[key] ?? '';
    if (env && bare !== undefined) {
      keptBare.push(match);
      return match;
    }
    unknown = true;
    // Any value: a registry host where one usually stands, else a plain name that is valid in every part.
    return offset === 0 && image[match.length] === '/' ? 'registry.invalid' : 'x';
  });
  const verdict = checkImage(expanded);
  if (verdict.ok) {
    if (!verdict.hasTag && !unknown) {
      ctx.report('GH3022', pointer, `Image "${expanded.trim()}" has no tag, so "${verdict.normalized}" is used and a new push to :latest is not picked up by an existing container. Pin a version tag.`);
    }
    return;
  }
  const written = expanded === image ? `"${image}"` : unknown ? `"${image}"` : `"${image}" (expanded: "${expanded}")`;
  const foreign = FOREIGN_TOKEN.exec(expanded);
  if (foreign || keptBare.length > 0) {
    const token = keptBare[0] ?? foreign?.[1] ?? foreign?.[0] ?? '';
    const why = keptBare.length > 0 ? `${token} is not set, and both tools leave an unset $VARIABLE as is` : `neither the VS Code tools nor iotedgedev replace "${token}"`;
    ctx.report('GH3023', pointer, `The image of module "${name}" is ${written}: ${why}, so the generated deployment carries it literally and ${expanded.trim().startsWith('$') ? "edgeAgent refuses the image (code 400)" : 'Docker cannot parse the reference'}. Write the image reference, or use \${MODULES.<folder>} or a \${VARIABLE} set in .env${keptBare.length > 0 ? '' : ' (if a pipeline of yours replaces it, check the file that pipeline writes)'}.`);
    return;
  }
  const reason = verdict.message.replace(`Image "${expanded.trim()}"`, `The image of module "${name}", ${written},`);
  ctx.report(verdict.by === 'agent' ? 'GH3020' : 'GH3021', pointer, `${reason}${unknown ? '' : ' The tools write it into the deployment as is.'}`);
}
