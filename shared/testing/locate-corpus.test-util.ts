/**
 * Finds the fixture corpus for vitest.config.ts (which provides it to the tests, see corpus.test-util.ts):
 * GATEHOUSE_CORPUS when set (relative to the repository root), else `../shared/fixtures` beside the repository.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CorpusInfo } from './corpus.test-util';

export function locateCorpus(repoRoot: string, env: NodeJS.ProcessEnv = process.env): CorpusInfo {
  const given = env['GATEHOUSE_CORPUS']?.trim();
  const shown = given ? given : '../shared/fixtures';
  const dir = resolve(repoRoot, shown);
  const present = existsSync(join(dir, 'manifests')) && existsSync(join(dir, 'routes.tsv'));
  return { dir, shown, present, required: env['GATEHOUSE_REQUIRE_CORPUS'] === '1' };
}
