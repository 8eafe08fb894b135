import { z } from 'zod';
import { CheckReport } from './check-model';

/**
 * The commissioning evidence report (`evidence.json`; `evidence.html` shows the same content): what ran on the
 * gateway, how it was judged, and what it sent, when and by whom. Every secret is redacted before it is written.
 * `evidence.json.sig` signs the exact bytes of `evidence.json` with the local edge CA's key.
 */
export const EVIDENCE_FORMAT = 'gatehouse-evidence/1';

const Module = z.object({
  name: z.string(),
  image: z.string(),
  /** The image's id on this engine and its registry digests (empty for an image built or loaded here). */
  imageId: z.string().optional(),
  digests: z.array(z.string()),
  desiredStatus: z.string(),
  runtimeStatus: z.string(),
  restartCount: z.number().int(),
  startedAt: z.string().optional(),
});

export const Evidence = z.object({
  format: z.literal(EVIDENCE_FORMAT),
  generatedAt: z.string(),
  generatedBy: z.object({ user: z.string(), host: z.string() }),
  gatehouse: z.object({ version: z.string() }),
  device: z.object({ deviceId: z.string(), hub: z.object({ hostName: z.string(), kind: z.string() }).nullable() }),
  manifest: z
    .object({
      /** SHA-256 (hex) of the deployment exactly as applied, before redaction: compare with the approved file. */
      sha256: z.string(),
      version: z.number().int(),
      appliedAt: z.string().optional(),
      /** The deployment, redacted. */
      text: z.string(),
    })
    .nullable(),
  modules: z.array(Module),
  checks: CheckReport.nullable(),
  reported: z.object({ edgeAgent: z.unknown(), edgeHub: z.unknown() }),
  routes: z.array(z.object({ name: z.string(), text: z.string(), priority: z.number(), ttlSecs: z.number(), endpoint: z.string() })),
  deployments: z.array(z.object({ id: z.string(), priority: z.number().optional(), targetCondition: z.string().optional(), metrics: z.record(z.string(), z.unknown()) })),
  telemetry: z.object({
    /** Per-second totals of routed messages over the last minutes (the rates chart). */
    rates: z.array(z.object({ at: z.string(), total: z.number() })),
    /** The last messages the edge hub routed (sampled, bodies cut, redacted). */
    messages: z.array(z.object({ at: z.string(), from: z.string(), routes: z.array(z.string()), body: z.string() })),
  }),
  logs: z.array(z.object({ module: z.string(), lines: z.array(z.string()) })),
  redaction: z.object({ knownSecrets: z.number().int(), note: z.string() }),
});
export type Evidence = z.infer<typeof Evidence>;

export const EvidenceSignature = z.object({
  format: z.literal('gatehouse-evidence-signature/1'),
  file: z.literal('evidence.json'),
  algorithm: z.literal('RSASSA-PKCS1-v1_5-SHA256'),
  /** SHA-256 (hex) of evidence.json as signed: tells "changed" from "signed by another key". */
  sha256: z.string(),
  signature: z.string(),
  /** The edge CA certificate whose key signed, and the root that issued it. */
  certificate: z.string(),
  root: z.string(),
  signedAt: z.string(),
});
export type EvidenceSignature = z.infer<typeof EvidenceSignature>;
