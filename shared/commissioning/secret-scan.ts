import { joinCreateOptions } from '../manifest/create-options';
import { toPointer } from '../manifest/json-pointer';
import { parseLenientJson } from '../manifest/lenient-json';
import { modulesContentOf } from './modules-content';
import { Redactor } from './redact';

/**
 * Secrets written inline in a deployment: registry passwords, IoT Hub connection strings, SAS tokens and keys,
 * private keys, and environment variables whose name says secret. Each finding names its place (a JSON pointer)
 * and keeps the value for the redactor; a verdict shows the place and the kind, never the value.
 */
export type SecretKind = 'registry-password' | 'connection-string' | 'sas-token' | 'sas-key' | 'private-key' | 'secret-env';

export interface SecretFinding {
  readonly kind: SecretKind;
  /** JSON pointer of the string that holds it (inside createOptions: the createOptions pointer plus `#Env/<name>`). */
  readonly pointer: string;
  /** Words for the place, e.g. `module tempSensor, env DB_PASSWORD`. */
  readonly where: string;
  /** The secret itself (for masking elsewhere). Never print it. */
  readonly value: string;
}

export const KIND_WORDS: Readonly<Record<SecretKind, string>> = {
  'registry-password': 'a registry password',
  'connection-string': 'an IoT Hub connection string',
  'sas-token': 'a SAS token',
  'sas-key': 'a SAS key',
  'private-key': 'a private key',
  'secret-env': 'a secret in an environment variable',
};

const CONNECTION_STRING = /(?:HostName|Endpoint)=[^;"\s]+;[^"\s]*SharedAccessKey=[A-Za-z0-9+/=]{8,}/i;
const SAS_TOKEN = /SharedAccessSignature\s+[^"\s]*sig=[A-Za-z0-9%+/=]{8,}/i;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
/** A 256-bit (or 128-bit) key in base64, as IoT Hub generates them, on its own. */
const SAS_KEY = /^(?:[A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{22}==|[A-Za-z0-9+/]{86}==)$/;
const SECRET_NAME = /(?:^|_|-)(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|KEY|APIKEY|CONNECTION_?STRING|CONN_?STR|CREDENTIALS?)(?:$|_|-)/i;
/** A value that is a reference, not the secret: `$VAR`, `${VAR}`, `{{VAR}}`, empty. */
const PLACEHOLDER = /^\s*(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{[^}]+\}\}|)\s*$/;

/** The kind of secret a string value is by its shape, if any. */
export function secretShape(value: string): Exclude<SecretKind, 'registry-password' | 'secret-env'> | undefined {
  if (CONNECTION_STRING.test(value)) return 'connection-string';
  if (SAS_TOKEN.test(value)) return 'sas-token';
  if (PRIVATE_KEY.test(value)) return 'private-key';
  if (SAS_KEY.test(value.trim())) return 'sas-key';
  return undefined;
}

