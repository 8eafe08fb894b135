import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseDotEnv, validateManifest, type Diagnostic } from '../../../shared/manifest';
import type { CliCommand, CliIo } from '../command';
import { oneLine } from '../one-line';
import { readInput, STDIN } from '../read-input';

type VerdictDiagnostic = { code: string; severity: 'error' | 'warning' | 'info'; message: string; line: number; column: number; pointer: string };

/** The stable `--json` shape of one file's verdict. Scripts depend on it. */
export interface FileVerdict {
  readonly file: string;
  readonly ok: boolean;
  readonly kind: 'deployment' | 'template' | 'layered' | 'unknown';
  readonly diagnostics: readonly VerdictDiagnostic[];
}

/** A verdict, and whether Gatehouse itself failed on the file (which is not the file's fault). */
export interface FileResult {
  readonly verdict: FileVerdict;
  readonly internalError?: string;
}

function single(file: string, code: string, message: string): FileVerdict {
  return { file, ok: false, kind: 'unknown', diagnostics: [{ code, severity: 'error', message, line: 1, column: 1, pointer: '' }] };
}

/** Reads and validates one file (`-`: standard input). Never throws: a failure is this file's verdict only. */
export async function checkFile(file: string, io: CliIo, validate: typeof validateManifest = validateManifest): Promise<FileResult> {
  let text: string;
  try {
    text = await readInput(file, io);
  } catch (error) {
    return { verdict: single(file, 'GH0001', `Cannot read the file: ${oneLine(error)}`) };
  }
  const env = await templateEnv(file, io);
  try {
    const report = validate(text, { fileName: file, ...(env ? { env } : {}) });
    return {
      verdict: {
        file,
        ok: report.ok,
        kind: report.kind,
        diagnostics: report.diagnostics.map((d: Diagnostic) => ({ code: d.code, severity: d.severity, message: d.message, line: d.line, column: d.column, pointer: d.pointer })),
      },
    };
  } catch (error) {
    const reason = oneLine(error);
    return { verdict: single(file, 'GH0002', `Gatehouse failed while checking this file (internal error: ${reason}); no verdict. Please report it with the file.`), internalError: reason };
  }
}

/**
 * The variables a template beside a `.env` is expanded with, as `gatehouse expand` reads them: the solution
 * folder's `.env` over the environment. Without a `.env` beside the file (or for standard input) the variables
 * are unknown, and the verdict does not judge them.
 */
async function templateEnv(file: string, io: CliIo): Promise<Record<string, string> | undefined> {
  if (file === STDIN) return undefined;
  const text = await readFile(join(dirname(resolve(io.cwd, file)), '.env'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(io.env)) if (value !== undefined) env[key] = value;
  return Object.assign(env, parseDotEnv(text));
}

/**
 * Prints one verdict as part of the `--json` array, a diagnostic per write: the output of many large files
 * is never built as one string (which could exceed what a JavaScript string can hold).
 */
function writeJsonVerdict(io: CliIo, verdict: FileVerdict, first: boolean): void {
  const { diagnostics, ...head } = verdict;
  io.stdout(`${first ? '' : ','}${JSON.stringify(head).slice(0, -1)},"diagnostics":[`);
  diagnostics.forEach((d, i) => io.stdout(`${i === 0 ? '' : ','}${JSON.stringify(d)}`));
  io.stdout(']}');
}

function writeTextVerdict(io: CliIo, v: FileVerdict): void {
  const errors = v.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = v.diagnostics.filter((d) => d.severity === 'warning').length;
  io.stdout(`${v.ok ? 'ok  ' : 'FAIL'}  ${v.file} (${v.kind}): ${errors} error(s), ${warnings} warning(s)`);
  for (const d of v.diagnostics) io.stdout(`  ${v.file}:${d.line}:${d.column}  ${d.severity.padEnd(7)} ${d.code}  ${d.message}`);
}

export const validateCommand: CliCommand = {
  path: ['validate'],
  summary: 'Check deployment manifests, templates and layered deployments as IoT Edge would read them (- reads standard input)',
  usage: '<files...> [--json]',
  options: {},
  async run({ positionals, values, io }) {
    if (positionals.length === 0) return (io.stderr('gatehouse validate: name one or more files'), 2);
    // Each verdict is printed as soon as it is known, so a late failure cannot lose the earlier ones.
    if (values.json) io.stdout('[');
    let allOk = true;
    const failed: string[] = [];
    for (const [index, file] of positionals.entries()) {
      const { verdict, internalError } = await checkFile(file, io);
      allOk &&= verdict.ok;
      if (internalError !== undefined) failed.push(`${file}: ${internalError}`);
      if (values.json) writeJsonVerdict(io, verdict, index === 0);
      else writeTextVerdict(io, verdict);
    }
    if (values.json) io.stdout(']');
    if (failed.length > 0) {
      io.stderr(`gatehouse validate: internal error on ${failed.length} file(s) (the other verdicts stand): ${failed.join('; ')}`);
      return 2;
    }
    return allOk ? 0 : 1;
  },
};
