/**
 * Reads what the route graph needs from a deployment manifest's text, tolerantly: jsonc-parser's `parseTree`
 * keeps whatever it could read from broken JSON, so a half-typed manifest still shows its routes. Nothing
 * here throws. Where the manifest is:
 * - `modulesContent`, the old spelling `moduleContent`, or `content.modulesContent` (an IoT Hub configuration);
 * - `$edgeAgent` → `properties.desired` → `modules.<name>`; `$edgeHub` → `properties.desired` → `routes.<name>`;
 * - layered deployments write `properties.desired.modules.<name>` / `properties.desired.routes.<name>` keys.
 * Duplicate keys: the last one wins, as with JSON.parse. Member names inside `properties.desired` match
 * case-insensitively when there is no exact match, as Newtonsoft binds them in edgeAgent and edgeHub.
 */
import { type Node } from 'jsonc-parser';
import { objectMember, objectMembers, parseTreeBounded } from '../../../../shared/manifest';

export interface ManifestRoute {
  readonly name: string;
  readonly value: unknown;
  /** The value node (string, object, or whatever was written). */
  readonly node: Node;
}

export interface ManifestRoutes {
  /** Deployed custom module names (`$edgeAgent` modules), in document order. */
  readonly modules: readonly string[];
  readonly routes: readonly ManifestRoute[];
  readonly layered: boolean;
  readonly schemaVersion?: string;
  readonly notice?: string;
}

const DESIRED = 'properties.desired';
const LAYERED_PREFIX = `${DESIRED}.`;

const entries = objectMembers;
const member = objectMember;

/** The plain value of a node like JSON.parse builds it (a `__proto__` key stays data). */
export function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const [key, value] of entries(node)) {
        Object.defineProperty(result, key, { value: nodeValue(value), enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

function findModulesContent(root: Node | undefined): Node | undefined {
  const content = member(root, 'content');
  const candidates = [member(root, 'modulesContent'), member(root, 'moduleContent'), member(content, 'modulesContent'), member(content, 'moduleContent')];
  const found = candidates.find((node) => node !== undefined);
  if (found) return found;
  // No wrapper at all, but the twins themselves: read them as they are.
  return member(root, '$edgeAgent') || member(root, '$edgeHub') ? root : undefined;
}

/**
 * A twin in modulesContent, or, when broken JSON (say, a missing `}`) nested it elsewhere, the first object
 * under that key anywhere in the document.
 */
function findTwin(content: Node, root: Node, name: string): Node | undefined {
  const direct = member(content, name);
  if (direct) return direct;
  const search = (node: Node, depth: number): Node | undefined => {
    if (depth > 12) return undefined;
    for (const [key, value] of entries(node)) {
      if (key === name && value.type === 'object') return value;
      const inner = search(value, depth + 1);
      if (inner) return inner;
    }
    return undefined;
  };
  return search(root, 0);
}

/** `properties.desired.<path>` keys of a layered twin, as [path segments, value node]. */
function layeredPaths(twin: Node | undefined): [string[], Node][] {
  return entries(twin)
    .filter(([key]) => key.startsWith(LAYERED_PREFIX))
    .map(([key, value]): [string[], Node] => [key.slice(LAYERED_PREFIX.length).split('.'), value]);
}

/** Named entries of a whole object (`modules`, `routes`) plus the layered `<head>.<name>` keys. */
function namedEntries(twin: Node | undefined, head: string): [string, Node][] {
  const whole = member(member(twin, DESIRED), head, true);
  const layered = layeredPaths(twin).flatMap(([path, value]): [string, Node][] => {
    if (path.length === 1 && path[0] === head) return entries(value);
    if (path.length === 2 && path[0] === head && path[1] !== undefined && path[1] !== '') return [[path[1], value]];
    return [];
  });
  const merged = new Map<string, Node>();
  for (const [name, value] of [...entries(whole), ...layered]) merged.set(name, value);
  return [...merged];
}

export function readManifestRoutes(text: string): ManifestRoutes {
  // A byte-order mark is not JSON; a space keeps every offset where it was.
  const source = text.startsWith('\uFEFF') ? ` ${text.slice(1)}` : text;
  const root = parseTreeBounded(source, [], { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  if (root?.type !== 'object') return { modules: [], routes: [], layered: false, notice: text.trim() === '' ? 'The manifest is empty.' : 'The text is not a JSON object.' };
  const content = findModulesContent(root);
  if (content?.type !== 'object') return { modules: [], routes: [], layered: false, notice: 'No modulesContent found.' };
  const agent = findTwin(content, root, '$edgeAgent');
  const hub = findTwin(content, root, '$edgeHub');
  const layered = entries(content).some(([, twin]) => entries(twin).some(([key]) => key.startsWith(LAYERED_PREFIX)));
  const modules = namedEntries(agent, 'modules').map(([name]) => name);
  const routes = namedEntries(hub, 'routes').map(([name, node]) => ({ name, node, value: nodeValue(node) }));
  const version = member(member(hub, DESIRED), 'schemaVersion')?.value;
  const notice = hub ? undefined : 'No $edgeHub routes found.';
  return {
    modules,
    routes,
    layered,
    ...(typeof version === 'string' ? { schemaVersion: version } : {}),
    ...(notice ? { notice } : {}),
  };
}
