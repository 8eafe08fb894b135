import { resolve } from 'node:path';
import { SupportProgress } from '../../../shared/ipc/support.contract';
import { supportContract } from '../../../shared/ipc';
import type { CliCommand } from '../command';
import { connectHost, contractClient } from '../host-client';

/**
 * `gatehouse support-bundle --out <file.zip> [--since 1h]`, like `iotedge support-bundle`: the running console
 * writes one zip with logs, `docker inspect`, the manifest, reported properties, the last check report, versions and
 * outbox statistics, every secret redacted. Progress goes to stderr; `--json` prints `{path, files, bytes}`.
 * A relative --out is taken from the current folder; an existing file is never overwritten.
 */
export const supportBundleCommand: CliCommand = {
  path: ['support-bundle'],
  summary: 'Write a support bundle (logs, docker inspect, manifest, reported properties, checks, versions, outbox; secrets redacted) to a zip',
  usage: '--out <file.zip> [--since <1h|30m|2d|ISO time>] [--json]',
  options: {
    out: { type: 'string', short: 'o', description: 'The zip file to write (must not exist; its folder must)' },
    since: { type: 'string', description: 'How far back the logs go: a duration (30m, 1h, 2d) or an ISO 8601 time (default 1h)' },
  },
  run: async ({ values, io }) => {
    const json = values.json === true;
    const usage = (message: string) => {
      if (json) io.stdout(JSON.stringify({ error: { code: 'BAD_REQUEST', message } }));
      io.stderr(`gatehouse support-bundle: ${message}`);
      return 2;
    };
    if (typeof values.out !== 'string' || values.out.trim() === '') return usage('--out <file.zip> is required');
    const out = resolve(io.cwd, values.out);
    const connection = await connectHost(io.env);
    try {
      const unsubscribe = await connection.subscribe('support.progress', (payload) => {
        const progress = SupportProgress.safeParse(payload);
        if (progress.success && progress.data.phase === 'collecting') io.stderr(`[${progress.data.done + 1}/${progress.data.total}] ${progress.data.step}`);
      });
      const result = await contractClient(supportContract, connection).bundle({ out, ...(typeof values.since === 'string' ? { since: values.since } : {}) });
      unsubscribe();
      if (!result.ok) {
        if (json) io.stdout(JSON.stringify({ error: { code: result.error.code, message: result.error.message } }));
        io.stderr(`gatehouse support-bundle: ${result.error.message}`);
        return result.error.code === 'CONFLICT' || result.error.code === 'NOT_FOUND' || result.error.code === 'BAD_REQUEST' ? 1 : 2;
      }
      const { path, files, bytes } = result.value;
      io.stdout(json ? JSON.stringify({ path, files, bytes }) : `Wrote ${path}: ${files} files, ${bytes} bytes (secrets redacted).`);
      return 0;
    } finally {
      connection.close();
    }
  },
};
