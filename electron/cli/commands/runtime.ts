import { resolve } from 'node:path';
import { runtimeContract } from '../../../shared/ipc';
import type { AppError } from '../../../shared/errors';
import type { ImageNeed, LogLine, NotManagedRow, PlanStep, RuntimeSnapshot } from '../../../shared/ipc/runtime.contract';
import { readInput } from '../read-input';
import type { CliCommand, CliIo } from '../command';
import { connectHost, contractClient, type HostConnection } from '../host-client';

async function withRuntime<T>(io: CliIo, run: (client: ReturnType<typeof contractClient<typeof runtimeContract>>, connection: HostConnection) => Promise<T>): Promise<T> {
  const connection = await connectHost(io.env);
  try {
    return await run(contractClient(runtimeContract, connection), connection);
  } finally {
    connection.close();
  }
}

function report(io: CliIo, json: boolean, command: string, error: AppError): number {
  if (json) io.stdout(JSON.stringify({ ok: false, error }));
  else {
    io.stderr(`gatehouse ${command}: ${error.message}`);
    const diagnostics = (error.details as { diagnostics?: { line: number; column: number; severity: string; code: string; message: string }[] } | undefined)?.diagnostics;
    for (const d of diagnostics ?? []) io.stderr(`  ${d.line}:${d.column}  ${d.severity}  ${d.code}  ${d.message}`);
  }
  return error.code === 'INVALID_MANIFEST' || error.code === 'NOT_FOUND' ? 1 : 2;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Containers with IoT Edge's labels that this Gatehouse does not manage: listed, never touched. */
export function formatNotManaged(rows: readonly NotManagedRow[]): string[] {
  if (!rows.length) return [];
  return ['', 'Not managed here (IoT Edge labels, not this Gatehouse\'s; never touched):', ...table(['NAME', 'IMAGE', 'STATE', 'OWNER'], rows.map((r) => [r.name, r.image, r.state, r.apparentOwner]))];
}

/** The warning for a real IoT Edge runtime on the engine. */
export function formatForeignRuntime(evidence: readonly string[]): string[] {
  return evidence.length ? ['', `A real IoT Edge runtime uses this engine: ${evidence.join(', ')}. Apply refuses unless --override-foreign-runtime.`] : [];
}

/** Images the plan needs that this machine does not have: apply would pull them (offline, that fails). */
export function formatMissingImages(images: readonly ImageNeed[]): string[] {
  const missing = images.filter((i) => !i.present);
  if (!missing.length) return [];
  return [
    '',
    `Not on this machine (${missing.length} image${missing.length === 1 ? '' : 's'}); sideload with \`gatehouse runtime sideload <image.tar>\` before applying when offline:`,
    ...missing.map((i) => `  ${i.image} for ${i.modules.join(', ')}: ${i.pullPolicy === 'never' ? 'imagePullPolicy never, so apply will not pull it' : `apply pulls it from ${i.registry}`}`),
  ];
}

/** A plan step for `--dry-run`: destructive steps (stop, remove, the remove of a recreate) are marked. */
export function formatStep(step: PlanStep, index: number): string {
  return `${index + 1}. ${step.destructive ? '[destructive] ' : ''}${step.description}`;
}

/** A moment in this terminal's local time (the JSON keeps ISO times): "14:03:12", or with the date when not today. */
export function localMoment(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 2) return '';
  const time = date.toLocaleTimeString(undefined, { hour12: false });
  return date.toDateString() === new Date(now).toDateString() ? time : `${date.toLocaleDateString()} ${time}`;
}

export function formatModules(snapshot: RuntimeSnapshot, now = Date.now()): string {
  const rows = snapshot.modules.map((m) => [
    m.name,
    m.image,
    m.desiredStatus,
    m.runtimeStatus,
    String(m.exitCode ?? ''),
    String(m.restartCount),
    localMoment(m.startedAt, now),
    localMoment(m.nextRetryAt, now),
  ]);
  const problems = snapshot.modules.flatMap((m) =>
    m.problem ? [`  ${m.name}: ${m.problem.summary}${m.problem.gaveUp ? ' (not retried before the next apply)' : m.nextRetryAt ? ` Next attempt at ${localMoment(m.nextRetryAt, now)}.` : ''}`] : [],
  );
  const engine = snapshot.engine.state === 'available' ? `Docker ${snapshot.engine.version}` : snapshot.engine.state === 'unavailable' ? `unavailable — ${snapshot.engine.reason}` : 'checking';
  return [
    `Engine:  ${engine}`,
    `Runtime: ${snapshot.state.state} — ${snapshot.state.summary}`,
    '',
    ...table(['NAME', 'IMAGE', 'DESIRED', 'RUNTIME', 'EXIT', 'RESTARTS', 'STARTED', 'NEXT RETRY'], rows),
    ...(problems.length ? ['', 'Failed steps (details: --json, problem.detail):', ...problems] : []),
    ...formatNotManaged(snapshot.notManaged),
    ...formatForeignRuntime(snapshot.foreignRuntime),
  ].join('\n');
}

