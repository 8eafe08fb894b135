import { createRequire } from 'node:module';

/** Inlined by the bundler (scripts/build.mjs); read from package.json when running from source (tests). */
declare const __GATEHOUSE_VERSION__: string | undefined;

const require = createRequire(import.meta.url);

export const GATEHOUSE_VERSION: string =
  typeof __GATEHOUSE_VERSION__ === 'string' ? __GATEHOUSE_VERSION__ : (require('../../package.json') as { version: string }).version;

export function packageVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}
