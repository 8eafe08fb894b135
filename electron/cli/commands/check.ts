import { CheckProgress } from '../../../shared/ipc/commissioning.contract';
import { commissioningContract } from '../../../shared/ipc';
import { GROUP_TITLES, type CheckReport, type CheckResult, type CheckStatus } from '../../../shared/commissioning/check-model';
import { plural } from '../../../shared/commissioning/check-def';
import type { CliCommand } from '../command';
import { connectHost, contractClient } from '../host-client';

/**
 * `gatehouse check`: every commissioning check against the gateway (this machine's runtime, or `--device` through
 * the hub), with each result printed as it lands. Exits 1 when any check errs, 0 otherwise (warnings included).
 * `--json` prints one object when done: `{ok, device, checks: [{id, title, group, status, detail, fix}]}`.
 */

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warning: 'warn', error: 'FAIL', skipped: 'skip' };

function line(r: CheckResult): string {
  const head = `[${MARK[r.status]}] ${r.title}: ${r.detail}`;
  return r.fix && (r.status === 'error' || r.status === 'warning') ? `${head}\n       fix: ${r.fix}` : head;
}

export function checkJson(report: CheckReport): unknown {
  return {
    ok: report.ok,
    device: report.target.deviceId,
    checks: report.checks.map((c) => ({ id: c.id, title: c.title, group: c.group, status: c.status, detail: c.detail, ...(c.fix ? { fix: c.fix } : {}) })),
  };
}

export const checkCommand: CliCommand = {
  path: ['check'],
  summary: 'Prove the gateway healthy: configuration, host, connectivity, runtime and end-to-end checks (exit 1 on any error)',
  usage: '[--device <id>] [--skip-end-to-end] [--timeout <seconds>] [--json]',
  options: {
    device: { type: 'string', description: "The device to check (default: this machine's runtime device); another device is checked through the hub" },
    'skip-end-to-end': { type: 'boolean', description: 'Do not wait for messages on the routes into $upstream' },
    timeout: { type: 'string', description: 'Seconds the end-to-end checks wait for a message (default 30)' },
  },
  run: async ({ values, io }) => {
    const json = values.json === true;
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && (!Number.isFinite(timeout) || timeout < 1 || timeout > 600)) {
      const message = '--timeout is a number of seconds from 1 to 600';
      if (json) io.stdout(JSON.stringify({ error: { code: 'BAD_REQUEST', message } }));
      io.stderr(`gatehouse check: ${message}`);
      return 2;
    }
    const connection = await connectHost(io.env);
    try {
      let lastGroup = '';
      const unsubscribe = json
        ? () => undefined
        : await connection.subscribe('commissioning.progress', (payload) => {
            const progress = CheckProgress.safeParse(payload);
            if (!progress.success || progress.data.phase !== 'result') return;
            const r = progress.data.result;
            if (r.group !== lastGroup) io.stdout(`\n${GROUP_TITLES[r.group]}`);
            lastGroup = r.group;
            io.stdout(`  ${line(r)}`);
          });
      const client = contractClient(commissioningContract, connection);
      const report = await client.run({
        ...(typeof values.device === 'string' ? { device: values.device } : {}),
        ...(values['skip-end-to-end'] === true ? { endToEnd: false } : {}),
        ...(timeout !== undefined ? { endToEndTimeoutMs: Math.round(timeout * 1000) } : {}),
      });
      unsubscribe();
      if (!report.ok) {
        if (json) io.stdout(JSON.stringify({ error: { code: report.error.code, message: report.error.message } }));
        io.stderr(`gatehouse check: ${report.error.message}`);
        return 2;
      }
      if (json) io.stdout(JSON.stringify(checkJson(report.value)));
      else {
        const c = report.value.counts;
        io.stdout(`\n${report.value.ok ? 'Ready' : 'Not ready'}: ${c.ok} ok, ${plural(c.warning, 'warning')}, ${plural(c.error, 'error')}, ${c.skipped} skipped (device ${report.value.target.deviceId}${report.value.target.hub ? ` on ${report.value.target.hub}` : ''}).`);
      }
      return report.value.ok ? 0 : 1;
    } finally {
      connection.close();
    }
  },
};
