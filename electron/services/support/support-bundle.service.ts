import { randomUUID } from 'node:crypto';
import { MASK, type Redactor } from '../../../shared/commissioning/redact';
import { appError, err, ok, type Result } from '../../../shared/errors';
import { supportContract, type SupportBundleInput, type SupportBundleResult, type SupportProgress } from '../../../shared/ipc/support.contract';
import type { ContractImpl } from '../../../shared/ipc/contract';
import type { LogLine } from '../../../shared/ipc/runtime.contract';
import type { EventBus } from '../../host/event-bus';
import { checkOutPath, writeZip, type BundleEntry } from './bundle-writer';
import type { KnownSecrets } from './known-secrets';
import { parseSince } from './since';

/**
 * Builds a support bundle: collects each part (versions, the applied manifest, reported properties, runtime status,
 * the last check report, outbox statistics, and each of the agent's own containers' logs and `docker inspect`),
 * redacts every file with the known secrets (by value) and the redactor's patterns, and writes one zip with
 * `manifest.json` and `README.txt` saying what is inside and what could not be collected. Progress is pushed as
 * `support.progress` events.
 */

export interface SupportContainer {
  /** The module name. */
  readonly name: string;
  readonly containerId: string;
}

export interface SupportBundleDeps {
  /** The secrets known now (read again for every bundle: keys rotate, hubs are added). */
  readonly knownSecrets: () => Promise<KnownSecrets>;
  /** Another contract's method through the dispatcher (app.getInfo, runtime.reported, edgehub.outbox, ...). */
  readonly call: (method: string, input: unknown) => Promise<Result<unknown>>;
  /** The manifest the agent applied (its persisted deployment). */
  readonly appliedDeployment: () => { readonly text: string; readonly version: number } | undefined;
  /** The agent's own containers (its instance label), not every container on the engine. */
  readonly containers: () => readonly SupportContainer[];
  /** `docker inspect` of a container, as the engine answers. */
  readonly inspect: (containerId: string) => Promise<Result<unknown>>;
  /** A container's log lines since a time (not followed). */
  readonly logs: (containerId: string, since: Date) => Promise<Result<AsyncIterable<LogLine>>>;
  /** The console's own log (the agent, the edge hub, the hubs) since a time, newest `maxLines`; undefined when none. */
  readonly runtimeLog?: (since: Date, maxLines: number) => { readonly lines: readonly string[]; readonly dropped: number } | undefined;
  readonly now?: () => number;
}

/** Lines kept per module log (the newest); older ones are dropped with a note. */
const MAX_LOG_LINES = 200_000;

/** The parts read through other contracts: file in the zip, the method, and what it is. */
const CONTRACT_PARTS: readonly { file: string; method: string; what: string }[] = [
  { file: 'versions.json', method: 'app.getInfo', what: 'Gatehouse, Node.js, Docker engine and library versions; platform and runtime settings' },
  { file: 'runtime/status.json', method: 'runtime.status', what: 'the local runtime: modules, their state, restart counts and versions' },
  { file: 'reported/edgeAgent.json', method: 'runtime.reported', what: '$edgeAgent reported properties, as the agent builds them' },
  { file: 'reported/edgeHub.json', method: 'edgehub.reported', what: '$edgeHub reported properties, from the edge hub' },
  { file: 'edgehub/outbox.json', method: 'edgehub.outbox', what: 'outbox statistics: per-endpoint queue depth, oldest message age, upstream link' },
  { file: 'checks/last-report.json', method: 'commissioning.last', what: 'the last commissioning check report (gatehouse check)' },
];

interface FileInfo {
  readonly name: string;
  readonly what: string;
  readonly bytes: number;
}

export class SupportBundleService implements ContractImpl<typeof supportContract> {
  constructor(
    private readonly deps: SupportBundleDeps,
    private readonly events: EventBus,
  ) {}

