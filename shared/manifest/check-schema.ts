/**
 * Runs the generated (standalone, eval-free) ajv validators of resources/schemas and turns their
 * errors into diagnostics. The schemas describe the documented form; an ajv error that IoT Edge
 * would in fact accept (a property name in another case, a number where a string is expected, a value
 * a semantic check already explained) is dropped or downgraded here, so the verdict stays IoT Edge's.
 */
import {
  validateEdgeAgent_1_0,
  validateEdgeAgent_1_1,
  validateEdgeHub_1_0,
  validateEdgeHub_1_1,
  validateEdgeHub_1_2,
  validateEdgeHub_1_3,
  type GeneratedValidationError,
  type GeneratedValidator,
} from './generated/edge-validators.js';
import type { CheckContext } from './check-context.js';
import type { DiagnosticCode } from './diagnostic-codes.js';
import type { EdgeAgentSchema } from './check-edge-agent.js';
import type { EdgeHubSchema } from './check-edge-hub.js';
import { childPointer, getAtPointer, lastSegment, parentPointer } from './json-pointer.js';
import { findProperty } from './newtonsoft-compat.js';

const AGENT: Record<EdgeAgentSchema, GeneratedValidator> = { '1.0': validateEdgeAgent_1_0, '1.1': validateEdgeAgent_1_1 };
/** The only requirements that depend on the schema version: edgeHub 1.0 requires nothing but schemaVersion. */
const SINCE_1_1 = new Set(['routes', 'storeAndForwardConfiguration']);
const HUB: Record<EdgeHubSchema, GeneratedValidator> = { '1.0': validateEdgeHub_1_0, '1.1': validateEdgeHub_1_1, '1.2': validateEdgeHub_1_2, '1.3': validateEdgeHub_1_3 };

export function checkSchema(ctx: CheckContext, twin: '$edgeAgent' | '$edgeHub', version: string, pointer: string, desired: unknown): void {
  const validator = twin === '$edgeAgent' ? AGENT[version as EdgeAgentSchema] : HUB[version as EdgeHubSchema];
  if (!validator || validator(desired)) return;
  const semanticPointers = new Set(ctx.diagnostics.map((d) => d.pointer));
  const seen = new Set<string>();
  for (const error of validator.errors ?? []) {
    if (error.keyword === 'if' || error.schemaPath.includes('/anyOf/')) continue;
    const target = error.keyword === 'required' ? childPointer(error.instancePath, String(error.params['missingProperty'])) : error.instancePath;
    const at = pointer + target;
    if (semanticPointers.has(at) || seen.has(at)) continue;
    const value = getAtPointer(desired, error.instancePath);
    const mapped = mapError(ctx, error, value, desired, twin, version);
    if (!mapped) continue;
    seen.add(at);
    const reportAt = error.keyword === 'required' ? pointer + error.instancePath : at;
    ctx.report(mapped.code, reportAt, mapped.message, mapped.code === 'GH2010' ? { part: 'auto' } : {});
  }
}

interface Mapped {
  readonly code: DiagnosticCode;
  readonly message: string;
}

function mapError(ctx: CheckContext, error: GeneratedValidationError, value: unknown, desired: unknown, twin: string, version: string): Mapped | undefined {
  const where = describePath(twin, error.instancePath);
  const templated = ctx.isTemplate && typeof value === 'string' && /\$\{|^\$\w/.test(value);
  switch (error.keyword) {
    case 'required': {
      const missing = String(error.params['missingProperty']);
      const holder = getAtPointer(desired, error.instancePath);
      if (findProperty(holder, missing)) return undefined; // present in another case: Newtonsoft binds it (GH2025 warns)
      if (missing === 'edgeHub' && error.instancePath.endsWith('/systemModules')) {
        return { code: 'GH2010', message: 'systemModules has no "edgeHub": the agent then runs no edgeHub (and removes a running one), so modules cannot connect and no message is routed. Add systemModules.edgeHub.' };
      }
      const since = twin === '$edgeHub' && error.instancePath === '' && SINCE_1_1.has(missing) ? ` from schemaVersion 1.1 on (this is ${version})` : '';
      return { code: 'GH2010', message: `${where} is missing "${missing}", which ${twin === '$edgeAgent' ? 'edgeAgent' : 'edgeHub'} requires${since}; the deployment is rejected. Add "${missing}".` };
    }
    case 'type': {
      const expected = String(error.params['type']);
      if (templated) return undefined;
      if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
        return { code: 'GH2027', message: `${where} should be a string; the ${typeof value} ${JSON.stringify(value)} is converted to text by IoT Edge. Write it as a string.` };
      }
      if (expected === 'integer' && typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
        return { code: 'GH2027', message: `${where} should be a number; the string ${JSON.stringify(value)} is converted by IoT Edge. Write it as a JSON number.` };
      }
      return { code: 'GH2011', message: `${where} must be ${expected.replace(/,/g, ' or ')}, not ${kind(value)}; IoT Edge cannot read it and rejects the deployment.` };
    }
    case 'const':
    case 'enum': {
      if (templated) return undefined;
      const allowed = error.keyword === 'const' ? [error.params['allowedValue']] : (error.params['allowedValues'] as unknown[]);
      return { code: 'GH2012', message: `${where} is ${JSON.stringify(value)}; allowed: ${allowed.map((v) => JSON.stringify(v)).join(', ')}.` };
    }
    case 'minimum':
    case 'maximum':
    case 'anyOf':
      return { code: 'GH2013', message: `${where} is ${JSON.stringify(value)}, which is out of range (${error.message ?? 'see the schema'}); the deployment is rejected.` };
    case 'pattern':
      if (templated) return undefined;
      return { code: 'GH2014', message: `${where} must not be blank; the deployment is rejected.` };
    default:
      return { code: 'GH2019', message: `${where}: ${error.message ?? error.keyword}.` };
  }
}

function describePath(twin: string, instancePath: string): string {
  if (instancePath === '') return `${twin} desired properties`;
  const name = lastSegment(instancePath) ?? '';
  const parent = lastSegment(parentPointer(instancePath));
  return parent ? `"${name}" in ${parent}` : `"${name}"`;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${JSON.stringify(value)}`;
}