export const runtimeApplyCommand: CliCommand = {
  path: ['runtime', 'apply'],
  summary: 'Validate a deployment manifest and run it on the local runtime (an invalid one changes nothing)',
  usage: '<deployment.json | -> [--dry-run] [--override-foreign-runtime] [--override-cloud] [--json]',
  options: {
    'dry-run': { type: 'boolean', description: 'show the plan without applying (destructive steps are marked)' },
    'override-foreign-runtime': { type: 'boolean', description: 'apply even though a real IoT Edge runtime uses this engine (its containers are never touched)' },
    'override-cloud': { type: 'boolean', description: "apply although the hub's $edgeAgent desired drives this runtime: a local override until the hub sends a new version" },
  },
  async run({ positionals, values, io }) {
    const file = positionals[0];
    if (!file) return (io.stderr('gatehouse runtime apply: name a deployment file'), 2);
    let text: string;
    try {
      text = await readInput(file, io);
    } catch (error) {
      return report(io, values.json === true, 'runtime apply', { code: 'NOT_FOUND', message: `Cannot read ${file}: ${(error as Error).message}` });
    }
    return withRuntime(io, async (runtime, connection) => {
      if (values['dry-run']) {
        const preview = await runtime.preview({ text, fileName: file });
        if (!preview.ok) return report(io, values.json === true, 'runtime apply', preview.error);
        const { steps, images, notes, notManaged, foreignRuntime } = preview.value;
        io.stdout(
          values.json
            ? JSON.stringify({ ok: true, dryRun: true, steps, images, notes, notManaged, foreignRuntime })
            : [
                ...(steps.length ? steps.map(formatStep) : ['Nothing to do.']),
                ...formatMissingImages(images),
                ...notes.map((n) => `note: ${n}`),
                ...formatNotManaged(notManaged),
                ...formatForeignRuntime(values['override-foreign-runtime'] ? [] : foreignRuntime),
              ].join('\n'),
        );
        return 0;
      }
      const applied = await runtime.apply({
        text,
        fileName: file,
        ...(values['override-foreign-runtime'] ? { overrideForeignRuntime: true } : {}),
        ...(values['override-cloud'] ? { overrideCloud: true } : {}),
      });
      if (!applied.ok) return report(io, values.json === true, 'runtime apply', applied.error);
      await connection.settle();
      const status = await runtime.status({});
      if (values.json) io.stdout(JSON.stringify({ ok: true, version: applied.value.version, plan: applied.value.plan, notes: applied.value.notes, status: status.ok ? status.value : undefined }));
      else
        io.stdout(
          [
            `Deployment v${applied.value.version} accepted.`,
            ...applied.value.plan.map((l, i) => `${i + 1}. ${l}`),
            ...applied.value.notes.map((n) => `note: ${n}`),
            '',
            status.ok ? formatModules(status.value) : '',
          ].join('\n'),
        );
      return 0;
    });
  },
};

export const runtimeStatusCommand: CliCommand = {
  path: ['runtime', 'status'],
  summary: 'The modules on the local runtime: desired and runtime status, exit codes, restarts',
  usage: '[--json]',
  options: {},
  async run({ values, io }) {
    return withRuntime(io, async (runtime) => {
      const status = await runtime.status({});
      if (!status.ok) return report(io, values.json === true, 'runtime status', status.error);
      io.stdout(values.json ? JSON.stringify(status.value) : formatModules(status.value));
      return 0;
    });
  },
};

