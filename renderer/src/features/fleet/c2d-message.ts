/**
 * The cloud-to-device form's pure parts: application properties typed one `key=value` per line (as the Telemetry
 * inspector shows them), and the expiry in seconds within IoT Hub's 48 hours.
 */

export const C2D_MAX_EXPIRY_SECONDS = 48 * 60 * 60;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** `key=value` lines (blank lines skipped; the value may hold `=`); a line without `=` or a repeated key is refused, naming it. */
export function parseProperties(text: string): Parsed<Record<string, string>> {
  const properties: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { ok: false, message: `Line ${i + 1} of the properties is not key=value: "${line.slice(0, 60)}".` };
    const key = line.slice(0, eq).trim();
    if (key.length > 128) return { ok: false, message: `Line ${i + 1}: a property name has at most 128 characters.` };
    if (Object.hasOwn(properties, key)) return { ok: false, message: `Line ${i + 1}: the property "${key}" is already set above.` };
    properties[key] = line.slice(eq + 1).trim();
  }
  return { ok: true, value: properties };
}

/** Whole seconds from 1 to 48 hours. */
export function parseExpiry(text: string): Parsed<number> {
  const seconds = Number(text.trim());
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > C2D_MAX_EXPIRY_SECONDS) {
    return { ok: false, message: `The time to live is a whole number of seconds from 1 to ${C2D_MAX_EXPIRY_SECONDS} (48 hours).` };
  }
  return { ok: true, value: seconds };
}
