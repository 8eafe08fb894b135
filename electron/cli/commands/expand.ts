import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { capDiagnostics, sortDiagnostics, validateManifest } from '../../../shared/manifest';
import { expandTemplateFile } from '../../services/template-files';
import type { CliCommand } from '../command';
import { oneLine } from '../one-line';
import { readInput, STDIN } from '../read-input';

const PLATFORMS = ['amd64', 'arm32v7', 'arm64v8'];

export const expandCommand: CliCommand = {
  path: ['expand'],
  summary: 'Expand a deployment template (${VAR}, ${MODULES.x}) into config/deployment.<platform>.json, as VS Code IoT Edge tooling does',
  usage: '<deployment.template.json | -> [--platform amd64|arm32v7|arm64v8] [--env .env] [-o config/] [--json]',
  options: {
    platform: { type: 'string', description: 'default platform for ${MODULES.x} (default amd64)' },
    env: { type: 'string', description: 'the .env file (default: .env beside the template)' },
    output: { type: 'string', short: 'o', description: 'output folder (default: config/ beside the template)' },
  },
  async run({ positionals, values, io }) {
    const template = positionals[0];
    if (!template) return (io.stderr('gatehouse expand: name a template'), 2);
    const platform = (values.platform as string | undefined) ?? 'amd64';
    if (!PLATFORMS.includes(platform)) return (io.stderr(`gatehouse expand: --platform must be one of ${PLATFORMS.join(', ')}`), 2);
    // `-`: the template comes from standard input; .env, modules/ and config/ are then looked up in the current folder.
    const path = resolve(io.cwd, template === STDIN ? 'deployment.template.json' : template);
    let result;
    try {
      const text = template === STDIN ? await readInput(STDIN, io) : undefined;
      result = await expandTemplateFile(path, { platform, envFile: values.env ? resolve(io.cwd, values.env as string) : undefined, env: io.env, ...(text !== undefined ? { text } : {}) });
    } catch (error) {
      return (io.stderr(`gatehouse expand: cannot read ${template}: ${oneLine(error)}`), 2);
    }
    if (!result.ok) {
      const diagnostics = capDiagnostics(sortDiagnostics(result.diagnostics)).map((d) => ({ code: d.code, severity: d.severity, message: d.message, line: d.line, column: d.column, pointer: d.pointer }));
      if (values.json) io.stdout(JSON.stringify({ file: template, ok: false, diagnostics }));
      else for (const d of diagnostics) io.stderr(`${template}:${d.line}:${d.column}  ${d.severity} ${d.code}  ${d.message}`);
      return 1;
    }
    const outDir = resolve(io.cwd, (values.output as string | undefined) ?? join(dirname(path), 'config'));
    const output = join(outDir, result.value.outputName);
    await mkdir(outDir, { recursive: true });
    await writeFile(output, `${result.value.text}\n`);
    const report = validateManifest(result.value.text, { fileName: output, kind: 'deployment' });
    const diagnostics = report.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, line: d.line, column: d.column, pointer: d.pointer }));
    if (values.json) io.stdout(JSON.stringify({ file: template, ok: report.ok, output, platform, diagnostics }));
    else {
      io.stdout(`Wrote ${output}`);
      for (const d of diagnostics) io.stdout(`  ${output}:${d.line}:${d.column}  ${d.severity} ${d.code}  ${d.message}`);
    }
    return report.ok ? 0 : 1;
  },
};
