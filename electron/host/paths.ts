import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the built renderer is. Bundles live in dist/ (cli.mjs) and dist/electron/ (main.cjs); the renderer is
 * dist/renderer. GATEHOUSE_RENDERER_DIR overrides it.
 */
export function rendererDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GATEHOUSE_RENDERER_DIR) return resolve(env.GATEHOUSE_RENDERER_DIR);
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, 'renderer'), join(here, '..', 'renderer'), join(here, '..', '..', 'dist', 'renderer')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return join(here, 'renderer');
}
