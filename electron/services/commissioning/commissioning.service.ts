import { randomUUID } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKS, checkInfos, runChecks } from '../../../shared/commissioning/check-runner';
import type { CheckDef } from '../../../shared/commissioning/check-def';
import { CheckReport, countStatuses, type CheckResult } from '../../../shared/commissioning/check-model';
import { fail, ok, type Result } from '../../../shared/errors';
import { commissioningContract, type ContractImpl } from '../../../shared/ipc';
import type { CheckRunInput } from '../../../shared/ipc/commissioning.contract';
import { writeFileAtomic } from '../../runtime/atomic-file';
import type { EventBus } from '../../host/event-bus';
import { factSources, type CommissioningDeps } from './fact-sources';
import { verifyEvidence, writeEvidence, type EvidenceDeps, type EvidenceVerdict, type WrittenEvidence } from './evidence';

const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');

const DEFAULT_E2E_TIMEOUT_MS = 30_000;
const MAX_HTML_BYTES = 16 * 1024 * 1024;

/**
 * Runs the commissioning checks (shared/commissioning) over facts gathered from the console's services, streams
 * each result as a `commissioning.progress` event, and keeps the last report (in `<data>/commissioning/last-report.json`,
 * so a restarted console still shows it).
 *   idle --run--> running --> idle        a run asked for while one runs joins it
 */
export class CommissioningService implements ContractImpl<typeof commissioningContract> {
  private running: Promise<Result<CheckReport>> | undefined;
  private lastReport: CheckReport | null | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly deps: CommissioningDeps,
    private readonly events: Pick<EventBus, 'emit'> | undefined,
    private readonly checksToRun: readonly CheckDef[] = CHECKS,
    private readonly evidenceDeps?: EvidenceDeps,
  ) {}

  async checks() {
    return ok(checkInfos(this.checksToRun));
  }

  run(input: CheckRunInput): Promise<Result<CheckReport>> {
    this.running ??= this.runOnce(input).finally(() => (this.running = undefined));
    return this.running;
  }

  async last(): Promise<Result<CheckReport | null>> {
    if (this.lastReport === undefined) this.lastReport = await this.readLast();
    return ok(this.lastReport);
  }

  async evidence({ out }: { out?: string | undefined }): Promise<Result<WrittenEvidence>> {
    if (!this.evidenceDeps) return fail('UNSUPPORTED', 'This console cannot sign evidence (no edge CA).');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const dir = out ?? join(this.deps.dataDir, 'evidence', `${safeName(this.deps.deviceId)}-${stamp}`);
    return writeEvidence(this.evidenceDeps, dir);
  }

  async evidenceHtml({ dir }: { dir: string }): Promise<Result<{ html: string; verdict: EvidenceVerdict }>> {
    // Only a folder that holds signed evidence is read, and only its evidence.html.
    const verdict = await verifyEvidence(dir, this.evidenceDeps ? await this.evidenceDeps.trustedRoots() : []);
    if (!verdict.ok && /cannot read the evidence|not a folder/.test(verdict.reason ?? '')) return fail('NOT_FOUND', `${dir} holds no evidence report: ${verdict.reason ?? ''}`);
    try {
      const file = join(dir, 'evidence.html');
      if ((await stat(file)).size > MAX_HTML_BYTES) return fail('BAD_REQUEST', 'evidence.html is larger than 16 MiB');
      return ok({ html: await readFile(file, 'utf8'), verdict });
    } catch (error) {
      return fail('NOT_FOUND', `${dir} holds no evidence.html: ${(error as Error).message}`);
    }
  }

  async evidenceVerify({ dir }: { dir: string }): Promise<Result<EvidenceVerdict>> {
    return ok(await verifyEvidence(dir, this.evidenceDeps ? await this.evidenceDeps.trustedRoots() : []));
  }

  /**
   * A service over the same facts that runs only `checks`, sends no progress events and keeps its last report in
   * `dataDir`: background verdicts (last-known-good) that a user's run never joins and whose report is not the user's.
   */
  derive(checks: readonly CheckDef[], dataDir: string): CommissioningService {
    return new CommissioningService({ ...this.deps, dataDir }, undefined, checks);
  }

  dispose(): void {
    this.abort.abort();
  }

  private async runOnce(input: CheckRunInput): Promise<Result<CheckReport>> {
    const runId = randomUUID();
    const startedAt = new Date().toISOString();
    const deviceId = input.device ?? this.deps.deviceId;
    const infos = checkInfos(this.checksToRun);
    this.events?.emit(commissioningContract, 'progress', { phase: 'started', runId, total: infos.length, checks: infos });
    const sources = factSources(this.deps, {
      deviceId,
      endToEnd: input.endToEnd !== false,
      endToEndTimeoutMs: input.endToEndTimeoutMs ?? DEFAULT_E2E_TIMEOUT_MS,
      signal: this.abort.signal,
    });
    let done = 0;
    const checks: CheckResult[] = await runChecks(this.checksToRun, sources, {
      onResult: (results) => {
        done += 1;
        for (const result of results) this.events?.emit(commissioningContract, 'progress', { phase: 'result', runId, result, done, total: infos.length });
      },
    });
    const hub = this.deps.hubStatus();
    const counts = countStatuses(checks);
    const report: CheckReport = {
      runId,
      startedAt,
      finishedAt: new Date().toISOString(),
      target: { deviceId, runtime: deviceId === this.deps.deviceId ? 'local' : 'remote', ...(hub.state !== 'off' ? { hub: hub.hostName } : {}) },
      ok: counts.error === 0,
      counts,
      checks,
    };
    this.lastReport = report;
    await this.writeLast(report);
    this.events?.emit(commissioningContract, 'progress', { phase: 'finished', runId, report });
    return ok(report);
  }

  private get file(): string {
    return join(this.deps.dataDir, 'commissioning', 'last-report.json');
  }

  private async readLast(): Promise<CheckReport | null> {
    try {
      const parsed = CheckReport.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private async writeLast(report: CheckReport): Promise<void> {
    try {
      await mkdir(join(this.deps.dataDir, 'commissioning'), { recursive: true });
      await writeFileAtomic(this.file, `${JSON.stringify(report, null, 2)}\n`);
    } catch {
      // The report is still returned and shown; only a restarted console will not find it.
    }
  }
}
