import { createRequire } from 'node:module';

/**
 * A CommonJS package loaded on first use rather than at start-up. The Azure SDKs cost hundreds of milliseconds to
 * load (azure-iothub, azure-iot-device, @azure/event-hubs): every CLI command and the console's start paid for them
 * although most never talk to a hub. Works in the ESM bundles (dist/cli.mjs), the CommonJS one (Electron's main)
 * and the tests.
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) {
      const load = typeof require === 'function' ? require : createRequire(import.meta.url);
      loaded = load(name) as T;
    }
    return loaded;
  };
}