export const runtimeLogsCommand: CliCommand = {
  path: ['runtime', 'logs'],
  summary: "A module's log; -f follows it, across restarts, until Ctrl+C",
  usage: '<module> [-f] [--tail N]',
  options: { follow: { type: 'boolean', short: 'f', description: 'keep printing new lines' }, tail: { type: 'string', description: 'last N lines (default 200)' } },
  async run({ positionals, values, io }) {
    const name = positionals[0];
    if (!name) return (io.stderr('gatehouse runtime logs: name a module'), 2);
    const tail = values.tail === undefined ? 200 : Number(values.tail);
    if (!Number.isInteger(tail) || tail < 0) return (io.stderr('gatehouse runtime logs: --tail must be a whole number'), 2);
    const print = (lines: LogLine[]) => {
      for (const l of lines) (l.stream === 'stderr' ? io.stderr : io.stdout)(values.json ? JSON.stringify(l) : l.line);
    };
    return withRuntime(io, async (runtime, connection) => {
      if (!values.follow) {
        const logs = await runtime.logs({ name, tail: Math.max(1, tail) });
        if (!logs.ok) return report(io, values.json === true, 'runtime logs', logs.error);
        print(logs.value.lines);
        return 0;
      }
      const stream: { id?: string } = {};
      let finish: (code: number) => void = () => undefined;
      const done = new Promise<number>((r) => (finish = r));
      const unsubscribe = await connection.subscribe('runtime.logLines', (payload) => {
        const event = payload as { streamId: string; lines: LogLine[]; waiting?: boolean; done?: boolean; error?: string };
        if (event.streamId !== stream.id) return;
        print(event.lines);
        if (event.waiting === true && !values.json) io.stderr(`(${name} is not running; its next run follows here. Ctrl+C to stop.)`);
        if (event.done) finish(event.error ? 1 : 0);
      });
      const started = await runtime.followLogs({ name, tail });
      if (!started.ok) return (unsubscribe(), report(io, values.json === true, 'runtime logs', started.error));
      stream.id = started.value.streamId;
      const stop = () => finish(0);
      process.once('SIGINT', stop);
      const code = await done;
      process.off('SIGINT', stop);
      unsubscribe();
      await runtime.stopLogs({ streamId: stream.id });
      return code;
    });
  },
};

export const runtimeSideloadCommand: CliCommand = {
  path: ['runtime', 'sideload'],
  summary: 'Load images from a tarball (docker save) for offline use',
  usage: '<image.tar> [--json]',
  options: {},
  async run({ positionals, values, io }) {
    const file = positionals[0];
    if (!file) return (io.stderr('gatehouse runtime sideload: name an image tarball'), 2);
    return withRuntime(io, async (runtime, connection) => {
      const unsubscribe = values.json
        ? () => undefined
        : await connection.subscribe('runtime.sideloadProgress', (payload) => {
            const p = payload as { bytes: number; total: number; message?: string };
            io.stderr(`  ${Math.round((100 * p.bytes) / Math.max(1, p.total))}%${p.message ? ` ${p.message}` : ''}`);
          });
      const loaded = await runtime.sideload({ path: resolve(io.cwd, file) });
      unsubscribe();
      if (!loaded.ok) return report(io, values.json === true, 'runtime sideload', loaded.error);
      io.stdout(values.json ? JSON.stringify({ ok: true, loaded: loaded.value.loaded }) : `Loaded: ${loaded.value.loaded.join(', ')}`);
      return 0;
    });
  },
};

export const runtimeRestartCommand: CliCommand = {
  path: ['runtime', 'restart'],
  summary: 'Restart a module (as the $edgeAgent RestartModule direct method)',
  usage: '<module>',
  options: {},
  async run({ positionals, values, io }) {
    const name = positionals[0];
    if (!name) return (io.stderr('gatehouse runtime restart: name a module'), 2);
    return withRuntime(io, async (runtime) => {
      const result = await runtime.restartModule({ name });
      if (!result.ok) return report(io, values.json === true, 'runtime restart', result.error);
      io.stdout(values.json ? JSON.stringify({ ok: true, outcome: result.value.outcome }) : result.value.outcome === 'started' ? `Started ${name} (it was not running).` : `Restarted ${name}.`);
      return 0;
    });
  },
};

