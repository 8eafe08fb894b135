import { validateManifest } from '../../shared/manifest';
import { manifest } from '../../shared/manifest/manifest.test-util';
import type { Figure } from './bench';

/**
 * The worst shape the fuzzer found for the validator's cost (issue 9): a deployment whose routes all name
 * modules that are not deployed, two located warnings per route. Validating 16,000 of them is compared
 * with twice the time for 8,000, so the ratio says how far from linear the cost grows (1.00 = linear;
 * it was about 2.5–4 when each diagnostic was located by scanning the routes object).
 */
function undeployedRoutesManifest(count: number): string {
  const routes: Record<string, string> = {};
  for (let i = 0; i < count; i++) routes[`r${i}`] = `FROM /messages/modules/ghost${i}/outputs/* INTO BrokeredEndpoint("/modules/phantom${i}/inputs/in")`;
  return JSON.stringify(manifest({ modules: {}, routes }), null, 2);
}

function medianMs(text: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    validateManifest(text, { fileName: 'deployment.json' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN;
}

export async function manifestBenchmarks(): Promise<Figure[]> {
  const large = undeployedRoutesManifest(16_000);
  const half = undeployedRoutesManifest(8000);
  medianMs(half, 2); // warm up the JIT
  const halfMs = medianMs(half, 5);
  const largeMs = medianMs(large, 5);
  return [
    {
      key: 'validateUndeployedRoutesMs',
      label: 'Validate 16,000 routes to undeployed modules',
      value: largeMs,
      unit: 'ms',
      reference: { label: 'twice 8,000 routes', value: 2 * halfMs },
    },
  ];
}
