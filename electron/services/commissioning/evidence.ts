import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { CheckReport } from '../../../shared/commissioning/check-model';
import { Evidence, EVIDENCE_FORMAT, EvidenceSignature } from '../../../shared/commissioning/evidence-model';
import type { Redactor } from '../../../shared/commissioning/redact';
import { fail, ok, type Result } from '../../../shared/errors';
import type { HubRates, RouteConfigStatus, TappedMessage } from '../../../shared/ipc/edgehub.contract';
import type { LogLine, RuntimeSnapshot } from '../../../shared/ipc/runtime.contract';
import type { HubStatus } from '../../../shared/ipc/status.contract';
import { evidenceHtml } from './evidence-html';

/** What signs: the local edge CA (electron/runtime/workload/edge-ca.ts `sign`). */
export interface EvidenceSigner {
  sign(data: Uint8Array): Promise<{ algorithm: 'RSASSA-PKCS1-v1_5-SHA256'; signature: Buffer; certificatePem: string; rootPem: string }>;
}

export interface EvidenceDeps {
  readonly deviceId: string;
  readonly version: string;
  readonly user: () => string;
  /** The console's contract methods (`runtime.status`, `edgehub.routes`, …): the evidence reads what the UI reads. */
  readonly invoke: (method: string, params: unknown) => Promise<Result<unknown>>;
  readonly hubStatus: () => HubStatus;
  readonly appliedDeployment: () => { text: string; version: number; appliedAt?: string } | undefined;
  readonly lastChecks: () => Promise<CheckReport | null>;
  readonly imageDetails: (image: string) => Promise<{ id: string; digests: string[] } | undefined>;
  readonly recentMessages: () => readonly TappedMessage[];
  readonly rateHistory: () => readonly HubRates[];
  readonly redactor: () => Promise<Redactor>;
  readonly signer: () => Promise<Result<EvidenceSigner>>;
  /** Roots this machine trusts to have signed evidence (its own edge CA), for `verify`. */
  readonly trustedRoots: () => Promise<readonly string[]>;
}

const FILES = ['evidence.json', 'evidence.html', 'evidence.json.sig'] as const;
const LOG_LINES = 40;
const MESSAGE_SAMPLE = 20;
const BODY_CUT = 2048;

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

async function value<T>(deps: EvidenceDeps, method: string, params: unknown = {}): Promise<T | undefined> {
  const result = await deps.invoke(method, params);
  return result.ok ? (result.value as T) : undefined;
}

/** Gathers the evidence, redacted (no I/O beyond reading the console's state). */
export async function gatherEvidence(deps: EvidenceDeps): Promise<Evidence> {
  const redactor = await deps.redactor();
  const applied = deps.appliedDeployment();
  const [snapshot, agentReported, hubReported, routes, deployments, checks] = await Promise.all([
    value<RuntimeSnapshot>(deps, 'runtime.status'),
    value<Record<string, unknown>>(deps, 'runtime.reported'),
    value<Record<string, unknown>>(deps, 'edgehub.reported'),
    value<RouteConfigStatus>(deps, 'edgehub.routes'),
    value<Record<string, unknown>[]>(deps, 'cloud.deploymentList'),
    deps.lastChecks(),
  ]);
  const modules = await Promise.all(
    (snapshot?.modules ?? []).map(async (m) => {
      const image = await deps.imageDetails(m.image);
      return {
        name: m.name,
        image: m.image,
        ...(image ? { imageId: image.id } : {}),
        digests: image?.digests ?? [],
        desiredStatus: m.desiredStatus,
        runtimeStatus: m.runtimeStatus,
        restartCount: m.restartCount,
        ...(m.startedAt ? { startedAt: m.startedAt } : {}),
      };
    }),
  );
  const logs = await Promise.all(
    (snapshot?.modules ?? []).map(async (m) => {
      const result = await value<{ lines: LogLine[] }>(deps, 'runtime.logs', { name: m.name, tail: LOG_LINES });
      return { module: m.name, lines: (result?.lines ?? []).map((l) => redactor.text(`${l.timestamp ? `${l.timestamp} ` : ''}${l.line}`)) };
    }),
  );
  const hub = deps.hubStatus();
  const evidence: Evidence = {
    format: EVIDENCE_FORMAT,
    generatedAt: new Date().toISOString(),
    generatedBy: { user: deps.user(), host: hostname() },
    gatehouse: { version: deps.version },
    device: { deviceId: deps.deviceId, hub: hub.state === 'off' ? null : { hostName: hub.hostName, kind: hub.kind } },
    manifest: applied ? { sha256: sha256(applied.text), version: applied.version, ...(applied.appliedAt ? { appliedAt: applied.appliedAt } : {}), text: redactor.text(prettyJson(applied.text)) } : null,
    modules,
    checks: checks ? redactor.json(checks) : null,
    reported: { edgeAgent: redactor.json(agentReported ?? null), edgeHub: redactor.json(hubReported ?? null) },
    routes: (routes?.routes ?? []).map((r) => ({ name: r.name, text: redactor.text(r.text), priority: r.priority, ttlSecs: r.ttlSecs, endpoint: r.endpoint })),
    deployments: (deployments ?? [])
      .filter((d) => typeof d.id === 'string')
      .map((d) => ({
        id: String(d.id),
        ...(typeof d.priority === 'number' ? { priority: d.priority } : {}),
        ...(typeof d.targetCondition === 'string' ? { targetCondition: d.targetCondition } : {}),
        metrics: redactor.json({ systemMetrics: (d.systemMetrics as { results?: unknown } | undefined)?.results ?? {}, metrics: (d.metrics as { results?: unknown } | undefined)?.results ?? {} }),
      })),
    telemetry: {
      rates: deps.rateHistory().map((r) => ({ at: r.at, total: Object.values(r.bySource).reduce((n, v) => n + v, 0) })),
      messages: deps
        .recentMessages()
        .slice(-MESSAGE_SAMPLE)
        .map((m) => ({ at: m.at, from: m.moduleId ? `${m.moduleId}${m.output ? `/${m.output}` : ''}` : m.deviceId, routes: m.routes, body: redactor.text(m.bodyEncoding === 'utf8' ? m.body.slice(0, BODY_CUT) : `(binary, ${m.bodyBytes} bytes)`) })),
    },
    logs,
    redaction: {
      knownSecrets: redactor.size,
      note: `Redacted before writing: ${redactor.size} known secret values (manifest, identities, hub connections) wherever they appear, and anything shaped like a key, token, connection string or private key.`,
    },
  };
  return evidence;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export interface WrittenEvidence {
  readonly dir: string;
  readonly files: string[];
  readonly sha256: string;
}

/** Writes evidence.json, evidence.html and evidence.json.sig into `dir` (created; refused when it holds evidence already). */
export async function writeEvidence(deps: EvidenceDeps, dir: string): Promise<Result<WrittenEvidence>> {
  const existing = await readdir(dir).catch(() => [] as string[]);
  const clash = FILES.filter((f) => existing.includes(f));
  if (clash.length > 0) return fail('CONFLICT', `${dir} already holds ${clash.join(', ')}: evidence is never overwritten; choose a new folder`);
  const signer = await deps.signer();
  if (!signer.ok) return signer;
  const evidence = await gatherEvidence(deps);
  const json = `${JSON.stringify(evidence, null, 2)}\n`;
  const bytes = Buffer.from(json, 'utf8');
  const digest = sha256(bytes);
  const signed = await signer.value.sign(bytes);
  const signature: EvidenceSignature = {
    format: 'gatehouse-evidence-signature/1',
    file: 'evidence.json',
    algorithm: signed.algorithm,
    sha256: digest,
    signature: signed.signature.toString('base64'),
    certificate: signed.certificatePem,
    root: signed.rootPem,
    signedAt: new Date().toISOString(),
  };
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'evidence.json'), bytes, { flag: 'wx' });
    await writeFile(join(dir, 'evidence.html'), evidenceHtml(evidence, digest), { flag: 'wx' });
    await writeFile(join(dir, 'evidence.json.sig'), `${JSON.stringify(signature, null, 2)}\n`, { flag: 'wx' });
  } catch (error) {
    return fail('IO', `cannot write the evidence into ${dir}: ${(error as Error).message}`);
  }
  return ok({ dir, files: [...FILES], sha256: digest });
}

