import { Redactor } from '../../../shared/commissioning/redact';
import { scanDeploymentSecrets } from '../../../shared/commissioning/secret-scan';
import type { SymmetricKeys } from '../../runtime/workload/identity-provider';

/**
 * Every secret value this console knows, gathered from where it keeps them, for the redactor (support bundles,
 * evidence reports): secrets written in the applied manifest, registry passwords, the runtime's device and module
 * keys, the saved hubs' connection strings, the keys the embedded local hub holds, and the console token. A source that cannot be read is named in
 * `unavailable` (the pattern rules still apply to what it would have masked); it never stops the others.
 */

export type SecretOrigin = 'manifest' | 'registry' | 'identity' | 'hub-connection' | 'hub-registry' | 'console-token';

export interface SecretSources {
  /** The applied deployment's text (its inline secrets: env values, createOptions Env, registry passwords, keys). */
  readonly deploymentText?: () => string | undefined;
  /** Registry credentials in force (their passwords, also when the manifest scan would not call them secret). */
  readonly registryPasswords?: () => readonly string[];
  /** The runtime's identities: the device's keys and each module's. */
  readonly identities?: () => Promise<{ readonly device?: SymmetricKeys; readonly modules: readonly SymmetricKeys[] }>;
  /** The connection strings of the saved hubs (service and Event Hubs-compatible ones). */
  readonly connectionStrings?: () => Promise<readonly string[]>;
  /** The served console's token. */
  readonly consoleToken?: () => Promise<string | undefined>;
  /**
   * The keys the embedded local hub holds: every device's and module's (downstream devices included, whose keys
   * reach the edge hub's logs and caches) and its shared access policies'.
   */
  readonly hubRegistryKeys?: () => Promise<readonly string[]>;
}

export interface KnownSecrets {
  /** The secret values (never print them). */
  readonly values: readonly string[];
  /** How many values each origin gave. */
  readonly counts: Readonly<Record<SecretOrigin, number>>;
  /** Origins that could not be read, with why (no secret in the text). */
  readonly unavailable: readonly { readonly origin: SecretOrigin; readonly reason: string }[];
  /** A redactor masking every known value (and every secret-shaped one). */
  redactor(): Redactor;
}

/** The secret parts of a connection string: its SharedAccessKey / AccountKey, its SAS token, and the whole string. */
export function connectionStringSecrets(connectionString: string): string[] {
  const values = [connectionString];
  for (const match of connectionString.matchAll(/(?:SharedAccessKey|AccountKey)=([^;]+)/gi)) values.push(match[1]!);
  const sas = /SharedAccessSignature=([^;]+)/i.exec(connectionString)?.[1];
  if (sas) values.push(sas);
  return values;
}

export async function collectKnownSecrets(sources: SecretSources): Promise<KnownSecrets> {
  const counts: Record<SecretOrigin, number> = { manifest: 0, registry: 0, identity: 0, 'hub-connection': 0, 'hub-registry': 0, 'console-token': 0 };
  const unavailable: { origin: SecretOrigin; reason: string }[] = [];
  const values = new Set<string>();
  const add = (origin: SecretOrigin, value: string | undefined) => {
    if (typeof value !== 'string' || value.trim() === '' || values.has(value)) return;
    values.add(value);
    counts[origin]++;
  };
  const from = async (origin: SecretOrigin, read: () => Promise<void> | void) => {
    try {
      await read();
    } catch (error) {
      unavailable.push({ origin, reason: error instanceof Error ? error.message : String(error) });
    }
  };

  await from('manifest', () => {
    const text = sources.deploymentText?.();
    if (text === undefined) return;
    for (const finding of scanDeploymentSecrets(JSON.parse(text))) {
      add('manifest', finding.value);
      // A connection string's whole value too: it may appear as a whole, not only its key.
      if (finding.kind === 'connection-string' || finding.kind === 'secret-env') for (const v of connectionStringSecrets(finding.value)) add('manifest', v);
    }
  });
  await from('registry', () => {
    for (const password of sources.registryPasswords?.() ?? []) add('registry', password);
  });
  await from('identity', async () => {
    const identities = await sources.identities?.();
    if (!identities) return;
    for (const keys of [...(identities.device ? [identities.device] : []), ...identities.modules]) {
      add('identity', keys.primaryKey);
      add('identity', keys.secondaryKey);
    }
  });
  await from('hub-connection', async () => {
    for (const connectionString of (await sources.connectionStrings?.()) ?? []) for (const v of connectionStringSecrets(connectionString)) add('hub-connection', v);
  });
  await from('hub-registry', async () => {
    for (const key of (await sources.hubRegistryKeys?.()) ?? []) add('hub-registry', key);
  });
  await from('console-token', async () => add('console-token', await sources.consoleToken?.()));

  const list = [...values];
  return { values: list, counts, unavailable, redactor: () => new Redactor(list) };
}
