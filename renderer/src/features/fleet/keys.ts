/** Which symmetric keys a regeneration replaces (the `cloud.deviceRegenerateKeys` choice). */
export type KeyChoice = 'primary' | 'secondary' | 'both';

export const KEY_CHOICES: readonly KeyChoice[] = ['primary', 'secondary', 'both'];

export function keyChoiceLabel(which: KeyChoice): string {
  return which === 'both' ? 'Primary and secondary keys' : which === 'primary' ? 'Primary key' : 'Secondary key';
}

/**
 * Why a device's keys cannot be regenerated, or undefined when they can: only symmetric-key (SAS) identities have
 * keys; an X.509 device authenticates with its certificate.
 */
export function regenerateBlocked(authType: string | undefined): string | undefined {
  if (authType === 'sas') return undefined;
  if (authType === 'selfSigned' || authType === 'certificateAuthority')
    return 'This device authenticates with an X.509 certificate: it has no keys to regenerate. Replace its certificate (or thumbprints) instead.';
  return 'This device has no symmetric keys to regenerate.';
}

/** What the confirmation says happens, naming the device and the key(s). */
export function regenerateConsequence(deviceId: string, which: KeyChoice): string {
  const keys = which === 'both' ? 'new primary and secondary keys' : `a new ${which} key`;
  const users = which === 'both' ? 'either key' : `the ${which} key`;
  return `${deviceId} gets ${keys}. Devices and clients connected with ${users} are disconnected by the hub and cannot connect again until they are given the new connection string. The old ${which === 'both' ? 'keys stop' : 'key stops'} working at once; this cannot be undone.`;
}

/** The confirming button's words. */
export function regenerateAction(which: KeyChoice): string {
  return which === 'both' ? 'Regenerate both keys' : `Regenerate ${which} key`;
}

/**
 * What a module identity row shows instead of a connection string when the module has no key of its own:
 * `none` (it inherits the device's credentials; az and the hub give it none) and X.509 modules.
 */
export function moduleKeyless(authType: string | undefined): string | undefined {
  switch (authType) {
    case 'none':
      return 'No authentication of its own (type none): no connection string.';
    case 'selfSigned':
      return 'X.509 self-signed: authenticates with its certificate; the connection string holds no key.';
    case 'certificateAuthority':
      return 'X.509 CA-signed: authenticates with its certificate; the connection string holds no key.';
    default:
      return undefined;
  }
}

/** The notice once the hub has new keys (the masked string looks the same: the key itself only shows on Reveal). */
export function regeneratedTitle(which: KeyChoice): string {
  return which === 'both' ? 'New primary and secondary keys' : `New ${which} key`;
}
