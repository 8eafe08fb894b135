/**
 * How edgeAgent and edgeHub read values, so that verdicts match them. Both are .NET services that
 * deserialize the twin with Newtonsoft.Json, which is lenient in ways a strict schema is not:
 * property names match case-insensitively when there is no exact match, enum strings match
 * case-insensitively (EnumMember values and field names) and also accept integers, primitives are
 * read as strings, and schema versions are read with `System.Version`.
 */

/** A value read from a JSON object by property name, the way Newtonsoft binds a .NET property. */
export interface FoundProperty {
  readonly key: string;
  readonly value: unknown;
  /** False when only a case-insensitive match was found (Newtonsoft still uses it). */
  readonly exact: boolean;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function findProperty(obj: unknown, name: string): FoundProperty | undefined {
  if (!isObject(obj)) return undefined;
  if (Object.prototype.hasOwnProperty.call(obj, name)) return { key: name, value: obj[name], exact: true };
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) {
    if (key.toLowerCase() === lower) return { key, value: obj[key], exact: false };
  }
  return undefined;
}

/** `System.Version`: 2 to 4 dot-separated non-negative int32 components; absent parts are -1. */
export interface DotNetVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  readonly revision: number;
}

export function parseDotNetVersion(text: string): DotNetVersion | undefined {
  const parts = text.split('.');
  if (parts.length < 2 || parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    // int.Parse with NumberStyles.Integer: optional surrounding whitespace and sign.
    const match = /^[\s]*([+-]?)(\d+)[\s]*$/.exec(part);
    if (!match) return undefined;
    const n = Number(match[2]);
    if (!Number.isSafeInteger(n) || n > 2147483647 || (match[1] === '-' && n !== 0)) return undefined;
    numbers.push(n);
  }
  return { major: numbers[0] ?? 0, minor: numbers[1] ?? 0, build: numbers[2] ?? -1, revision: numbers[3] ?? -1 };
}

export function compareDotNetVersions(a: DotNetVersion, b: DotNetVersion): number {
  return a.major - b.major || a.minor - b.minor || a.build - b.build || a.revision - b.revision;
}

/** One member of a .NET enum: its `EnumMember` value, field name and number. */
export interface EnumMemberSpec {
  readonly value: string;
  readonly field: string;
  readonly number: number;
}

export type EnumReading =
  | { readonly kind: 'canonical'; readonly member: EnumMemberSpec }
  | { readonly kind: 'lenient'; readonly member: EnumMemberSpec }
  | { readonly kind: 'invalid' };

/**
 * Reads an enum like StringEnumConverter does, followed by the agent's `CheckIsDefined`:
 * the exact EnumMember value is canonical; a case-insensitive match of the value or the field name,
 * an integer or an integer string naming a defined member are accepted (lenient).
 */
export function readEnum(value: unknown, members: readonly EnumMemberSpec[]): EnumReading {
  if (typeof value === 'string') {
    const exact = members.find((m) => m.value === value);
    if (exact) return { kind: 'canonical', member: exact };
    const lower = value.toLowerCase();
    const loose = members.find((m) => m.value.toLowerCase() === lower || m.field.toLowerCase() === lower);
    if (loose) return { kind: 'lenient', member: loose };
    if (/^[+-]?\d+$/.test(value)) return byNumber(Number(value), members);
    return { kind: 'invalid' };
  }
  if (typeof value === 'number' && Number.isInteger(value)) return byNumber(value, members);
  return { kind: 'invalid' };
}

function byNumber(n: number, members: readonly EnumMemberSpec[]): EnumReading {
  const member = members.find((m) => m.number === n);
  return member ? { kind: 'lenient', member } : { kind: 'invalid' };
}

export const MODULE_STATUS: readonly EnumMemberSpec[] = [
  { value: 'unknown', field: 'Unknown', number: 0 },
  { value: 'backoff', field: 'Backoff', number: 1 },
  { value: 'running', field: 'Running', number: 2 },
  { value: 'unhealthy', field: 'Unhealthy', number: 3 },
  { value: 'stopped', field: 'Stopped', number: 4 },
  { value: 'failed', field: 'Failed', number: 5 },
  { value: 'dead', field: 'Dead', number: 6 },
];

export const RESTART_POLICY: readonly EnumMemberSpec[] = [
  { value: 'never', field: 'Never', number: 0 },
  { value: 'on-failure', field: 'OnFailure', number: 1 },
  { value: 'on-unhealthy', field: 'OnUnhealthy', number: 2 },
  { value: 'always', field: 'Always', number: 3 },
  { value: 'unknown', field: 'Unknown', number: 4 },
];

export const IMAGE_PULL_POLICY: readonly EnumMemberSpec[] = [
  { value: 'on-create', field: 'OnCreate', number: 0 },
  { value: 'never', field: 'Never', number: 1 },
];

export type UintReading = 'canonical' | 'lenient' | 'invalid';

/** Reads an unsigned integer (uint32 by default) like Newtonsoft: numbers and numeric strings convert. */
export function readUnsigned(value: unknown, max = 4294967295): UintReading {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value >= 0 && value <= max ? 'canonical' : 'invalid';
    return Number.isFinite(value) && value >= 0 && value <= max ? 'lenient' : 'invalid';
  }
  if (typeof value === 'string' && /^\s*\+?\d+\s*$/.test(value)) {
    const n = Number(value);
    return n <= max ? 'lenient' : 'invalid';
  }
  return 'invalid';
}

export type StringReading =
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'coerced'; readonly text: string }
  | { readonly kind: 'null' }
  | { readonly kind: 'invalid' };

/**
 * Reads a .NET `string` property the way edgeAgent deserializes modules (from JSON text, via
 * `JsonTextReader.ReadAsString`): primitives are kept as written, so `true` becomes "true" and `1.50` "1.50".
 */
export function readString(value: unknown): StringReading {
  if (typeof value === 'string') return { kind: 'string', text: value };
  if (value === null || value === undefined) return { kind: 'null' };
  if (typeof value === 'boolean') return { kind: 'coerced', text: value ? 'true' : 'false' };
  if (typeof value === 'number') return { kind: 'coerced', text: String(value) };
  return { kind: 'invalid' };
}

/** `string.IsNullOrWhiteSpace` */
export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}
