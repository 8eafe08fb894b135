import { LocalHubRegistry } from './registry';

/**
 * The writer half of the kill -9 durability test (registry-durability.test.ts), run as its own process: four
 * concurrent loops create devices (every third an edge device with two system modules), patch their twins and
 * delete some, printing a line only after each operation was acknowledged. The parent kills it with SIGKILL.
 */
async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: child <dir>');
  const registry = await LocalHubRegistry.open({ dir, hostName: 'localhost' });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say('ready');
  const loop = async (lane: number) => {
    for (let i = 0; ; i += 1) {
      const deviceId = `l${lane}-d${i}`;
      const created = await registry.putDevice(deviceId, { deviceId, capabilities: { iotEdge: i % 3 === 0 } }, undefined);
      if (!created.ok) throw new Error(created.error.message);
      say(`created ${deviceId}`);
      const patched = await registry.updateTwin({ deviceId }, { tags: { n: i }, properties: { desired: { v: i } } }, 'merge', '*');
      if (!patched.ok) throw new Error(patched.error.message);
      say(`patched ${deviceId} ${i}`);
      if (i % 4 === 3) {
        const victim = `l${lane}-d${i - 2}`;
        const deleted = await registry.deleteDevice(victim, '*');
        if (!deleted.ok) throw new Error(deleted.error.message);
        say(`deleted ${victim}`);
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(loop));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
