import { benchRouteEvaluation } from '../../shared/routes/bench';
import type { Figure } from './bench';

/** Route evaluation on the hub's hot path, against the cost of merely parsing each message's JSON body. */
export async function routeBenchmarks(): Promise<Figure[]> {
  benchRouteEvaluation(20_000); // warm up the JIT
  const result = benchRouteEvaluation(100_000);
  const body = JSON.stringify({ machine: { temperature: 21.5, pressure: 1.01 }, ambient: { temperature: 20.1, humidity: 26 }, timeCreated: '2026-11-27T10:00:00Z' });
  const n = 200_000;
  let sink = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += (JSON.parse(body) as { ambient: { humidity: number } }).ambient.humidity;
  const parseNs = Number(process.hrtime.bigint() - started) / n;
  if (sink === 0) console.log('');
  return [
    {
      key: 'routeEvalNs',
      label: `Route evaluation (${result.routes} routes × ${result.messages / 1000}k msgs)`,
      value: result.nsPerEval,
      unit: 'ns/route',
      reference: { label: 'JSON.parse of one body', value: parseNs },
    },
  ];
}
