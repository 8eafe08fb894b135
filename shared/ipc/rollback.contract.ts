import { z } from 'zod';
import { defineContract } from './contract';

/**
 * Last-known-good and rollback (issue 13). Every deployment the runtime applies is watched for a window (60 s by
 * default): it is **good** when the runtime and end-to-end checks pass at the end of the window, **bad** when they do
 * not (or a module crash-loops before), naming the failing checks. `rollback` re-applies the last good deployment
 * (or the one named) through the same path as `runtime.apply`, or through the hub (set-modules) when the cloud
 * drives the runtime. History is kept in `<data>/commissioning/deployments.json`.
 */

export const DeploymentVerdict = z.enum(['pending', 'good', 'bad']);
export type DeploymentVerdict = z.infer<typeof DeploymentVerdict>;

export const DeploymentImage = z.object({
  module: z.string(),
  image: z.string(),
  /** Docker image id (sha256:…), when the engine has the image. */
  id: z.string().optional(),
  digests: z.array(z.string()),
});
export type DeploymentImage = z.infer<typeof DeploymentImage>;

/** A check that made (or keeps) a deployment bad. */
export const FailedCheck = z.object({ id: z.string(), title: z.string(), status: z.string(), detail: z.string() });
export type FailedCheck = z.infer<typeof FailedCheck>;

/** How a deployment came to be applied: an apply, or a rollback (by hand, or automatic). */
export const DeploymentOrigin = z.enum(['apply', 'rollback', 'auto-rollback']);
export type DeploymentOrigin = z.infer<typeof DeploymentOrigin>;

export const DeploymentRecord = z.object({
  /** `v<agent version>`. */
  id: z.string(),
  version: z.number().int().nonnegative(),
  /** When the hub drives the runtime: the `$edgeAgent` desired `$version` this deployment was built from. */
  cloudVersion: z.number().int().optional(),
  appliedAt: z.string(),
  /** SHA-256 of the manifest text as applied. */
  sha256: z.string(),
  text: z.string(),
  images: z.array(DeploymentImage),
  verdict: DeploymentVerdict,
  /** When the verdict was reached. */
  judgedAt: z.string().optional(),
  failed: z.array(FailedCheck),
  /** Every watched check's last status (runtime.* and e2e.route). */
  checks: z.array(z.object({ id: z.string(), status: z.string() })),
  origin: DeploymentOrigin,
  /** For a rollback: the deployment whose content was re-applied, and the one rolled back from. */
  restores: z.string().optional(),
  rolledBackFrom: z.string().optional(),
  /** For a rollback: re-applied on this runtime, or sent to the hub (set-modules) that drives it. */
  via: z.enum(['local', 'hub']).optional(),
  /** A newer apply came before the window ended; the verdict stays pending for good. */
  superseded: z.boolean().optional(),
});
export type DeploymentRecord = z.infer<typeof DeploymentRecord>;

/** One JSON Patch operation (RFC 6902) from the previous deployment to this one. */
export const DiffOp = z.object({ op: z.string(), path: z.string(), from: z.string().optional(), value: z.unknown().optional() });
export type DiffOp = z.infer<typeof DiffOp>;

export const HistoryEntry = DeploymentRecord.extend({
  /** Id of the deployment before this one, and the change from it (jsondiffpatch, as JSON Patch); null for the first. */
  previous: z.string().nullable(),
  diff: z.array(DiffOp),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const RollbackState = z.object({
  /** Automatic rollback of a bad deployment to the last known good (setting, or GATEHOUSE_AUTO_ROLLBACK=1). */
  auto: z.boolean(),
  windowMs: z.number().int().positive(),
  /** The deployment being watched now, and until when. */
  watching: z.object({ id: z.string(), until: z.string() }).nullable(),
  lastKnownGood: z.string().nullable(),
  /** The newest deployment, when it is bad: the console offers the rollback. */
  bad: z.object({ id: z.string(), failed: z.array(FailedCheck) }).nullable(),
  /** The last rollback made, in words: "Rolled back automatically from v5 to v3 at …". */
  lastRollback: z.object({ from: z.string().nullable(), to: z.string(), at: z.string(), automatic: z.boolean(), via: z.enum(['local', 'hub']), message: z.string() }).nullable(),
});
export type RollbackState = z.infer<typeof RollbackState>;

export const RollbackResult = z.object({
  from: z.string().nullable(),
  to: z.string(),
  /** The agent's version of the re-applied deployment (local), or the hub device it was sent to. */
  version: z.number().int().optional(),
  via: z.enum(['local', 'hub']),
  message: z.string(),
});
export type RollbackResult = z.infer<typeof RollbackResult>;

export const rollbackContract = defineContract({
  name: 'rollback',
  methods: {
    history: {
      input: z.object({}).strict(),
      output: z.array(HistoryEntry),
      summary: 'Every applied deployment, newest first, with its verdict (pending, good, bad: which checks failed) and the change from the one before.',
    },
    rollback: {
      input: z.object({ to: z.string().min(1).max(64).optional() }).strict(),
      output: RollbackResult,
      summary: 'Re-apply the last known good deployment (or the one named, v<version>), locally or through the hub when the cloud drives the runtime.',
    },
    state: { input: z.object({}).strict(), output: RollbackState, summary: 'Automatic rollback on or off, the deployment being watched, the last known good, the last rollback.' },
    setAuto: { input: z.object({ auto: z.boolean() }).strict(), output: RollbackState, summary: 'Turn automatic rollback of a bad deployment on or off.' },
  },
  events: {
    changed: RollbackState,
  },
});
