import type { IdentityCredentials } from '../../protocol/device-backend';
import { generateKey, hubError, isPlainObject, type HubResult, type StoredAuthentication } from './hub-model';

/**
 * The `authentication` of a device or module as the SDK sends it (HUB-CONTRACTS.md §2.3): `sas` with empty keys means
 * "generate them", `selfSigned` needs a primary thumbprint, `certificateAuthority` and `none` carry nothing.
 */

const THUMBPRINT = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/** Parses an incoming authentication; on update, empty SAS keys keep the current ones. */
export function parseAuthentication(input: unknown, current?: StoredAuthentication): HubResult<StoredAuthentication> {
  if (input === undefined || input === null) return { ok: true, value: current ?? sasAuthentication(generateKey(), generateKey()) };
  if (!isPlainObject(input)) return hubError('ArgumentInvalid', 'authentication must be an object');
  const symmetricKey = isPlainObject(input.symmetricKey) ? input.symmetricKey : {};
  const thumbprint = isPlainObject(input.x509Thumbprint) ? input.x509Thumbprint : {};
  const type = input.type ?? (nonEmpty(thumbprint.primaryThumbprint) ? 'selfSigned' : 'sas');
  switch (type) {
    case 'sas': {
      const primary = symmetricKey.primaryKey;
      const secondary = symmetricKey.secondaryKey;
      for (const [name, key] of [['primaryKey', primary], ['secondaryKey', secondary]] as const) {
        if (nonEmpty(key) && !validKey(key)) return hubError('ArgumentInvalid', `authentication.symmetricKey.${name} must be base64 of 16 to 64 bytes`);
      }
      const keep = current?.type === 'sas' ? current.symmetricKey : undefined;
      const primaryKey = nonEmpty(primary) ? primary : (keep?.primaryKey ?? generateKey());
      const secondaryKey = nonEmpty(secondary) ? secondary : (keep?.secondaryKey ?? generateKey());
      return { ok: true, value: sasAuthentication(primaryKey, secondaryKey) };
    }
    case 'selfSigned': {
      const primary = thumbprint.primaryThumbprint;
      const secondary = thumbprint.secondaryThumbprint;
      if (!nonEmpty(primary) || !THUMBPRINT.test(primary)) return hubError('ArgumentInvalid', 'selfSigned authentication needs x509Thumbprint.primaryThumbprint (40 or 64 hex digits)');
      if (nonEmpty(secondary) && !THUMBPRINT.test(secondary)) return hubError('ArgumentInvalid', 'x509Thumbprint.secondaryThumbprint must be 40 or 64 hex digits');
      return {
        ok: true,
        value: { type: 'selfSigned', symmetricKey: { primaryKey: null, secondaryKey: null }, x509Thumbprint: { primaryThumbprint: primary, secondaryThumbprint: nonEmpty(secondary) ? secondary : null } },
      };
    }
    case 'certificateAuthority':
    case 'none':
      return { ok: true, value: { type: type === 'none' ? 'none' : 'certificateAuthority', symmetricKey: { primaryKey: null, secondaryKey: null }, x509Thumbprint: { primaryThumbprint: null, secondaryThumbprint: null } } };
    default:
      return hubError('ArgumentInvalid', `authentication.type must be sas, selfSigned, certificateAuthority or none`);
  }
}

/** A module's default: SAS with two fresh keys. */
export function generateModuleAuthentication(): StoredAuthentication {
  return sasAuthentication(generateKey(), generateKey());
}

export function sasAuthentication(primaryKey: string, secondaryKey: string): StoredAuthentication {
  return { type: 'sas', symmetricKey: { primaryKey, secondaryKey }, x509Thumbprint: { primaryThumbprint: null, secondaryThumbprint: null } };
}

/** True when a change of authentication must drop live connections (keys or thumbprints changed). */
export function credentialsChanged(before: StoredAuthentication, after: StoredAuthentication): boolean {
  return JSON.stringify(before) !== JSON.stringify(after);
}

/** The protocol layer's view of an identity's credentials. */
export function toCredentials(auth: StoredAuthentication): IdentityCredentials {
  switch (auth.type) {
    case 'sas':
      return { type: 'sas', primaryKey: auth.symmetricKey.primaryKey ?? '', secondaryKey: auth.symmetricKey.secondaryKey ?? '' };
    case 'selfSigned': {
      const { primaryThumbprint, secondaryThumbprint } = auth.x509Thumbprint;
      return {
        type: 'selfSigned',
        ...(primaryThumbprint ? { primaryThumbprint } : {}),
        ...(secondaryThumbprint ? { secondaryThumbprint } : {}),
      };
    }
    case 'certificateAuthority':
      return { type: 'certificateAuthority' };
    case 'none':
      return { type: 'none' };
  }
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function validKey(key: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) return false;
  const bytes = Buffer.from(key, 'base64').length;
  return bytes >= 16 && bytes <= 64;
}
