import { z } from 'zod';
import { defineContract } from './contract';

/**
 * The support bundle (`gatehouse support-bundle`, like `iotedge support-bundle`): one zip with the runtime's and the
 * modules' logs, `docker inspect` of the agent's own containers, the applied manifest, reported properties, the last
 * check report, versions and outbox statistics, every secret redacted. Written by the console to a path on its
 * machine; an existing file is never overwritten (CONFLICT) and the folder must exist (NOT_FOUND).
 */

/** How far back the logs go: a duration (`90s`, `30m`, `1h`, `2d`) or an ISO 8601 time. */
export const SupportSince = z
  .string()
  .max(64)
  .refine((s) => /^\d+(?:\.\d+)?\s*[smhd]$/i.test(s.trim()) || (/^\d{4}-\d{2}-\d{2}/.test(s.trim()) && !Number.isNaN(Date.parse(s))), {
    message: 'a duration such as 30m, 1h or 2d, or an ISO 8601 time',
  });

export const SupportBundleInput = z
  .object({
    /** Default: 1h. */
    since: SupportSince.optional(),
    /** An absolute path of a .zip file that does not exist yet, in a folder that does. */
    out: z.string().min(1).max(4096),
  })
  .strict();
export type SupportBundleInput = z.infer<typeof SupportBundleInput>;

export const SupportBundleResult = z.object({
  path: z.string(),
  /** Files in the archive (manifest.json and README.txt included). */
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type SupportBundleResult = z.infer<typeof SupportBundleResult>;

/** One step of a bundle being built: `done` of `total` parts collected, then `written` with the result. */
export const SupportProgress = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('collecting'), bundleId: z.string(), step: z.string(), done: z.number().int(), total: z.number().int() }),
  z.object({ phase: z.literal('written'), bundleId: z.string(), result: SupportBundleResult }),
]);
export type SupportProgress = z.infer<typeof SupportProgress>;

export const supportContract = defineContract({
  name: 'support',
  methods: {
    bundle: {
      input: SupportBundleInput,
      output: SupportBundleResult,
      summary: 'Write a support bundle (logs, inspect, manifest, reported properties, checks, versions, outbox; secrets redacted) to a new zip file.',
    },
  },
  events: {
    progress: SupportProgress,
  },
});
