import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { createHost } from '../../electron/host/host';
import { rendererDir } from '../../electron/host/paths';
import { serveConsole } from '../../electron/host/serve';
import type { Figure } from './bench';

const RUNS = 7;
/** The budget the shell's initial JavaScript is held to (gzip); Monaco and charts load later, on demand. */
const INITIAL_JS_BUDGET_KB = 350;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Bytes of JavaScript the page needs before first paint: the entry script and its modulepreloads, gzip -9. */
export function initialJsGzipBytes(dir: string): number {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(join(dir, file)), { level: 9 }).length, 0);
}

export async function consoleBenchmarks(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const dir = rendererDir();
  // Reference: a static page with one line of text, served by the same server, through the same token redirect.
  const referenceDir = join(dataDir, 'reference');
  mkdirSync(referenceDir);
  writeFileSync(join(referenceDir, 'index.html'), '<!doctype html><title>ref</title><p>Gatehouse</p>');
  const host = createHost({ dataDir, shell: 'served' });
  const served = await serveConsole({ host, rendererDir: dir, port: 0, log: () => undefined });
  const reference = await serveConsole({ host, rendererDir: referenceDir, port: 0, log: () => undefined });
  const browser = await chromium.launch({
    executablePath: process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const fcp = async (url: string, selector: string) => {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForSelector(selector);
      samples.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const entry = performance.getEntriesByName('first-contentful-paint')[0];
              if (entry) return resolve(entry.startTime);
              new PerformanceObserver((list) => resolve(list.getEntries()[0]?.startTime ?? NaN)).observe({ type: 'paint' as never, buffered: true });
            }),
        ),
      );
      await context.close();
    }
    return median(samples);
  };
  try {
    const referenceFcp = await fcp(reference.url, 'p');
    const consoleFcp = await fcp(served.url, '[data-testid=card-engine]');
    const jsKb = initialJsGzipBytes(dir) / 1024;
    return [
      { key: 'consoleFcpMs', label: 'Served console first contentful paint', value: consoleFcp, unit: 'ms', reference: { label: 'static page', value: referenceFcp } },
      { key: 'rendererInitialJsGzipKB', label: 'Renderer initial JS (gzip)', value: jsKb, unit: 'KB', reference: { label: 'budget', value: INITIAL_JS_BUDGET_KB } },
    ];
  } finally {
    await browser.close();
    served.dispose();
    reference.dispose();
    host.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
