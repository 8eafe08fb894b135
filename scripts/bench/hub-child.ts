/**
 * `npm run bench:hub`'s hub process (dist/bench-hub-child.mjs): starts the edge hub alone, so the parent can read
 * its RSS from /proc, and answers the parent over IPC (hub-process.ts). argv[2] is a HubChildConfig (JSON).
 */
import { mkdirSync } from 'node:fs';
import { startEdgeHub } from './hub-edgehub';
import type { ChildToParent, HubChildConfig, ParentToChild } from './hub-process';

const send = (message: ChildToParent) => process.send?.(message);

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as HubChildConfig;
  mkdirSync(config.dataDir, { recursive: true });
  // A parent that dies (Ctrl-C, a crash) takes the hub with it: no hub is left listening.
  process.once('disconnect', () => process.exit(1));
  const hub = await startEdgeHub(config);
  process.on('message', (message: ParentToChild) => {
    void (async () => {
      try {
        switch (message.type) {
          case 'upstream':
            await hub.setUpstream(message);
            return send({ type: 'upstream-set' });
          case 'stats':
            return send({ type: 'stats', ...hub.stats(), memory: process.memoryUsage() });
          case 'stop':
            await hub.close();
            process.exit(0);
        }
      } catch (error) {
        send({ type: 'failed', message: (error as Error).message });
      }
    })();
  });
  send({ type: 'ready', port: hub.port, caPem: hub.caPem, parts: hub.parts });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: (error as Error).stack ?? String(error) });
  process.exit(1);
});
