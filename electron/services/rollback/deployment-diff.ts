import { create } from 'jsondiffpatch';
import { format } from 'jsondiffpatch/formatters/jsonpatch';
import type { DiffOp } from '../../../shared/ipc/rollback.contract';

const differ = create({ arrays: { detectMove: false }, cloneDiffValues: true });

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The manifest as a reader compares it: createOptions strings (JSON in a string) opened up, so a diff names the option. */
function readable(text: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { text };
  }
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k === 'createOptions' && typeof v === 'string') {
          try {
            return [k, JSON.parse(v) as unknown];
          } catch {
            return [k, v];
          }
        }
        return [k, visit(v)];
      }),
    );
  };
  return visit(doc);
}

/** The change from one manifest text to the next, as JSON Patch operations (jsondiffpatch); [] when equal. */
export function deploymentDiff(before: string | undefined, after: string): DiffOp[] {
  const delta = differ.diff(before === undefined ? {} : readable(before), readable(after));
  return delta === undefined ? [] : (format(delta) as DiffOp[]);
}
