/**
 * The target conditions of the real deployments in the team's corpus (`manifests/`, a corpus run skipped with
 * one line when the corpus is absent, see shared/testing/corpus.test-util.ts) all parse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { corpus, describeCorpus } from '../testing/corpus.test-util.js';
import { matchesCondition, parseCondition } from './index.js';

describeCorpus('deployment target conditions in the corpus', () => {
  it('parse, and match a twin that carries their tags', () => {
    const dir = path.join(corpus.dir, 'manifests');
    const conditions = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => /"targetCondition"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(readFileSync(path.join(dir, f), 'utf8'))?.[1])
      .filter((c): c is string => c !== undefined)
      .map((c) => JSON.parse(`"${c}"`) as string);
    console.log(`target conditions in the corpus: ${conditions.length}`);
    expect(conditions.length).toBeGreaterThan(0);
    const twin = { deviceId: 'TO_REPLACE_DEVICE_ID', tags: { env: 'device100', iiot: true } };
    for (const text of conditions) {
      const parsed = parseCondition(text);
      expect(parsed.ok ? text : parsed.error.message).toBe(text);
      expect(parsed.ok && matchesCondition(parsed.value, twin)).toBe(true);
    }
  });
});
