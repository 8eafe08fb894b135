/**
 * Routes: each route text is compiled with the shared route compiler (shared/routes), and its errors
 * are located at the exact character inside the JSON string (escapes included). A syntax error makes
 * edgeHub reject the whole configuration (code 400); a route that parses but does not compile is
 * rejected when the router adds it — an error either way. Routes that name modules which are not
 * deployed are likely mistakes that edgeHub accepts: warnings.
 */
import { compileRoute, type CompiledRoute } from '../routes/index.js';
import { CheckContext, hasTemplateToken } from './check-context.js';
import type { RouteEntry } from './check-edge-hub.js';

/**
 * @param deployed custom module names of the deployment; undefined when unknown (layered deployment,
 * or no $edgeAgent), which skips the reference checks.
 */
export function checkRoutes(ctx: CheckContext, routes: readonly RouteEntry[], deployed: readonly string[] | undefined): void {
  for (const route of routes) {
    if (ctx.isTemplate && hasTemplateToken(route.text.replace(/\$upstream/gi, ''))) {
      const compiled = compileRoute(maskForTemplate(route.text));
      if (compiled.ok) reportReferences(ctx, route, compiled.value, deployed);
      continue;
    }
    const compiled = compileRoute(route.text);
    if (!compiled.ok) {
      const { message, column, length } = compiled.error;
      const phase = compiled.error.phase === 'parse' ? 'edgeHub rejects the whole configuration (code 400)' : 'edgeHub rejects the route when it loads the configuration';
      const text = `Route "${route.name}" ${compiled.error.phase === 'parse' ? 'does not parse' : 'does not compile'}: ${message}; ${phase}.`;
      if (column > 0) ctx.reportInString('GH4001', route.textPointer, column - 1, Math.max(1, length ?? 1), text);
      else ctx.report('GH4001', route.textPointer, text);
      continue;
    }
    for (const warning of compiled.value.warnings) {
      const text = `Route "${route.name}": ${warning.message}.`;
      if (warning.column > 0) ctx.reportInString('GH4011', route.textPointer, warning.column - 1, Math.max(1, warning.length ?? 1), text);
      else ctx.report('GH4011', route.textPointer, text);
    }
    reportReferences(ctx, route, compiled.value, deployed);
  }
}

function reportReferences(ctx: CheckContext, route: RouteEntry, compiled: CompiledRoute, deployed: readonly string[] | undefined): void {
  if (!deployed) return;
  const { sourceModule, sinkModule, sinkInput } = compiled.references;
  if (sourceModule && !hasTemplateToken(sourceModule) && !deployed.some((m) => m.toLowerCase() === sourceModule.toLowerCase())) {
    const at = indexOfName(route.text, sourceModule);
    ctx.reportInString('GH4006', route.textPointer, at, sourceModule.length, `Route "${route.name}" reads messages from module "${sourceModule}", which is not deployed in this manifest, so the route never fires. Check the module name${suggest(sourceModule, deployed)}.`);
  }
  if (sinkModule && !hasTemplateToken(sinkModule)) {
    const exact = deployed.includes(sinkModule);
    if (!exact) {
      const other = deployed.find((m) => m.toLowerCase() === sinkModule.toLowerCase());
      const at = route.text.lastIndexOf(sinkModule);
      const detail = other
        ? `differs in case from the deployed module "${other}"; deliveries go to the module identity with exactly this name`
        : `is not deployed in this manifest; messages for input "${sinkInput ?? ''}" are queued and never delivered`;
      ctx.reportInString('GH4007', route.textPointer, Math.max(0, at), sinkModule.length, `Route "${route.name}" sends to module "${sinkModule}", which ${detail}.${other ? '' : suggest(sinkModule, deployed)}`);
    }
  }
}

function indexOfName(text: string, name: string): number {
  const index = text.toLowerCase().indexOf(`/modules/${name.toLowerCase()}`);
  return index >= 0 ? index + '/modules/'.length : 0;
}

function suggest(name: string, deployed: readonly string[]): string {
  const lower = name.toLowerCase();
  const close = deployed.find((m) => m.toLowerCase().includes(lower) || lower.includes(m.toLowerCase()));
  return close ? ` (did you mean "${close}"?)` : deployed.length > 0 ? ` (deployed: ${deployed.join(', ')})` : '';
}

/** Template routes may hold `${VAR}` tokens; replace them by a plain name so the rest can still be checked. */
function maskForTemplate(text: string): string {
  return text.replace(/\$\{[^}]*\}/g, 'placeholder');
}
