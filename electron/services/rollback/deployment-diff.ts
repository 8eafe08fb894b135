import type { DiffOp } from '../../../shared/ipc/rollback.contract';
import { readableManifest } from '../../../shared/commissioning/readable-manifest';
import { lazyModule } from '../../runtime/lazy-module';

// jsondiffpatch is required on the first diff, not when the CLI loads this module (most commands never diff).
const jsondiffpatch = lazyModule<typeof import('jsondiffpatch')>('jsondiffpatch');
const jsonpatch = lazyModule<typeof import('jsondiffpatch/formatters/jsonpatch')>('jsondiffpatch/formatters/jsonpatch');
let differ: ReturnType<typeof import('jsondiffpatch').create> | undefined;

/** The change from one manifest text to the next, as JSON Patch operations (jsondiffpatch); [] when equal. */
export function deploymentDiff(before: string | undefined, after: string): DiffOp[] {
  differ ??= jsondiffpatch().create({ arrays: { detectMove: false }, cloneDiffValues: true });
  const delta = differ.diff(before === undefined ? {} : readableManifest(before), readableManifest(after));
  return delta === undefined ? [] : (jsonpatch().format(delta) as DiffOp[]);
}
