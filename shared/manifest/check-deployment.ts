/**
 * Checks of a whole (non-layered) modulesContent: the two system twins, the custom module twins, the
 * schema of each system twin, routes against the deployed modules, IoT Hub twin limits and leftover
 * placeholders.
 */
import { CheckContext, hasTemplateToken } from './check-context.js';
import { checkEdgeAgent } from './check-edge-agent.js';
import { checkEdgeHub } from './check-edge-hub.js';
import { checkPlaceholders } from './check-placeholders.js';
import { checkRoutes } from './check-routes.js';
import { checkSchema } from './check-schema.js';
import { checkTwinLimits } from './check-twin-limits.js';
import { childPointer } from './json-pointer.js';
import { isObject } from './newtonsoft-compat.js';

const DESIRED = 'properties.desired';

/** The `$edgeHub` twin a deployment needs at minimum (offered as a quick fix when it is missing). */
export const DEFAULT_EDGE_HUB = {
  [DESIRED]: {
    schemaVersion: '1.1',
    routes: {},
    storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
  },
};

export function checkDeploymentContent(ctx: CheckContext, pointer: string, modulesContent: Record<string, unknown>): void {
  let moduleNames: readonly string[] = [];
  const agent = systemDesired(ctx, pointer, modulesContent, '$edgeAgent');
  if (agent) {
    const facts = checkEdgeAgent(ctx, agent.pointer, agent.desired);
    moduleNames = facts.moduleNames;
    checkSchema(ctx, '$edgeAgent', facts.schema, agent.pointer, agent.desired);
  }
  const hub = systemDesired(ctx, pointer, modulesContent, '$edgeHub');
  if (hub) {
    const facts = checkEdgeHub(ctx, hub.pointer, hub.desired);
    if (facts.schema) checkSchema(ctx, '$edgeHub', facts.schema, hub.pointer, hub.desired);
    checkRoutes(ctx, facts.routes, agent ? moduleNames : undefined);
  }
  for (const [twin, content] of Object.entries(modulesContent)) {
    const twinPointer = childPointer(pointer, twin);
    if (!isObject(content)) {
      ctx.report('GH2005', twinPointer, `The twin "${twin}" must be an object { "properties.desired": { … } }.`);
      continue;
    }
    const desired = content[DESIRED];
    if (twin !== '$edgeAgent' && twin !== '$edgeHub') {
      if (!isObject(desired)) {
        ctx.report('GH2007', twinPointer, `The twin "${twin}" has no "properties.desired" object, so nothing is applied to it. Wrap its settings in "properties.desired".`, { part: 'key' });
        continue;
      }
      if (agent && !moduleNames.includes(twin) && !(ctx.isTemplate && hasTemplateToken(twin))) {
        ctx.report('GH2028', twinPointer, `"${twin}" has desired properties but no module of that name is deployed under $edgeAgent modules, so no twin receives them. Check the spelling (module names are case-sensitive).`, { part: 'key' });
      }
    }
    if (isObject(desired)) checkTwinLimits(ctx, twin, childPointer(twinPointer, DESIRED), desired);
  }
  checkPlaceholders(ctx, pointer, modulesContent);
}

interface SystemDesired {
  readonly pointer: string;
  readonly desired: Record<string, unknown>;
}

function systemDesired(ctx: CheckContext, pointer: string, modulesContent: Record<string, unknown>, twin: '$edgeAgent' | '$edgeHub'): SystemDesired | undefined {
  const twinPointer = childPointer(pointer, twin);
  if (!(twin in modulesContent)) {
    if (twin === '$edgeAgent') {
      ctx.report('GH2003', pointer, 'modulesContent has no "$edgeAgent"; without it no module is deployed and the device reports 417 (empty configuration). Add the $edgeAgent twin with schemaVersion, runtime and systemModules.', { part: 'auto' });
    } else {
      ctx.report('GH2004', pointer, 'modulesContent has no "$edgeHub"; edgeHub then has no configuration (no schemaVersion, no routes) and rejects it, so no messages are routed. Add the $edgeHub twin.', {
        part: 'auto',
        fix: { title: 'Add a $edgeHub twin (schema 1.1, no routes, TTL 7200 s)', edits: [{ op: 'add', path: twinPointer, value: DEFAULT_EDGE_HUB }] },
      });
    }
    return undefined;
  }
  const content = modulesContent[twin];
  const desired = isObject(content) ? content[DESIRED] : undefined;
  if (!isObject(desired)) {
    ctx.report('GH2005', isObject(content) ? twinPointer : twinPointer, `${twin} must contain a "properties.desired" object; ${twin === '$edgeAgent' ? 'the agent reports 417 (empty configuration)' : 'edgeHub rejects its configuration'}.`, { part: 'key' });
    return undefined;
  }
  return { pointer: childPointer(twinPointer, DESIRED), desired };
}
