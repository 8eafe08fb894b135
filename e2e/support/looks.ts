import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

/**
 * The looks a flow is photographed in: every window size x color scheme locally (people look at the PNGs in
 * e2e/screenshots), only the large light one in CI, where a clean clone throws the PNGs away and each size or scheme
 * switch re-lays out the page. `GATEHOUSE_E2E_SCREENSHOTS=all|one` chooses; the default is `one` under `CI`, else `all`.
 * Assertions a flow makes at a size are not screenshots: a loop that asserts at each size keeps its sizes (`everySize`).
 */

export type ScreenshotMode = 'all' | 'one';
export type SizeName = 'large' | 'small';
export type Scheme = 'light' | 'dark';

export interface Look {
  readonly size: SizeName;
  readonly width: number;
  readonly height: number;
  readonly scheme: Scheme;
  /** Whether this run keeps a screenshot of this look (false: the loop visits it only for its assertions). */
  readonly shoot: boolean;
}

export const SCREENSHOTS = join(fileURLToPath(new URL('../..', import.meta.url)), 'e2e', 'screenshots');

export const WINDOW_SIZES: Readonly<Record<SizeName, { readonly width: number; readonly height: number }>> = {
  large: { width: 1440, height: 900 },
  small: { width: 1024, height: 700 },
};

const ALL_SIZES: readonly SizeName[] = ['large', 'small'];
const ALL_SCHEMES: readonly Scheme[] = ['light', 'dark'];

export function screenshotMode(env: NodeJS.ProcessEnv = process.env): ScreenshotMode {
  const chosen = env['GATEHOUSE_E2E_SCREENSHOTS'];
  if (chosen === 'all' || chosen === 'one') return chosen;
  if (chosen) throw new Error(`GATEHOUSE_E2E_SCREENSHOTS must be "all" or "one", not "${chosen}"`);
  return env['CI'] ? 'one' : 'all';
}

export const SCREENSHOT_MODE: ScreenshotMode = screenshotMode();

function look(size: SizeName, scheme: Scheme, shoot: boolean): Look {
  return { size, ...WINDOW_SIZES[size], scheme, shoot };
}

/** The looks this run photographs: every size x scheme ("all"), or large light ("one"). */
export const LOOKS: readonly Look[] =
  SCREENSHOT_MODE === 'all' ? ALL_SIZES.flatMap((size) => ALL_SCHEMES.map((scheme) => look(size, scheme, true))) : [look('large', 'light', true)];

export interface LookOptions {
  /** The sizes the loop covers (default both). */
  readonly sizes?: readonly SizeName[];
  /** The schemes the loop covers (default both). */
  readonly schemes?: readonly Scheme[];
  /**
   * The loop asserts something at each size: every size in `sizes` is visited in every mode (in light, `shoot` false,
   * where this run takes no screenshot of it); only the screenshots and the extra scheme switches are cut.
   */
  readonly everySize?: boolean;
  /** Back to large light after the loop (default true); set only if the page is not already there. */
  readonly restore?: boolean;
}

/**
 * The looks a loop visits under this run's mode, size by size, light before dark: its share of `LOOKS`, plus (with
 * `everySize`) the light look at each of its other sizes, for the assertions, without a screenshot.
 */
export function looksFor(options: LookOptions = {}, mode: ScreenshotMode = SCREENSHOT_MODE): Look[] {
  const sizes = options.sizes ?? ALL_SIZES;
  const schemes = options.schemes ?? ALL_SCHEMES;
  const kept = (size: SizeName, scheme: Scheme) => mode === 'all' || (size === 'large' && scheme === 'light');
  return sizes.flatMap((size) => {
    const shot = schemes.filter((scheme) => kept(size, scheme)).map((scheme) => look(size, scheme, true));
    if (shot.length > 0 || !options.everySize) return shot;
    return [look(size, schemes.includes('light') ? 'light' : (schemes[0] ?? 'light'), false)];
  });
}

/**
 * Runs `body` at each look (viewport and color scheme set first), then puts the page back at large light unless
 * `restore` is false. Only the looks' changes are made: a look already in place is not set again.
 */
export async function forEachLook(page: Page, body: (look: Look) => Promise<void>, options: LookOptions = {}): Promise<void> {
  let current: { size?: SizeName; scheme?: Scheme } = {};
  for (const each of looksFor(options)) {
    if (current.size !== each.size) await page.setViewportSize({ width: each.width, height: each.height });
    if (current.scheme !== each.scheme) await page.emulateMedia({ colorScheme: each.scheme });
    current = { size: each.size, scheme: each.scheme };
    await body(each);
  }
  if (options.restore === false) return;
  if (current.size !== undefined && current.size !== 'large') await page.setViewportSize(WINDOW_SIZES.large);
  if (current.scheme !== undefined && current.scheme !== 'light') await page.emulateMedia({ colorScheme: 'light' });
}

export interface ShotPathOptions {
  /** How the size shows in the file name: `large|small` (default), the width (`1440|1024`), or not at all. */
  readonly size?: 'name' | 'width' | false;
}

/** `e2e/screenshots/<name>-<large|small>-<light|dark>.png` (or `<name>-<width>-<scheme>`, `<name>-<scheme>`). */
export function shotPath(name: string, look: Pick<Look, 'size' | 'width' | 'scheme'>, options: ShotPathOptions = {}): string {
  const size = options.size ?? 'name';
  const tag = size === 'name' ? `-${look.size}` : size === 'width' ? `-${look.width}` : '';
  return join(SCREENSHOTS, `${name}${tag}-${look.scheme}.png`);
}
