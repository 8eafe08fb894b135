/**
 * The closed catalogue of manifest diagnostic codes. A code never changes meaning or severity; the UI
 * switches on it. Ranges: GH1xxx document/JSON, GH2xxx structure and schema, GH3xxx modules,
 * GH4xxx routes, GH5xxx IoT Hub twin limits, GH6xxx templates and placeholders, GH7xxx layered
 * deployments and IoT Hub configurations. README.md in this folder explains each one.
 *
 * Severity rule: `error` only when IoT Edge (or IoT Hub, on the way to the device) would refuse the
 * deployment or could not run a module; a likely mistake that IoT Edge accepts is a `warning`;
 * a remark is `info`.
 */
import type { Severity } from './diagnostic.js';

interface CodeInfo {
  readonly severity: Severity;
  readonly title: string;
}

export const DIAGNOSTIC_CODES = {
  // GH1xxx: the JSON document
  GH1001: { severity: 'error', title: 'JSON syntax error' },
  GH1002: { severity: 'error', title: 'Comment in JSON' },
  GH1003: { severity: 'error', title: 'Trailing comma' },
  GH1004: { severity: 'warning', title: 'Duplicate key (the last value wins)' },
  GH1005: { severity: 'info', title: 'UTF-8 byte-order mark' },
  GH1006: { severity: 'error', title: 'Not a deployment manifest' },
  GH1007: { severity: 'error', title: 'Nested too deep' },
  GH1008: { severity: 'info', title: 'More diagnostics left out' },
  // GH2xxx: structure and schema
  GH2001: { severity: 'error', title: 'modulesContent missing' },
  GH2002: { severity: 'warning', title: 'Old spelling moduleContent' },
  GH2003: { severity: 'error', title: '$edgeAgent missing' },
  GH2004: { severity: 'error', title: '$edgeHub missing' },
  GH2005: { severity: 'error', title: 'properties.desired missing or not an object' },
  GH2006: { severity: 'error', title: 'Empty $edgeAgent configuration' },
  GH2007: { severity: 'warning', title: 'Module twin entry without properties.desired' },
  GH2008: { severity: 'warning', title: 'Both modulesContent and moduleContent' },
  GH2009: { severity: 'warning', title: 'Twins at the top level, without modulesContent' },
  GH2010: { severity: 'error', title: 'Required property missing' },
  GH2011: { severity: 'error', title: 'Wrong value type' },
  GH2012: { severity: 'error', title: 'Value not allowed' },
  GH2013: { severity: 'error', title: 'Number out of range' },
  GH2014: { severity: 'error', title: 'Value does not match the expected format' },
  GH2019: { severity: 'error', title: 'Schema violation' },
  GH2020: { severity: 'error', title: 'Unsupported $edgeAgent schemaVersion' },
  GH2021: { severity: 'error', title: 'Invalid $edgeAgent schemaVersion' },
  GH2022: { severity: 'error', title: 'Unsupported $edgeHub schemaVersion' },
  GH2023: { severity: 'error', title: 'Invalid or missing $edgeHub schemaVersion' },
  GH2024: { severity: 'warning', title: 'schemaVersion is not a string' },
  GH2025: { severity: 'warning', title: 'Property name differs in case' },
  GH2027: { severity: 'warning', title: 'Value converted by IoT Edge' },
  GH2028: { severity: 'warning', title: 'Twin for a module that is not deployed' },
  // GH3xxx: modules
  GH3001: { severity: 'error', title: 'Invalid module name' },
  GH3002: { severity: 'error', title: 'Module name collides with a system module' },
  GH3003: { severity: 'warning', title: 'Value spelled differently from the documented form' },
  GH3004: { severity: 'warning', title: 'Status that the agent does not act on' },
  GH3005: { severity: 'info', title: 'Setting ignored for edgeAgent' },
  GH3006: { severity: 'warning', title: 'Custom module restartPolicy is unknown' },
  GH3020: { severity: 'error', title: 'Image reference rejected by edgeAgent' },
  GH3021: { severity: 'error', title: 'Image reference rejected by Docker' },
  GH3022: { severity: 'info', title: 'Image without a tag' },
  GH3023: { severity: 'error', title: 'Unexpanded placeholder as image' },
  GH3030: { severity: 'info', title: 'Environment value is not a string' },
  GH3031: { severity: 'warning', title: 'Unusual environment variable name' },
  GH3032: { severity: 'warning', title: 'Environment variable without a value' },
  GH3040: { severity: 'error', title: 'createOptions is not valid JSON' },
  GH3041: { severity: 'warning', title: 'createOptions is an object in a deployment' },
  GH3042: { severity: 'error', title: 'Bad createOptions chunk sequence' },
  GH3043: { severity: 'error', title: 'createOptions chunk longer than 4 KB' },
  GH3044: { severity: 'error', title: 'More than 100 createOptions chunks' },
  GH3045: { severity: 'warning', title: 'createOptions is not strict JSON' },
  GH3046: { severity: 'error', title: 'createOptions field has the wrong type' },
  GH3047: { severity: 'warning', title: 'Unknown createOptions field' },
  GH3048: { severity: 'error', title: 'createOptions is not a JSON object' },
  GH3049: { severity: 'info', title: 'createOptions string could be an object in a template' },
  GH3050: { severity: 'error', title: 'Incomplete registry credentials' },
  GH3051: { severity: 'warning', title: 'Registry password written inline' },
  GH3052: { severity: 'info', title: 'No registry credentials for a private registry' },
  GH3053: { severity: 'warning', title: 'Registry credentials outside registryCredentials (ignored)' },
  GH3060: { severity: 'error', title: 'Bind mount with a relative container path' },
  // GH4xxx: routes
  GH4001: { severity: 'error', title: 'Route does not compile' },
  GH4002: { severity: 'error', title: 'Malformed route value' },
  GH4003: { severity: 'error', title: 'Empty route' },
  GH4004: { severity: 'error', title: 'Invalid route priority' },
  GH4005: { severity: 'error', title: 'Invalid route timeToLiveSecs' },
  GH4006: { severity: 'warning', title: 'Route source names a module that is not deployed' },
  GH4007: { severity: 'warning', title: 'Route sink names a module that is not deployed' },
  GH4008: { severity: 'warning', title: 'Empty route (skipped by edgeHub 1.0)' },
  GH4009: { severity: 'info', title: 'Unknown route member (ignored)' },
  GH4011: { severity: 'warning', title: 'Route compiles but probably does not do what was meant' },
  // GH5xxx: IoT Hub twin limits
  GH5001: { severity: 'error', title: 'Property name not allowed in a twin' },
  GH5002: { severity: 'error', title: 'Property name longer than 1 KB' },
  GH5003: { severity: 'error', title: 'String value longer than 4 KB' },
  GH5004: { severity: 'error', title: 'Desired properties larger than 32 KB' },
  GH5005: { severity: 'error', title: 'Desired properties nested deeper than 10 levels' },
  GH5006: { severity: 'error', title: 'Integer outside the twin range' },
  // GH6xxx: templates and placeholders
  GH6001: { severity: 'error', title: 'Unresolved variable' },
  GH6002: { severity: 'error', title: 'Unresolved module image placeholder' },
  GH6003: { severity: 'error', title: 'Module has no such platform' },
  GH6004: { severity: 'error', title: 'createOptions too big for the tooling (4 KB)' },
  GH6005: { severity: 'warning', title: 'Template placeholder in a deployment' },
  GH6006: { severity: 'warning', title: 'Unexpanded $VARIABLE in a deployment' },
  GH6007: { severity: 'warning', title: 'Placeholder outside quotes (iotedgedev only)' },
  GH6008: { severity: 'warning', title: 'Template-only key in a deployment' },
  // GH7xxx: layered deployments and IoT Hub configurations
  GH7001: { severity: 'error', title: 'Layered path not under properties.desired' },
  GH7002: { severity: 'warning', title: 'Layered deployment sets a whole twin' },
  GH7003: { severity: 'warning', title: 'Questionable IoT Hub configuration field' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function severityOf(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity;
}