  async bundle(input: SupportBundleInput): Promise<Result<SupportBundleResult>> {
    const now = this.deps.now?.() ?? Date.now();
    const since = parseSince(input.since, now);
    if (!since.ok) return since;
    const out = await checkOutPath(input.out);
    if (!out.ok) return out;

    const bundleId = randomUUID();
    const containers = this.deps.containers();
    const total = 3 + CONTRACT_PARTS.length + 2 * containers.length + 1;
    let done = 0;
    const step = (name: string) => this.events.emit(supportContract, 'progress', { phase: 'collecting', bundleId, step: name, done: done++, total } satisfies SupportProgress);

    step('known secrets');
    const secrets = await this.deps.knownSecrets();
    const redactor = secrets.redactor();
    const files: BundleEntry[] = [];
    const index: FileInfo[] = [];
    const missing: { part: string; reason: string }[] = [];
    const put = (name: string, what: string, text: string) => {
      const safe = redactor.text(text);
      files.push({ name, text: safe });
      index.push({ name, what, bytes: Buffer.byteLength(safe) });
    };
    const putJson = (name: string, what: string, value: unknown) => put(name, what, `${JSON.stringify(redactor.json(value), null, 2)}\n`);

    step('applied manifest');
    const applied = this.deps.appliedDeployment();
    if (applied) put('manifest/deployment.json', `the applied deployment manifest (version ${applied.version})`, manifestText(applied.text, redactor));
    else missing.push({ part: 'manifest/deployment.json', reason: 'no deployment is applied on this runtime' });

    for (const part of CONTRACT_PARTS) {
      step(part.file);
      const value = await this.deps.call(part.method, {}).catch((e: unknown) => err(appError('INTERNAL', (e as Error).message)));
      if (!value.ok) missing.push({ part: part.file, reason: `${part.method}: ${value.error.message}` });
      else if (value.value === null) missing.push({ part: part.file, reason: 'none yet' });
      else putJson(part.file, part.what, value.value);
    }

    for (const container of containers) {
      const folder = `modules/${safeName(container.name)}`;
      step(`${folder}/inspect.json`);
      const inspected = await this.deps.inspect(container.containerId);
      if (inspected.ok) putJson(`${folder}/inspect.json`, `docker inspect of module ${container.name}'s container`, inspected.value);
      else missing.push({ part: `${folder}/inspect.json`, reason: inspected.error.message });
      step(`${folder}/logs.txt`);
      const logs = await this.readLogs(container.containerId, since.value);
      if (logs.ok) put(`${folder}/logs.txt`, `module ${container.name}'s log since ${since.value.toISOString()}`, logs.value);
      else missing.push({ part: `${folder}/logs.txt`, reason: logs.error.message });
    }

    step('runtime/runtime.log');
    const runtimeLog = this.deps.runtimeLog?.(since.value, MAX_LOG_LINES);
    if (runtimeLog) {
      const dropped = runtimeLog.dropped ? [`[gatehouse: ${runtimeLog.dropped} older lines dropped; the newest ${MAX_LOG_LINES} are kept]`] : [];
      put('runtime/runtime.log', `the console's runtime log (agent, edge hub, hubs) since ${since.value.toISOString()}`, [...dropped, ...runtimeLog.lines].map((l) => `${l}\n`).join(''));
    } else missing.push({ part: 'runtime/runtime.log', reason: 'this console has written no runtime log yet' });

    step('writing');
    const createdAt = new Date(now).toISOString();
    const readme = readmeText(createdAt, since.value.toISOString(), index, missing);
    put('README.txt', 'what this bundle holds, in words', readme);
    const manifest = {
      kind: 'gatehouse-support-bundle',
      version: 1,
      createdAt,
      since: since.value.toISOString(),
      files: index,
      missing,
      redaction: {
        mask: MASK,
        note: 'Every file was redacted: secret-shaped values by pattern, and every known secret value wherever it appears',
        knownSecrets: secrets.counts,
        unavailable: secrets.unavailable,
      },
    };
    files.unshift({ name: 'manifest.json', text: redactor.text(`${JSON.stringify(manifest, null, 2)}\n`) });
    const written = await writeZip(out.value, files, new Date(now));
    if (!written.ok) return written;
    const result: SupportBundleResult = { path: out.value, files: files.length, bytes: written.value.bytes };
    this.events.emit(supportContract, 'progress', { phase: 'written', bundleId, result });
    return ok(result);
  }

  private async readLogs(containerId: string, since: Date): Promise<Result<string>> {
    const stream = await this.deps.logs(containerId, since);
    if (!stream.ok) return stream;
    const lines: string[] = [];
    let dropped = 0;
    try {
      for await (const l of stream.value) {
        lines.push(`${l.timestamp ?? ''} ${l.stream} ${l.line}`.trimStart());
        // Trimmed in batches, not a shift per line.
        if (lines.length >= 2 * MAX_LOG_LINES) dropped += lines.splice(0, lines.length - MAX_LOG_LINES).length;
      }
    } catch (error) {
      lines.push(`[gatehouse: the log stream ended with an error: ${(error as Error).message}]`);
    }
    if (lines.length > MAX_LOG_LINES) dropped += lines.splice(0, lines.length - MAX_LOG_LINES).length;
    if (dropped) lines.unshift(`[gatehouse: ${dropped} older lines dropped; the newest ${MAX_LOG_LINES} are kept]`);
    return ok(lines.length ? `${lines.join('\n')}\n` : '');
  }
}

/** The manifest redacted as JSON (secret fields by name, strings by value and pattern); as text when not JSON. */
function manifestText(text: string, redactor: Redactor): string {
  try {
    return `${JSON.stringify(redactor.json(JSON.parse(text) as unknown), null, 2)}\n`;
  } catch {
    return redactor.text(text);
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_') || '_';
}

function readmeText(createdAt: string, since: string, files: readonly FileInfo[], missing: readonly { part: string; reason: string }[]): string {
  const width = Math.max(...files.map((f) => f.name.length), 'manifest.json'.length);
  return [
    'Gatehouse support bundle',
    '',
    `Created ${createdAt}; logs since ${since}.`,
    `Every file was redacted before it was written: secret-shaped values by pattern and every secret value the console knows (manifest, identities, hub connections, registry passwords, console token), shown as ${MASK}.`,
    '',
    'Contents:',
    `  ${'manifest.json'.padEnd(width)}  this list, as JSON`,
    ...files.map((f) => `  ${f.name.padEnd(width)}  ${f.what}`),
    '',
    ...(missing.length ? ['Not included:', ...missing.map((m) => `  ${m.part}: ${m.reason}`), ''] : []),
  ].join('\n');
}