/** What `runtime stop|start` did, in words: which modules changed, in which deployment version, and what follows. */
export function formatSetStatus(status: 'running' | 'stopped', result: { version: number; previousVersion: number; changed: readonly string[]; unchanged: readonly string[] }): string {
  const verb = status === 'stopped' ? 'stopped' : 'running';
  if (!result.changed.length) {
    if (!result.unchanged.length) return `Nothing changed: deployment v${result.version} has no modules.`;
    return `Nothing changed: ${result.unchanged.join(', ')} already ${result.unchanged.length === 1 ? 'has' : 'have'} desired status ${verb} (deployment v${result.version} stays).`;
  }
  const names = result.changed.join(', ');
  const then =
    status === 'stopped'
      ? 'the agent stops their containers and keeps them stopped, across restarts, until `gatehouse runtime start`.'
      : 'the agent starts their containers (and restarts them by their restart policy).';
  return [
    `Deployment v${result.previousVersion} → v${result.version}: desired status ${verb} for ${names}; ${then}`,
    ...(result.unchanged.length ? [`Already ${verb}: ${result.unchanged.join(', ')}.`] : []),
  ].join('\n');
}

function setStatusCommand(action: 'stop' | 'start'): CliCommand {
  const status = action === 'stop' ? 'stopped' : 'running';
  return {
    path: ['runtime', action],
    summary:
      action === 'stop'
        ? 'Stop every module (or the named ones): desired status stopped in a new deployment version; the agent stops their containers and keeps them stopped, across restarts, until `runtime start`'
        : 'Start every module (or the named ones), those stopped on purpose too: desired status running in a new deployment version',
    usage: '[<module>...] [--json]',
    options: {},
    async run({ positionals, values, io }) {
      return withRuntime(io, async (runtime) => {
        const result = await runtime.setModulesStatus({ status, ...(positionals.length ? { names: positionals } : {}) });
        if (!result.ok) return report(io, values.json === true, `runtime ${action}`, result.error);
        io.stdout(values.json ? JSON.stringify({ ok: true, action, status, ...result.value }) : formatSetStatus(status, result.value));
        return 0;
      });
    },
  };
}

export const runtimeStopCommand = setStatusCommand('stop');
export const runtimeStartCommand = setStatusCommand('start');

export const runtimeMethodCommand: CliCommand = {
  path: ['runtime', 'method'],
  summary: 'Invoke an $edgeAgent direct method locally: ping, RestartModule, GetModuleLogs',
  usage: "<method> [--payload '<json>'] [--json]",
  options: { payload: { type: 'string', description: 'the method payload as JSON' } },
  async run({ positionals, values, io }) {
    const methodName = positionals[0];
    if (!methodName) return (io.stderr('gatehouse runtime method: name a method'), 2);
    let payload: unknown;
    try {
      payload = values.payload === undefined ? undefined : JSON.parse(values.payload as string);
    } catch (error) {
      return (io.stderr(`gatehouse runtime method: --payload is not JSON: ${(error as Error).message}`), 2);
    }
    return withRuntime(io, async (runtime) => {
      const result = await runtime.invokeMethod({ methodName, payload });
      if (!result.ok) return report(io, values.json === true, 'runtime method', result.error);
      io.stdout(JSON.stringify(values.json ? result.value : (result.value.payload ?? { status: result.value.status }), null, values.json ? undefined : 2));
      return result.value.status >= 200 && result.value.status < 300 ? 0 : 1;
    });
  },
};

export const runtimeSampleCommand: CliCommand = {
  path: ['runtime', 'sample'],
  summary: 'Build the sample module images (no registry) and run the sample deployment: temperature sensor → filter → $upstream',
  usage: '[--json]',
  options: {},
  async run({ values, io }) {
    return withRuntime(io, async (runtime, connection) => {
      const run = await runtime.runSample({});
      if (!run.ok) return report(io, values.json === true, 'runtime sample', run.error);
      await connection.settle();
      if (values.json) io.stdout(JSON.stringify({ ok: true, ...run.value }));
      else
        io.stdout(
          [
            `Sample deployment v${run.value.version} accepted: ${run.value.modules.join(', ')}.`,
            ...run.value.images.map((i) => `image ${i.tag}: ${i.outcome}`),
            'Watch it in the Telemetry area, or with `gatehouse edgehub outbox` and `gatehouse monitor-events`.',
          ].join('\n'),
        );
      return 0;
    });
  },
};
