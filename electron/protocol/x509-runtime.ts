import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

/**
 * Loads `@peculiar/x509`, which needs a Reflect metadata polyfill before it is evaluated (its DI container,
 * tsyringe, throws at import time without `Reflect.getMetadata`). `reflect-metadata` is not a dependency, so this
 * installs the four functions tsyringe calls, only when no polyfill is present, and then imports the library
 * dynamically: a static import would be hoisted above the polyfill by ESM (and by esbuild's ESM output, where
 * external packages are evaluated before any bundled module). If the lead adds `reflect-metadata`, this stays a no-op.
 */

type MetadataKey = unknown;
type Target = object;
type ReflectWithMetadata = typeof Reflect & {
  getMetadata?: (key: MetadataKey, target: Target, property?: PropertyKey) => unknown;
  getOwnMetadata?: (key: MetadataKey, target: Target, property?: PropertyKey) => unknown;
  defineMetadata?: (key: MetadataKey, value: unknown, target: Target, property?: PropertyKey) => void;
  hasMetadata?: (key: MetadataKey, target: Target, property?: PropertyKey) => boolean;
};

function installReflectMetadata(): void {
  const reflect = Reflect as ReflectWithMetadata;
  if (typeof reflect.getMetadata === 'function') return;
  const store = new WeakMap<Target, Map<PropertyKey | undefined, Map<MetadataKey, unknown>>>();
  const own = (target: Target, property?: PropertyKey) => store.get(target)?.get(property);
  const lookup = (key: MetadataKey, target: Target, property?: PropertyKey): { found: boolean; value?: unknown } => {
    for (let o: Target | null = target; o !== null; o = Object.getPrototypeOf(o) as Target | null) {
      const map = own(o, property);
      if (map?.has(key)) return { found: true, value: map.get(key) };
    }
    return { found: false };
  };
  reflect.defineMetadata = (key, value, target, property) => {
    let byProperty = store.get(target);
    if (!byProperty) store.set(target, (byProperty = new Map()));
    let map = byProperty.get(property);
    if (!map) byProperty.set(property, (map = new Map()));
    map.set(key, value);
  };
  reflect.getOwnMetadata = (key, target, property) => own(target, property)?.get(key);
  reflect.getMetadata = (key, target, property) => lookup(key, target, property).value;
  reflect.hasMetadata = (key, target, property) => lookup(key, target, property).found;
}

let loading: Promise<typeof X509> | undefined;

/** The library, loaded once. */
export function loadX509(): Promise<typeof X509> {
  installReflectMetadata();
  loading ??= import('@peculiar/x509');
  return loading;
}

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** Node's WebCrypto, passed explicitly to every x509 call (no process-wide crypto provider is set). */
export const nodeCrypto = webcrypto;

/** RSA 2048 with SHA-256, as aziot-edged uses for the edge CA (`rsa-2048:*`) and for module server keys. */
export const KEY_ALGORITHM: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return nodeCrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

/** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the format edgelet returns for module keys. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await nodeCrypto.subtle.exportKey('pkcs8', key)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${der.replace(/.{1,64}/g, '$&\n')}-----END PRIVATE KEY-----\n`;
}

export async function importPrivateKeyPem(pem: string): Promise<CryptoKey> {
  const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  return nodeCrypto.subtle.importKey('pkcs8', Buffer.from(body, 'base64'), { name: KEY_ALGORITHM.name, hash: KEY_ALGORITHM.hash }, true, ['sign']);
}
