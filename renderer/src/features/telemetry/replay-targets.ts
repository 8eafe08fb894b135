import type { RouteConfigStatus } from '../../../../shared/ipc/edgehub.contract';

/**
 * Where a recording can be replayed: each module and the inputs the routes in force deliver to (`module/<m>/<input>`
 * endpoints), plus modules the runtime runs that no route feeds (their inputs are typed). Sorted by module name.
 */
export function replayTargets(routes: RouteConfigStatus['routes'] | undefined, runtimeModules: readonly string[]): Map<string, string[]> {
  const targets = new Map<string, Set<string>>();
  for (const route of routes ?? []) {
    if (!route.endpoint.startsWith('module/')) continue;
    const rest = route.endpoint.slice('module/'.length);
    const slash = rest.lastIndexOf('/');
    if (slash <= 0 || slash === rest.length - 1) continue;
    const module = rest.slice(0, slash);
    let inputs = targets.get(module);
    if (!inputs) targets.set(module, (inputs = new Set()));
    inputs.add(rest.slice(slash + 1));
  }
  for (const name of runtimeModules) if (!name.startsWith('$') && name !== 'edgeAgent' && name !== 'edgeHub' && !targets.has(name)) targets.set(name, new Set());
  return new Map([...targets.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([module, inputs]) => [module, [...inputs].sort()]));
}
