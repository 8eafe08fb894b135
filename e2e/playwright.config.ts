import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './support/chromium';

// Every console a spec starts runs its embedded local hub on free ports (workers and CLI runs inherit this), so
// that consoles never collide with each other or with a console the user runs on the default ports.
process.env.GATEHOUSE_LOCALHUB_HTTPS_PORT ??= '0';
process.env.GATEHOUSE_LOCALHUB_MQTT_PORT ??= '0';
process.env.GATEHOUSE_LOCALHUB_AMQP_PORT ??= '0';
process.env.GATEHOUSE_EDGEHUB_MQTT_PORT ??= '0';
process.env.GATEHOUSE_EDGEHUB_HTTPS_PORT ??= '0';

/** Specs that create containers on the Docker engine. */
const ENGINE_SPECS = /(?:^|\/)(?:connectivity|runtime|runtime-status|runtime-sample|runtime-cloud-override|telemetry|commissioning|drift|rollback)\.spec\.ts$/;

/**
 * User flows against the served console in Debian's Chromium (never a downloaded browser), and the Electron
 * spec where Electron's binary exists. Each worker starts its own `gatehouse serve` on a free loopback port.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: './results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // Under CI a stray `.only` fails the run instead of silently skipping the other specs.
  forbidOnly: !!process.env.CI,
  fullyParallel: false,
  // One worker: every flow runs a served console and Chromium, which is CPU-bound on 2 cores (two workers slowed each
  // other down ~2x and made timing flakes). The projects keep the specs that run containers on the Docker engine in a
  // single worker (module names are container names) for when more workers are used (`--workers N`).
  workers: 1,
  projects: [
    { name: 'engine', testMatch: ENGINE_SPECS, workers: 1 },
    { name: 'console', testIgnore: ENGINE_SPECS },
  ],
  reporter: [['list'], ['json', { outputFile: './results/report.json' }]],
  use: {
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1360, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
