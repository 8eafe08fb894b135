/** Connection strings are masked on screen until asked for: the key never shows by default. */
const KEY = /(SharedAccessKey=)([^;]*)/i;

export function maskConnectionString(connectionString: string): string {
  return connectionString.replace(KEY, (_all, name: string, key: string) => `${name}${key ? '••••••••' : ''}`);
}

/** Whether the string holds a secret at all (an X.509 device's string has none: `x509=true`). */
export function hasSecret(connectionString: string): boolean {
  return KEY.test(connectionString);
}
