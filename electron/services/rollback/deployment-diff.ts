import { create } from 'jsondiffpatch';
import { format } from 'jsondiffpatch/formatters/jsonpatch';
import type { DiffOp } from '../../../shared/ipc/rollback.contract';
import { readableManifest } from '../../../shared/commissioning/readable-manifest';

const differ = create({ arrays: { detectMove: false }, cloneDiffValues: true });

/** The change from one manifest text to the next, as JSON Patch operations (jsondiffpatch); [] when equal. */
export function deploymentDiff(before: string | undefined, after: string): DiffOp[] {
  const delta = differ.diff(before === undefined ? {} : readableManifest(before), readableManifest(after));
  return delta === undefined ? [] : (format(delta) as DiffOp[]);
}
