import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { validateManifest, type Diagnostic } from '../../../shared/manifest';
import type { CliCommand } from '../command';

/** The stable `--json` shape of one file's verdict. Scripts depend on it. */
export interface FileVerdict {
  readonly file: string;
  readonly ok: boolean;
  readonly kind: 'deployment' | 'template' | 'layered' | 'unknown';
  readonly diagnostics: readonly { code: string; severity: 'error' | 'warning' | 'info'; message: string; line: number; column: number; pointer: string }[];
}

export async function validateFile(file: string, cwd: string): Promise<FileVerdict> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    return { file, ok: false, kind: 'unknown', diagnostics: [{ code: 'GH0001', severity: 'error', message: `Cannot read the file: ${(error as Error).message}`, line: 1, column: 1, pointer: '' }] };
  }
  const report = validateManifest(text, { fileName: file });
  return {
    file,
    ok: report.ok,
    kind: report.kind,
    diagnostics: report.diagnostics.map((d: Diagnostic) => ({ code: d.code, severity: d.severity, message: d.message, line: d.line, column: d.column, pointer: d.pointer })),
  };
}

export const validateCommand: CliCommand = {
  path: ['validate'],
  summary: 'Check deployment manifests, templates and layered deployments as IoT Edge would read them',
  usage: '<files...> [--json]',
  options: {},
  async run({ positionals, values, io }) {
    if (positionals.length === 0) return (io.stderr('gatehouse validate: name one or more files'), 2);
    const verdicts: FileVerdict[] = [];
    for (const file of positionals) verdicts.push(await validateFile(file, io.cwd));
    if (values.json) io.stdout(JSON.stringify(verdicts));
    else {
      for (const v of verdicts) {
        const errors = v.diagnostics.filter((d) => d.severity === 'error').length;
        const warnings = v.diagnostics.filter((d) => d.severity === 'warning').length;
        io.stdout(`${v.ok ? 'ok  ' : 'FAIL'}  ${v.file} (${v.kind}): ${errors} error(s), ${warnings} warning(s)`);
        for (const d of v.diagnostics) io.stdout(`  ${v.file}:${d.line}:${d.column}  ${d.severity.padEnd(7)} ${d.code}  ${d.message}`);
      }
    }
    return verdicts.every((v) => v.ok) ? 0 : 1;
  },
};
