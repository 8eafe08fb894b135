import { openMessageStore } from './message-store';

/**
 * The writer half of the kill -9 test (message-store-durability.test.ts), run as its own process: eight concurrent
 * lanes append (QoS 1 style: the line is printed only after `append` resolved) to `$upstream` (lane parity is the
 * priority) and to `module/m/in`; a consumer peeks and acks `module/m/in`, printing `acking` before and `delivered` after each ack resolved.
 * The parent kills it with SIGKILL mid-stream.
 */
async function main(): Promise<void> {
  const dir = process.argv[2];
  const round = process.argv[3] ?? '0';
  if (!dir) throw new Error('usage: child <dir> [round]');
  const opened = await openMessageStore({ dir, sweepIntervalMs: 0 });
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say('ready');
  const lane = async (n: number) => {
    for (let i = 0; ; i += 1) {
      const id = `r${round}l${n}-${i}`;
      const body = new TextEncoder().encode(JSON.stringify({ lane: n, i, pad: 'p'.repeat(64 + ((n * 37 + i * 11) % 400)) }));
      const result = await store.append(
        { message: { body, systemProperties: { mid: id }, properties: { lane: String(n), i: String(i) } }, source: { deviceId: 'edge', moduleId: `m${n}` }, enqueuedAtMs: Date.now() },
        [
          { endpoint: '$upstream', priority: n % 2, ttlSecs: 0 },
          { endpoint: 'module/m/in', priority: 2_000_000_000, ttlSecs: 0 },
        ],
      );
      if (!result.ok) throw new Error(result.error.message);
      say(`appended ${id}`);
    }
  };
  const consumer = async () => {
    for (;;) {
      const batch = await store.peek('module/m/in', 4);
      if (batch.length === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      for (const m of batch) say(`acking ${m.message.systemProperties.mid ?? '?'}`);
      await store.ack(
        'module/m/in',
        batch.map((m) => m.seq),
      );
      for (const m of batch) say(`delivered ${m.message.systemProperties.mid ?? '?'}`);
    }
  };
  await Promise.all([...[0, 1, 2, 3, 4, 5, 6, 7].map(lane), consumer()]);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
