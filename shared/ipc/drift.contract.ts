import { z } from 'zod';
import { defineContract } from './contract';

/**
 * Drift (issue 13): an engineer approves a deployment (a manifest file, or what the device runs now); drift compares
 * the approved deployment ↔ the device's desired state ↔ what runs, module by module and field by field
 * (shared/commissioning/drift.ts).
 */

export const DriftVerdict = z.enum(['in-sync', 'desired-differs', 'running-differs', 'missing', 'extra']);

export const DriftFieldResult = z.object({
  field: z.enum(['image', 'env', 'createOptions', 'status', 'version', 'routes']),
  approved: z.unknown().optional(),
  desired: z.unknown().optional(),
  running: z.unknown().optional(),
  verdict: DriftVerdict,
});

export const DriftModuleResult = z.object({
  name: z.string(),
  presence: z.object({ approved: z.boolean(), desired: z.boolean(), running: z.boolean() }),
  verdict: DriftVerdict,
  fields: z.array(DriftFieldResult),
  /** What Docker says of the running container's image (shown, not compared). */
  imageId: z.string().optional(),
  digests: z.array(z.string()).optional(),
});
export type DriftModuleResult = z.infer<typeof DriftModuleResult>;

/** The approved deployment: its manifest text, SHA-256 (hex, of the text), who approved it, when and from what. */
export const ApprovedDeployment = z.object({
  text: z.string(),
  sha256: z.string(),
  approvedBy: z.string(),
  approvedAt: z.string(),
  source: z.discriminatedUnion('kind', [z.object({ kind: z.literal('running'), version: z.number().int().optional() }), z.object({ kind: z.literal('file'), path: z.string() })]),
});
export type ApprovedDeployment = z.infer<typeof ApprovedDeployment>;

export const DriftReport = z.object({
  /** True when any module is not in sync (or nothing is approved). */
  drifted: z.boolean(),
  approved: ApprovedDeployment.omit({ text: true }).nullable(),
  /**
   * Where the desired state came from: the local runtime's applied deployment (`local-runtime`, or `cloud` when the
   * hub's deployment drives it; its version), a device's `$edgeAgent`/`$edgeHub` twins read through the hub (`hub`,
   * the `$edgeAgent` desired `$version`), or none.
   */
  desired: z.object({ source: z.enum(['local-runtime', 'cloud', 'hub', 'none']), version: z.number().int().optional(), deviceId: z.string().optional() }),
  modules: z.array(DriftModuleResult),
  /** Sentences on what could not be read (a module's container, the edge hub's routes). */
  notes: z.array(z.string()),
  at: z.string(),
});
export type DriftReport = z.infer<typeof DriftReport>;

export const DriftApproveInput = z.union([
  z.object({ from: z.literal('running') }).strict(),
  /** An absolute path of a deployment manifest on the console's machine. */
  z.object({ path: z.string().min(1).max(4096) }).strict(),
  /** A deployment manifest of the workspace open in the console, by its path in the workspace (as the UI lists it). */
  z.object({ workspacePath: z.string().min(1).max(4096) }).strict(),
]);
export type DriftApproveInput = z.infer<typeof DriftApproveInput>;

export const driftContract = defineContract({
  name: 'drift',
  methods: {
    approve: {
      input: DriftApproveInput,
      output: ApprovedDeployment.omit({ text: true }),
      summary: 'Mark a deployment approved: a manifest file, a manifest of the open workspace, or what the device runs now (its applied deployment); kept sealed in <data>/commissioning/approved.json.',
    },
    approved: { input: z.object({}).strict(), output: z.object({ approved: ApprovedDeployment.nullable() }), summary: 'The approved deployment, if any.' },
    drift: {
      /**
       * `deviceId`: compare a device through the hub (its `$edgeAgent`/`$edgeHub` desired properties, and what its
       * edge agent reports as running) instead of this machine's runtime and engine.
       */
      input: z.object({ deviceId: z.string().min(1).max(128).optional() }).strict(),
      output: DriftReport,
      summary: 'Compare the approved deployment, the desired state on the device and what runs, module by module and field by field.',
    },
  },
  events: {},
});
