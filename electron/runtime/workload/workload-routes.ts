import { appError, err, ok, type Result } from '../../../shared/errors';

/**
 * Request routing for the workload API, in the order edgelet's `http_common::make_service!` applies it
 * (iot-identity-service `http-common/src/server.rs`): first `api-version` (missing → 400 "api-version not
 * specified", unknown → 400 `invalid api-version "…"`), then the path (no match → 404 "not found"), then the
 * method (not implemented by the route → 400 "method not allowed"). Paths are matched on the raw, still
 * percent-encoded path with edgelet's regexes; module ids are then percent-decoded (bad encoding → 404).
 */

/**
 * Every version edgelet's `ApiVersion` parses (`edgelet-http/src/version.rs`); each workload route accepts
 * `2018-06-28..`, so all of them are valid here. The workload specs exist for 2018-06-28, 2019-01-30 and
 * 2020-07-07; the Node SDK always sends 2018-06-28, while modules built on SDKs that read IOTEDGE_APIVERSION
 * send whatever the agent injected (2022-08-03 for aziot-edged 1.4+).
 */
export const WORKLOAD_API_VERSIONS = ['2018-06-28', '2019-01-30', '2019-10-22', '2019-11-05', '2020-07-07', '2021-12-07', '2022-08-03'] as const;
export type WorkloadApiVersion = (typeof WORKLOAD_API_VERSIONS)[number];

export type WorkloadRoute =
  | { readonly kind: 'trust-bundle' }
  | { readonly kind: 'manifest-trust-bundle' }
  | { readonly kind: 'sign'; readonly moduleId: string; readonly generationId: string }
  | { readonly kind: 'server-certificate'; readonly moduleId: string; readonly generationId: string };

export interface RoutedRequest {
  readonly apiVersion: WorkloadApiVersion;
  readonly route: WorkloadRoute;
}

type Matcher = {
  readonly pattern: RegExp;
  readonly method: 'GET' | 'POST';
  readonly build: (groups: readonly string[]) => WorkloadRoute | undefined;
};

const moduleRoute =
  (kind: 'sign' | 'server-certificate') =>
  ([moduleId, generationId]: readonly string[]): WorkloadRoute | undefined => {
    const module = decode(moduleId);
    const generation = decode(generationId);
    return module === undefined || generation === undefined ? undefined : { kind, moduleId: module, generationId: generation };
  };

const ROUTES: readonly Matcher[] = [
  { pattern: /^\/trust-bundle$/, method: 'GET', build: () => ({ kind: 'trust-bundle' }) },
  { pattern: /^\/manifest-trust-bundle$/, method: 'GET', build: () => ({ kind: 'manifest-trust-bundle' }) },
  { pattern: /^\/modules\/([^/]+)\/genid\/([^/]+)\/sign$/, method: 'POST', build: moduleRoute('sign') },
  { pattern: /^\/modules\/([^/]+)\/genid\/([^/]+)\/certificate\/server$/, method: 'POST', build: moduleRoute('server-certificate') },
];

/** `url` is the request target as node gives it (`/path?query`). */
export function routeRequest(method: string, url: string): Result<RoutedRequest> {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const versions = new URLSearchParams(q < 0 ? '' : url.slice(q + 1)).getAll('api-version');
  const requested = versions[versions.length - 1];
  if (requested === undefined) return err(appError('BAD_REQUEST', 'api-version not specified'));
  const apiVersion = WORKLOAD_API_VERSIONS.find((v) => v === requested);
  if (!apiVersion) return err(appError('BAD_REQUEST', `invalid api-version ${JSON.stringify(requested)}`));

  for (const matcher of ROUTES) {
    const match = matcher.pattern.exec(path);
    if (!match) continue;
    const route = matcher.build(match.slice(1));
    if (!route) continue;
    if (method !== matcher.method) return err(appError('UNKNOWN_METHOD', 'method not allowed'));
    return ok({ apiVersion, route });
  }
  return err(appError('NOT_FOUND', 'not found'));
}

function decode(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