export interface EvidenceVerdict {
  readonly ok: boolean;
  /** Why not, in words (a changed file, a bad signature, an unknown signer). */
  readonly reason?: string;
  readonly sha256?: string;
  readonly signedAt?: string;
  readonly signer?: string;
  /** The signer's root is this machine's edge CA. */
  readonly signedHere?: boolean;
}

/** Checks that evidence.json is exactly what was signed, with a certificate its root issued. */
export async function verifyEvidence(dir: string, trustedRoots: readonly string[] = []): Promise<EvidenceVerdict> {
  let json: Buffer;
  let sigText: string;
  try {
    if (!(await stat(dir)).isDirectory()) return { ok: false, reason: `${dir} is not a folder` };
    json = await readFile(join(dir, 'evidence.json'));
    sigText = await readFile(join(dir, 'evidence.json.sig'), 'utf8');
  } catch (error) {
    return { ok: false, reason: `cannot read the evidence: ${(error as Error).message}` };
  }
  let sig: EvidenceSignature;
  try {
    const parsed = EvidenceSignature.safeParse(JSON.parse(sigText));
    if (!parsed.success) return { ok: false, reason: 'evidence.json.sig is not a Gatehouse evidence signature' };
    sig = parsed.data;
  } catch {
    return { ok: false, reason: 'evidence.json.sig is not JSON' };
  }
  const digest = sha256(json);
  let certificate: X509Certificate;
  let root: X509Certificate;
  try {
    certificate = new X509Certificate(sig.certificate);
    root = new X509Certificate(sig.root);
  } catch {
    return { ok: false, reason: 'the signature file holds no readable certificate' };
  }
  if (!certificate.verify(root.publicKey)) return { ok: false, reason: 'the signing certificate was not issued by the root in the signature file' };
  const valid = verifySignature('sha256', json, certificate.publicKey, Buffer.from(sig.signature, 'base64'));
  if (!valid) {
    return {
      ok: false,
      reason: digest !== sig.sha256 ? `evidence.json changed after it was signed (SHA-256 ${digest}, signed ${sig.sha256})` : 'the signature does not match evidence.json',
      sha256: digest,
    };
  }
  const parsed = Evidence.safeParse(JSON.parse(json.toString('utf8')));
  if (!parsed.success) return { ok: false, reason: 'evidence.json is signed but is not Gatehouse evidence' };
  const signedHere = trustedRoots.some((pem) => {
    try {
      return new X509Certificate(pem).fingerprint256 === root.fingerprint256;
    } catch {
      return false;
    }
  });
  return { ok: true, sha256: digest, signedAt: sig.signedAt, signer: certificate.subject.replace(/\n/g, ', '), signedHere };
}
