import { useManifests } from '../manifests/manifests-store';
import { baseName } from '../manifests/file-kinds';
import { errorMessage } from '../manifests/errors';
import { getModel } from '../manifests/editor/models';
import type { WorkspaceClient } from '../manifests/queries';

export type EditorManifest = { readonly ok: true; readonly text: string; readonly name: string; readonly path: string } | { readonly ok: false; readonly message: string; readonly path?: string };

/** The file open in the Manifests editor when it is a deployment, template or layered deployment (else undefined). */
export function activeManifestPath(): string | undefined {
  const { active, kinds } = useManifests.getState();
  const kind = active ? kinds[active] : undefined;
  return active && (kind === 'deployment' || kind === 'template' || kind === 'layered') ? active : undefined;
}

/**
 * The text of the manifest open in the editor as it is now (saved or not), a template expanded by the host with
 * its .env and modules' module.json first — the same `workspace.expandTemplate` that Apply to local runtime uses.
 */
export async function editorManifest(client: WorkspaceClient, path: string): Promise<EditorManifest> {
  const { root, kinds } = useManifests.getState();
  const model = root ? getModel(root, path) : null;
  if (!root || !model) return { ok: false, message: `${baseName(path)} is not open in the editor.`, path };
  const text = model.getValue();
  if (kinds[path] !== 'template') return { ok: true, text, name: baseName(path), path };
  const result = await client.expandTemplate({ path, text }).catch((error: unknown) => ({ ok: false as const, error: { code: 'DISCONNECTED' as const, message: errorMessage(error), details: undefined } }));
  if (result.ok) return { ok: true, text: result.value.text, name: result.value.outputName, path };
  return { ok: false, message: `Could not expand ${baseName(path)}: ${result.error.message}`, path };
}
