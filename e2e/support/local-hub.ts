import type { Page } from '@playwright/test';
import { freePort } from '../../electron/runtime/hub/edge-hub-mqtt.test-util';
import { rpc, startServedConsole, type ServedConsole } from './served-console';

/** A loopback port free now (for a hub port of a served console): the unit tests' helper. */
export { freePort } from '../../electron/runtime/hub/edge-hub-mqtt.test-util';

/** No pointer hover or focus ring in a screenshot. */
export async function calm(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(300);
}

/** What `localhub.info` gives a flow: the hub's ports, its CA file and its owner connection string. */
export interface LocalHubInfo {
  readonly connectionString: string;
  readonly httpsPort: number;
  readonly mqttPort: number;
  readonly caFile: string;
}

export interface HubbedConsole {
  readonly served: ServedConsole;
  /** The running local hub, or undefined with why not (the flow then skips, saying it). */
  readonly hub: LocalHubInfo | undefined;
  readonly notRunning: string;
}

/**
 * A served console whose embedded local hub runs on free ports (HTTPS, MQTT and AMQP, so parallel flows never
 * collide), once `localhub.state` says running (30 s at most).
 */
export async function startLocalHubConsole(env: NodeJS.ProcessEnv = {}): Promise<HubbedConsole> {
  const served = await startServedConsole({
    GATEHOUSE_LOCALHUB_HTTPS_PORT: String(await freePort()),
    GATEHOUSE_LOCALHUB_MQTT_PORT: String(await freePort()),
    GATEHOUSE_LOCALHUB_AMQP_PORT: String(await freePort()),
    ...env,
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = await rpc<{ state: string; reason?: string }>(served, 'localhub.state', {});
    if (state.value?.state === 'running') break;
    if (state.value?.state !== 'starting' || Date.now() > deadline) {
      const why = `${state.value?.state ?? 'no answer'}${state.value?.reason ? `: ${state.value.reason}` : ''}`;
      return { served, hub: undefined, notRunning: `the embedded local hub is not running in the served console (${why})` };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const info = await rpc<LocalHubInfo>(served, 'localhub.info', {});
  return info.ok && info.value ? { served, hub: info.value, notRunning: '' } : { served, hub: undefined, notRunning: `localhub.info failed: ${info.error?.message ?? 'no answer'}` };
}
