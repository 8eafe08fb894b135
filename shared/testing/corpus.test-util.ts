/**
 * The team's fixture corpus (real public manifests and routes, kept beside the repository in
 * `../shared/fixtures`, or where GATEHOUSE_CORPUS points) for the corpus runs. A fresh clone does not have
 * it: the corpus runs are then skipped with one printed line, unless GATEHOUSE_REQUIRE_CORPUS=1 (set by
 * `.ci/run`), which makes "corpus absent" a failure so CI can never lose them silently.
 *
 * vitest.config.ts locates the corpus once (locate-corpus.test-util.ts) and provides it to every test file;
 * this side has no Node imports, so renderer tests can use it too.
 */
import { describe, inject, it } from 'vitest';

export interface CorpusInfo {
  /** Absolute path of the corpus folder (holding `manifests/` and `routes.tsv`), whether it exists or not. */
  readonly dir: string;
  /** How the folder is named in messages: `../shared/fixtures`, or GATEHOUSE_CORPUS as given. */
  readonly shown: string;
  readonly present: boolean;
  /** GATEHOUSE_REQUIRE_CORPUS=1: an absent corpus fails instead of skipping. */
  readonly required: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    corpus: CorpusInfo;
  }
}

export const corpus: CorpusInfo = inject('corpus');

/** The message of a skipped corpus run. */
export const SKIPPED = `corpus runs skipped: ${corpus.shown} not found`;

/**
 * A describe block of corpus runs: run when the corpus is present; otherwise skipped with one printed line
 * (and one skipped test that carries the reason), or failed when the corpus is required. The body only runs
 * when the corpus is present, so it may read it freely.
 */
export function describeCorpus(title: string, body: () => void): void {
  if (corpus.present) {
    describe(title, body);
  } else if (corpus.required) {
    describe(title, () => {
      it('has the corpus', () => {
        throw new Error(`${corpus.shown} not found (${corpus.dir}), and GATEHOUSE_REQUIRE_CORPUS=1 requires the corpus runs`);
      });
    });
  } else {
    console.log(SKIPPED);
    describe.skip(title, () => {
      it(SKIPPED, () => undefined);
    });
  }
}
