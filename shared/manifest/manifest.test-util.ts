/** Builders for small manifests in table-driven tests. */
import { validateManifest, type ManifestReport, type ValidateOptions } from './validate-manifest.js';
import type { Diagnostic } from './diagnostic.js';

export type Json = Record<string, unknown>;

export function module(overrides: Json = {}, settings: Json = {}): Json {
  return {
    version: '1.0',
    type: 'docker',
    status: 'running',
    restartPolicy: 'always',
    settings: { image: 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.0', createOptions: '{}', ...settings },
    ...overrides,
  };
}

export interface ManifestParts {
  readonly agent?: Json;
  readonly modules?: Json;
  readonly hub?: Json;
  readonly routes?: Json;
  readonly twins?: Json;
  readonly registryCredentials?: Json;
}

/** A valid deployment (schema 1.1/1.1) with one module `sensor`, adjustable per test. */
export function manifest(parts: ManifestParts = {}): Json {
  return {
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          runtime: {
            type: 'docker',
            settings: { minDockerVersion: 'v1.25', loggingOptions: '', ...(parts.registryCredentials ? { registryCredentials: parts.registryCredentials } : {}) },
          },
          systemModules: {
            edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5', createOptions: '{}' } },
            edgeHub: {
              type: 'docker',
              status: 'running',
              restartPolicy: 'always',
              settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5', createOptions: '{"HostConfig":{"PortBindings":{"8883/tcp":[{"HostPort":"8883"}]}}}' },
            },
          },
          modules: parts.modules ?? { sensor: module() },
          ...parts.agent,
        },
      },
      $edgeHub: {
        'properties.desired': {
          schemaVersion: '1.1',
          routes: parts.routes ?? { sensorToUpstream: 'FROM /messages/modules/sensor/outputs/* INTO $upstream' },
          storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
          ...parts.hub,
        },
      },
      ...parts.twins,
    },
  };
}

export function validate(value: unknown, options: ValidateOptions = { fileName: 'deployment.json' }): ManifestReport {
  return validateManifest(JSON.stringify(value, null, 2), options);
}

export function codes(report: ManifestReport, severity?: Diagnostic['severity']): string[] {
  return report.diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.code);
}

export function find(report: ManifestReport, code: string): Diagnostic | undefined {
  return report.diagnostics.find((d) => d.code === code);
}

export const AGENT = '/modulesContent/$edgeAgent/properties.desired';
export const HUB = '/modulesContent/$edgeHub/properties.desired';
