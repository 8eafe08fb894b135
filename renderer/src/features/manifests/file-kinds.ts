import type { TreeEntry } from '../../../../shared/ipc/workspace.contract';
import { parseDotEnv, validateManifest, type ManifestReport } from '../../../../shared/manifest';

/**
 * What a workspace file is, from its path: the editor language, the icon, and whether it is a deployment
 * manifest (validated live with the shared manifest checks).
 */
export type FileKind = 'manifest' | 'json' | 'env' | 'dockerfile' | 'code' | 'text';

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A first guess from the name alone (the icon of a file not opened yet, the schema's completions): deployment.json,
 * deployment.template.json, config/deployment.amd64.json, layered.json… Whether an open file IS a manifest is
 * decided by its content: see judgeFile.
 */
export function isManifestPath(path: string): boolean {
  const name = baseName(path).toLowerCase();
  if (!name.endsWith('.json')) return false;
  return name.startsWith('deployment') || name.startsWith('layered') || name.split('.').includes('template') || name.endsWith('.deployment.json');
}

/** A JSON file (or one with a manifest-like name) whose content may be a deployment. */
export function mayBeManifest(path: string): boolean {
  const kind = fileKind(path);
  return kind === 'manifest' || kind === 'json';
}

/** Keys only a deployment (or its bare twins) has, found in the text even when the JSON around them is broken. */
const MANIFEST_KEYS = /"(?:modulesContent|moduleContent|\$edgeAgent|\$edgeHub)"\s*:/;

/** The `.env` beside a file (workspace-relative, `/`-separated): the one the IoT Edge tools expand its template with. */
export function dotEnvBeside(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.env' : `${path.slice(0, slash + 1)}.env`;
}

/**
 * The variables a template is checked with: the `.env` beside it, as `gatehouse validate` and the IoT Edge tools
 * read it; undefined without one (the variables are then unknown and not judged). Only `.env`: the host's
 * environment is not sent to a window (the CLI also reads its own environment).
 */
export function templateEnv(dotEnvText: string | undefined): Record<string, string> | undefined {
  return dotEnvText === undefined ? undefined : parseDotEnv(dotEnvText);
}

/**
 * What the editor makes of an open file: the one content-based decision the CLI makes too (`gatehouse validate`
 * judges whatever it is given with validateManifest and reports its kind). A JSON file is a manifest when the
 * checks find one in it (kind deployment, template or layered), when its text has a deployment's keys (broken JSON
 * included: it gets our syntax diagnostics, not only the JSON worker's), or when its name says it should be one
 * (then "not a deployment manifest" is the verdict). Other files are not judged (`report` absent). `env`: the
 * template's variables (templateEnv), so a variable the `.env` does not set is named as the CLI names it.
 */
export function judgeFile(path: string, text: string, env?: Readonly<Record<string, string>>): { readonly manifest: boolean; readonly report?: ManifestReport } {
  if (!mayBeManifest(path)) return { manifest: false };
  const report = validateManifest(text, { fileName: path, kind: 'auto', ...(env ? { env } : {}) });
  const manifest = report.kind !== 'unknown' || isManifestPath(path) || MANIFEST_KEYS.test(text);
  return manifest ? { manifest, report } : { manifest };
}

export function fileKind(path: string): FileKind {
  const name = baseName(path).toLowerCase();
  if (isManifestPath(path)) return 'manifest';
  if (name.endsWith('.json') || name.endsWith('.jsonc')) return 'json';
  if (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')) return 'env';
  if (name.startsWith('dockerfile')) return 'dockerfile';
  if (/\.(js|mjs|cjs|ts|py|cs|csproj|sh|ps1|c|h|java|go|rs)$/.test(name)) return 'code';
  return 'text';
}

const LANGUAGES: Record<string, string> = {
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  ts: 'typescript',
  py: 'python',
  cs: 'csharp',
  csproj: 'xml',
  sh: 'shell',
  ps1: 'powershell',
  md: 'markdown',
  yml: 'yaml',
  yaml: 'yaml',
  ini: 'ini',
  toml: 'ini',
  c: 'cpp',
  h: 'cpp',
  java: 'java',
  go: 'go',
  rs: 'rust',
};

/** Monaco language id. `.env` is highlighted as ini (KEY=value, # comments). */
export function languageOf(path: string): string {
  const kind = fileKind(path);
  if (kind === 'manifest' || kind === 'json') return 'json';
  if (kind === 'env') return 'ini';
  if (kind === 'dockerfile') return 'dockerfile';
  const ext = baseName(path).toLowerCase().split('.').pop() ?? '';
  return LANGUAGES[ext] ?? 'plaintext';
}

export interface TreeNode {
  readonly path: string;
  readonly name: string;
  readonly kind: TreeEntry['kind'];
  readonly size?: number;
  readonly children: TreeNode[];
}

/** Nests the host's flat, depth-first listing (parents always come before their children). */
export function buildTree(entries: readonly TreeEntry[]): TreeNode[] {
  const roots: TreeNode[] = [];
  const folders = new Map<string, TreeNode>();
  for (const entry of entries) {
    const node: TreeNode = { ...entry, children: [] };
    const slash = entry.path.lastIndexOf('/');
    const parent = slash < 0 ? undefined : folders.get(entry.path.slice(0, slash));
    (parent ? parent.children : roots).push(node);
    if (entry.kind === 'directory') folders.set(entry.path, node);
  }
  return roots;
}

/** The folders that contain `path` (`a/b/c.json` → `a`, `a/b`). */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
