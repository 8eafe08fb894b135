import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { commissioningContract } from '../../../shared/ipc';
import { resolveDataDir } from '../../host/data-dir';
import { verifyEvidence } from '../../services/commissioning/evidence';
import type { CliCommand, CliIo } from '../command';
import { connectHost, contractClient } from '../host-client';

/**
 * `gatehouse evidence --out <dir>`: the signed commissioning evidence (evidence.html, evidence.json,
 * evidence.json.sig) from the running console. `gatehouse evidence verify <dir>`: exit 0 when evidence.json is
 * exactly what was signed, 1 naming the reason otherwise; it needs no console (the signature file carries the
 * certificate), and says whether this machine's edge CA signed it.
 */

function failWith(io: CliIo, json: boolean, code: string, message: string, exit: number): number {
  if (json) io.stdout(JSON.stringify({ error: { code, message } }));
  io.stderr(`gatehouse evidence: ${message}`);
  return exit;
}

export const evidenceCommand: CliCommand = {
  path: ['evidence'],
  summary: 'Write the signed commissioning evidence report (evidence.html, evidence.json, evidence.json.sig), secrets redacted',
  usage: '[--out <dir>] [--json]',
  options: { out: { type: 'string', description: 'A new folder for the report (default: <data>/evidence/<device>-<time>)' } },
  run: async ({ positionals, values, io }) => {
    const json = values.json === true;
    if (positionals.length > 0) return failWith(io, json, 'BAD_REQUEST', `unexpected argument ${positionals[0] ?? ''} (did you mean \`gatehouse evidence verify <dir>\`?)`, 2);
    const connection = await connectHost(io.env);
    try {
      const result = await contractClient(commissioningContract, connection).evidence(typeof values.out === 'string' ? { out: resolve(io.cwd, values.out) } : {});
      if (!result.ok) return failWith(io, json, result.error.code, result.error.message, 1);
      io.stdout(json ? JSON.stringify(result.value) : `Evidence written to ${result.value.dir}: ${result.value.files.join(', ')}\nevidence.json SHA-256 ${result.value.sha256}`);
      return 0;
    } finally {
      connection.close();
    }
  },
};

export const evidenceVerifyCommand: CliCommand = {
  path: ['evidence', 'verify'],
  summary: 'Check a commissioning evidence folder: exit 0 when evidence.json is exactly what was signed, 1 naming the reason',
  usage: '<dir> [--json]',
  options: {},
  run: async ({ positionals, values, io }) => {
    const json = values.json === true;
    const [dir] = positionals;
    if (!dir || positionals.length > 1) return failWith(io, json, 'BAD_REQUEST', 'give one evidence folder: gatehouse evidence verify <dir>', 2);
    const roots: string[] = [];
    try {
      roots.push(await readFile(join(resolveDataDir(io.env), 'pki', 'root-ca.cert.pem'), 'utf8'));
    } catch {
      // No edge CA on this machine: the signature is still checked, only "signed here" cannot be said.
    }
    const verdict = await verifyEvidence(resolve(io.cwd, dir), roots);
    if (json) io.stdout(JSON.stringify(verdict));
    else if (verdict.ok) io.stdout(`Evidence intact: evidence.json (SHA-256 ${verdict.sha256}) signed ${verdict.signedAt} by ${verdict.signer}${verdict.signedHere ? ' (this gateway’s edge CA)' : ' (not this machine’s edge CA)'}.`);
    else io.stderr(`gatehouse evidence verify: NOT intact: ${verdict.reason}`);
    return verdict.ok ? 0 : 1;
  },
};
