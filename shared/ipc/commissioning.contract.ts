import { z } from 'zod';
import { defineContract } from './contract';
import { CheckInfo, CheckReport, CheckResult } from '../commissioning/check-model';

export { CheckInfo, CheckReport, CheckResult };

const DEVICE_ID = z.string().min(1).max(128);
/** An absolute folder path on the console's machine. */
const PATH = z.string().min(1).max(4096).refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'an absolute path');

export const EvidenceVerdict = z.object({
  ok: z.boolean(),
  reason: z.string().optional(),
  sha256: z.string().optional(),
  signedAt: z.string().optional(),
  signer: z.string().optional(),
  signedHere: z.boolean().optional(),
});

/**
 * Commissioning: the checks that prove a gateway healthy (`gatehouse check`, the Commissioning area).
 * A run gathers facts once, runs the checks (independent ones in parallel) and streams each result as it lands.
 *   idle --run--> running --(every check has a result)--> idle (the report is `last`)
 * A run asked for while one is running joins it (same runId).
 */
export const CheckRunInput = z
  .object({
    /** The device to check; default: this machine's runtime device. Another device is checked through the hub only. */
    device: DEVICE_ID.optional(),
    /** Wait for a message on each route into `$upstream` (default true). */
    endToEnd: z.boolean().optional(),
    /** How long the end-to-end checks wait for a message, in ms (default 30,000). */
    endToEndTimeoutMs: z.number().int().min(1000).max(600_000).optional(),
  })
  .strict();
export type CheckRunInput = z.infer<typeof CheckRunInput>;

export const CheckProgress = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('started'), runId: z.string(), total: z.number().int(), checks: z.array(CheckInfo) }),
  z.object({ phase: z.literal('result'), runId: z.string(), result: CheckResult, done: z.number().int(), total: z.number().int() }),
  z.object({ phase: z.literal('finished'), runId: z.string(), report: CheckReport }),
]);
export type CheckProgress = z.infer<typeof CheckProgress>;

export const commissioningContract = defineContract({
  name: 'commissioning',
  methods: {
    checks: { input: z.object({}).strict(), output: z.array(CheckInfo), summary: 'The check registry: ids, titles, groups and dependencies, in run order.' },
    run: {
      input: CheckRunInput,
      output: CheckReport,
      summary: 'Run every check against the gateway; resolves with the report (progress streams as `progress` events).',
    },
    last: { input: z.object({}).strict(), output: CheckReport.nullable(), summary: 'The last finished report of this console, if any.' },
    evidence: {
      input: z.object({ out: PATH.optional() }).strict(),
      output: z.object({ dir: z.string(), files: z.array(z.string()), sha256: z.string() }),
      summary:
        'Write the signed evidence report (evidence.html, evidence.json, evidence.json.sig) into a new folder (default: <data>/evidence/<device>-<time>); secrets redacted; never overwrites.',
    },
    evidenceHtml: {
      input: z.object({ dir: PATH }).strict(),
      output: z.object({ html: z.string(), verdict: EvidenceVerdict }),
      summary: 'The evidence.html of an evidence folder (to show and print), with the verdict on its signature.',
    },
    evidenceVerify: {
      input: z.object({ dir: PATH }).strict(),
      output: EvidenceVerdict,
      summary: 'Whether evidence.json is exactly what its signature signed, and whether this gateway’s edge CA signed it.',
    },
  },
  events: {
    progress: CheckProgress,
  },
});
