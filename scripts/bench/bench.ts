/**
 * `npm run bench`: prints figures, each with a ratio against a reference measured in the same run.
 * `npm run bench -- --json` adds one JSON object with every figure on the last line.
 */
import { consoleBenchmarks } from './console.bench';
import { manifestBenchmarks } from './manifest.bench';
import { routeBenchmarks } from './routes.bench';
import { runtimeBenchmarks } from './runtime.bench';
import { localHubBenchmarks } from './localhub.bench';
import { fleetBenchmarks } from './fleet.bench';
import { commissioningBenchmarks } from './commissioning.bench';

interface Figure {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  readonly reference?: { label: string; value: number };
}

export type { Figure };

const json = process.argv.includes('--json');
const figures: Figure[] = [];
// `--only localhub,routes` runs some suites (names: console, routes, manifest, runtime, localhub, fleet, commissioning).
const SUITES = { console: consoleBenchmarks, routes: routeBenchmarks, manifest: manifestBenchmarks, runtime: runtimeBenchmarks, localhub: localHubBenchmarks, fleet: fleetBenchmarks, commissioning: commissioningBenchmarks };
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : Object.keys(SUITES);
for (const suite of Object.entries(SUITES).filter(([name]) => only.includes(name)).map(([, s]) => s)) {
  for (const figure of await suite()) {
    figures.push(figure);
    const ratio = figure.reference ? `  (${(figure.value / figure.reference.value).toFixed(2)}× ${figure.reference.label}: ${figure.reference.value.toFixed(1)} ${figure.unit})` : '';
    console.log(`${figure.label.padEnd(48)} ${figure.value.toFixed(1).padStart(9)} ${figure.unit}${ratio}`);
  }
}
if (json) {
  const out: Record<string, number> = {};
  for (const f of figures) {
    out[f.key] = Number(f.value.toFixed(2));
    if (f.reference) out[`${f.key}Ratio`] = Number((f.value / f.reference.value).toFixed(3));
  }
  // Names the issues ask for.
  if ('applyMsRatio' in out) out.applyVsDockerRun = out.applyMsRatio as number;
  console.log(JSON.stringify(out));
}
