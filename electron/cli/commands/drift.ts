import { resolve } from 'node:path';
import { driftContract } from '../../../shared/ipc';
import type { DriftReport } from '../../../shared/ipc/drift.contract';
import type { CliCommand, CliIo } from '../command';
import { connectHost, contractClient } from '../host-client';

/**
 * `gatehouse drift [--json]`: the approved deployment ↔ the device's desired state ↔ what runs, module by module and
 * field by field (`--device <id>`: a device through the hub); exit 1 when anything drifted (or nothing is approved). `gatehouse drift approve [<file>|--running]`:
 * mark a manifest file, or what the device runs now (the default), approved.
 */

function failWith(io: CliIo, json: boolean, code: string, message: string, exit: number): number {
  if (json) io.stdout(JSON.stringify({ error: { code, message } }));
  io.stderr(`gatehouse drift: ${message}`);
  return exit;
}

const exitFor = (code: string) => (code === 'BAD_REQUEST' || code === 'NOT_FOUND' || code === 'INVALID_MANIFEST' ? 1 : 2);

const show = (value: unknown): string => {
  if (value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** One line per module, and under a drifted one each differing field with its three values. */
export function formatDrift(report: DriftReport): string[] {
  const lines: string[] = [];
  lines.push(report.approved ? `Approved ${report.approved.approvedAt} by ${report.approved.approvedBy} (sha256 ${report.approved.sha256.slice(0, 12)}…)` : 'Nothing is approved: gatehouse drift approve [<file>|--running]');
  const d = report.desired;
  const version = d.version ?? '?';
  lines.push(
    d.source === 'hub'
      ? `Desired: ${d.deviceId ?? '?'}'s $edgeAgent/$edgeHub twins on the hub, version ${version}`
      : d.source === 'none'
        ? 'Desired: no deployment applied'
        : `Desired: the local runtime's deployment${d.source === 'cloud' ? " (the hub's)" : ''}, version ${version}`,
  );
  for (const m of report.modules) {
    lines.push(`${m.verdict === 'in-sync' ? '✓' : '✗'} ${m.name}: ${m.verdict}`);
    for (const f of m.fields.filter((x) => x.verdict !== 'in-sync')) {
      lines.push(`    ${f.field}: approved ${show(f.approved)} | desired ${show(f.desired)} | running ${show(f.running)}`);
    }
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  lines.push(report.drifted ? 'Drifted.' : 'In sync: the device runs the approved deployment.');
  return lines;
}

export const driftCommand: CliCommand = {
  path: ['drift'],
  summary: 'Compare the approved deployment, the desired state on the device and what runs (exit 1 when drifted)',
  usage: '[--device <id>] [--json]',
  options: { device: { type: 'string', description: "Compare a device through the hub (its $edgeAgent/$edgeHub twins and what it reports) instead of this machine's runtime" } },
  run: async ({ positionals, values, io }) => {
    const json = values.json === true;
    if (positionals.length > 0) return failWith(io, json, 'BAD_REQUEST', `unexpected argument ${positionals[0] ?? ''} (did you mean \`gatehouse drift approve\`?)`, 2);
    const connection = await connectHost(io.env);
    try {
      const result = await contractClient(driftContract, connection).drift(typeof values.device === 'string' ? { deviceId: values.device } : {});
      if (!result.ok) return failWith(io, json, result.error.code, result.error.message, exitFor(result.error.code));
      if (json) io.stdout(JSON.stringify(result.value));
      else for (const line of formatDrift(result.value)) io.stdout(line);
      return result.value.drifted ? 1 : 0;
    } finally {
      connection.close();
    }
  },
};

export const driftApproveCommand: CliCommand = {
  path: ['drift', 'approve'],
  summary: 'Mark a deployment approved: a manifest file, or what the device runs now (--running, the default)',
  usage: '[<file>|--running] [--json]',
  options: { running: { type: 'boolean', description: 'Approve what the device runs now (its applied deployment)' } },
  run: async ({ positionals, values, io }) => {
    const json = values.json === true;
    if (positionals.length > 1) return failWith(io, json, 'BAD_REQUEST', 'give at most one manifest file', 2);
    const [file] = positionals;
    if (file && values.running === true) return failWith(io, json, 'BAD_REQUEST', 'give a manifest file or --running, not both', 2);
    const connection = await connectHost(io.env);
    try {
      const result = await contractClient(driftContract, connection).approve(file ? { path: resolve(io.cwd, file) } : { from: 'running' });
      if (!result.ok) return failWith(io, json, result.error.code, result.error.message, exitFor(result.error.code));
      const a = result.value;
      io.stdout(json ? JSON.stringify(a) : `Approved ${a.source.kind === 'file' ? a.source.path : `what runs now (version ${a.source.version ?? '?'})`}: sha256 ${a.sha256}, by ${a.approvedBy} at ${a.approvedAt}.`);
      return 0;
    } finally {
      connection.close();
    }
  },
};