/** Whether an environment variable with this name and value holds a secret (by its name or its shape). */
export function secretEnv(name: string, value: string): SecretKind | undefined {
  if (PLACEHOLDER.test(value)) return undefined;
  const shape = secretShape(value);
  if (shape) return shape;
  return SECRET_NAME.test(name) && value.trim().length >= 6 ? 'secret-env' : undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every inline secret in a deployment document (parsed JSON), in document order. */
export function scanDeploymentSecrets(document: unknown): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const seen = new Set<string>();
  const add = (f: SecretFinding) => {
    const key = `${f.pointer}\u0000${f.kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };
  const content = modulesContentOf(document);
  const base: (string | number)[] = isObject(document) && document.modulesContent ? ['modulesContent'] : isObject(document) && document.moduleContent ? ['moduleContent'] : ['content', 'modulesContent'];
  const agent = isObject(content) && isObject(content.$edgeAgent) ? (content.$edgeAgent['properties.desired'] as unknown) : undefined;
  const agentPath = [...base, '$edgeAgent', 'properties.desired'];

  if (isObject(agent)) {
    const runtimeSettings = isObject(agent.runtime) && isObject(agent.runtime.settings) ? agent.runtime.settings : undefined;
    const credentials = runtimeSettings && isObject(runtimeSettings.registryCredentials) ? runtimeSettings.registryCredentials : {};
    for (const [name, credential] of Object.entries(credentials)) {
      if (isObject(credential) && typeof credential.password === 'string' && !PLACEHOLDER.test(credential.password)) {
        add({ kind: 'registry-password', pointer: toPointer([...agentPath, 'runtime', 'settings', 'registryCredentials', name, 'password']), where: `registry credentials ${name}, password`, value: credential.password });
      }
    }
    const modules: [string, unknown, (string | number)[]][] = [];
    for (const group of ['systemModules', 'modules'] as const) {
      const entries = isObject(agent[group]) ? (agent[group] as Json) : {};
      for (const [name, module] of Object.entries(entries)) modules.push([name, module, [...agentPath, group, name]]);
    }
    for (const [name, module, path] of modules) {
      if (!isObject(module)) continue;
      const env = isObject(module.env) ? module.env : {};
      for (const [variable, entry] of Object.entries(env)) {
        const value = isObject(entry) ? entry.value : undefined;
        if (typeof value !== 'string') continue;
        const kind = secretEnv(variable, value);
        if (kind) add({ kind, pointer: toPointer([...path, 'env', variable, 'value']), where: `module ${name}, env ${variable}`, value });
      }
      const settings = isObject(module.settings) ? module.settings : undefined;
      if (!settings) continue;
      const parsed = parseLenientJson(joinCreateOptions(settings));
      const created = parsed.ok ? parsed.value : undefined;
      const envList = isObject(created) && Array.isArray(created.Env) ? created.Env : [];
      for (const item of envList) {
        if (typeof item !== 'string') continue;
        const eq = item.indexOf('=');
        if (eq <= 0) continue;
        const variable = item.slice(0, eq);
        const value = item.slice(eq + 1);
        const kind = secretEnv(variable, value);
        if (kind) add({ kind, pointer: `${toPointer([...path, 'settings', 'createOptions'])}#Env/${variable}`, where: `module ${name}, createOptions Env ${variable}`, value });
      }
    }
  }
  // Anything else shaped like a secret, anywhere in the document (a desired property, a label, a route).
  const walk = (value: unknown, path: (string | number)[]) => {
    if (typeof value === 'string') {
      const kind = secretShape(value);
      if (kind) add({ kind, pointer: toPointer(path), where: placeWords(path), value: extractSecret(kind, value) });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(document, []);
  return findings.sort((a, b) => a.pointer.localeCompare(b.pointer));
}

/** The secret part of a string shaped like one (the key of a connection string, the whole token), for masking. */
function extractSecret(kind: SecretKind, value: string): string {
  if (kind === 'connection-string') return /SharedAccessKey=([A-Za-z0-9+/=]+)/i.exec(value)?.[1] ?? value;
  if (kind === 'sas-token') return /SharedAccessSignature\s+[^"\s]*/i.exec(value)?.[0] ?? value;
  return value;
}

function placeWords(path: readonly (string | number)[]): string {
  const i = path.indexOf('properties.desired');
  const at = i > 0 ? path[i - 1] : undefined;
  if (at === '$edgeAgent') {
    const m = path.indexOf('modules');
    if (m >= 0 && path[m + 1] !== undefined) return `module ${String(path[m + 1])}, ${path.slice(m + 2).join('.')}`;
  }
  if (at !== undefined) return `${String(at)} desired properties, ${path.slice(i + 1).join('.')}`;
  return path.join('.');
}

/** The secret values a deployment manifest's text holds (none when it is not JSON). Never print them. */
export function deploymentSecretValues(text: string | undefined): string[] {
  if (text === undefined) return [];
  try {
    return scanDeploymentSecrets(JSON.parse(text) as unknown).map((f) => f.value);
  } catch {
    return [];
  }
}

/**
 * A deployment manifest's text for showing (UI, CLI, JSON output): its own secrets (registry passwords, secret env
 * values, keys) masked wherever they appear, secret-named fields masked, secret shapes masked by pattern.
 */
export function maskDeploymentText(text: string): string {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return new Redactor().text(text);
  }
  return `${JSON.stringify(new Redactor(deploymentSecretValues(text)).json(document), null, 2)}\n`;
}
