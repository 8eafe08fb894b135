import { fail, ok, type Result } from '../../shared/errors';
import type { ExpandDiagnostic, ExpandedTemplate, TemplatePlatform } from '../../shared/ipc/workspace.contract';
import { expandTemplateFile } from './template-files';
import type { InsidePath } from './workspace-paths';

/**
 * Expanding a template of the open folder for the editor's "Apply to local runtime": the template's own folder
 * gives `.env` and `modules/<name>/module.json`, the editor may hand over its unsaved text, nothing is written.
 * Variables come from `.env` only, never from this process's environment: the result travels to a window
 * (perhaps a browser on another machine), and the host's environment is not the solution's to publish.
 */

/** The platform the local engine runs images for, as the IoT Edge tools name it. */
export function hostPlatform(cpu: string = process.arch): TemplatePlatform {
  switch (cpu) {
    case 'arm64':
      return 'arm64v8';
    case 'arm':
      return 'arm32v7';
    default:
      return 'amd64';
  }
}

const MAX_LISTED = 20;

export async function expandWorkspaceTemplate(
  root: string,
  target: InsidePath,
  input: { readonly platform?: TemplatePlatform; readonly text?: string },
): Promise<Result<ExpandedTemplate>> {
  const platform = input.platform ?? hostPlatform();
  let result;
  try {
    result = await expandTemplateFile(target.abs, { platform, within: root, ...(input.text !== undefined ? { text: input.text } : {}) });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail('NOT_FOUND', `${target.rel} does not exist.`);
    return fail('IO', `Could not read ${target.rel}: ${(cause as Error).message}`);
  }
  if (!result.ok) {
    const diagnostics: ExpandDiagnostic[] = result.diagnostics
      .slice(0, MAX_LISTED)
      .map((d) => ({ code: d.code, severity: d.severity, message: d.message, line: d.line, column: d.column, pointer: d.pointer }));
    const first = diagnostics[0];
    const count = result.diagnostics.length;
    const summary = first ? `line ${first.line}: ${first.message}${count > 1 ? ` (and ${count - 1} more)` : ''}` : 'no details';
    return fail('INVALID_MANIFEST', `${target.rel} could not be expanded: ${summary}`, { reason: 'EXPAND_FAILED', diagnostics });
  }
  return ok({ text: result.value.text, outputName: result.value.outputName, platform });
}
