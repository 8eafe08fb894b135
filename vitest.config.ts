import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { locateCorpus } from './shared/testing/locate-corpus.test-util.ts';

const corpus = locateCorpus(fileURLToPath(new URL('.', import.meta.url)));

export default defineConfig({
  // The renderer's corpus run reads the files with import.meta.glob('@gatehouse-corpus/manifests/*').
  resolve: { alias: [{ find: /^@gatehouse-corpus\//, replacement: `${corpus.dir}/` }] },
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on sockets, containers and child processes: two at a time keep both cores busy (the default
    // on a 2-core machine is one). Files that share a resource (ports, container names) already isolate it.
    maxWorkers: 2,
    // A stray `.only` fails the run instead of silently skipping the rest of the suite.
    allowOnly: false,
    // Where the fixture corpus is, for the corpus runs (shared/testing/corpus.test-util.ts).
    provide: { corpus },
    // Hosts built by tests start the embedded local hub: on free ports, so that parallel tests never collide.
    env: { GATEHOUSE_LOCALHUB_HTTPS_PORT: '0', GATEHOUSE_LOCALHUB_MQTT_PORT: '0', GATEHOUSE_LOCALHUB_AMQP_PORT: '0', GATEHOUSE_EDGEHUB_MQTT_PORT: '0', GATEHOUSE_EDGEHUB_HTTPS_PORT: '0' },
  },
});
