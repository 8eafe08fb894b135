import { z } from 'zod';
import { appError, assertNever, err, ok, type Result } from '../../../shared/errors';
import type { CertificateIssuer } from './edge-ca';
import type { IdentityProvider } from './identity-provider';
import { hmacSha256Base64 } from '../../protocol/sas-token';
import { routeRequest, type WorkloadRoute } from './workload-routes';

/**
 * The workload API behind the transport: a request in, `Result<reply>` out (errors as data; `workload-server.ts`
 * maps codes to HTTP statuses and `{message}` bodies). Messages and the order of checks follow
 * edgelet-http-workload: authorise the caller, then the body, then the identity.
 *
 * Who may act for module `m` (edgelet's `auth_caller`, 403 "forbidden" otherwise): the caller is the module whose
 * socket the request came in on, and the path's module must be that module (a leading `$` is ignored on both
 * sides, as edgelet does for `$edgeHub`). There is no other kind of caller: a transport that cannot say which
 * module is calling (loopback TCP, shared by every host-network container) is not offered at all.
 */

export type WorkloadCaller = { readonly kind: 'module-socket'; readonly moduleId: string };

export interface WorkloadRequest {
  readonly method: string;
  /** `/path?query` as received. */
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: Buffer;
  readonly caller: WorkloadCaller;
}

export interface WorkloadReply {
  readonly status: 200 | 201;
  readonly body: unknown;
}

export interface WorkloadDeps {
  readonly identities: Pick<IdentityProvider, 'getModule'>;
  readonly ca: CertificateIssuer;
}

/** edgelet reads only `data`; `keyId` and `algo` are accepted and ignored (the module's primary key, HMAC-SHA256). */
const SignRequest = z.object({ data: z.string(), keyId: z.string().optional(), algo: z.string().optional() });
/** `expiration` was required by the 2018-06-28 spec; aziot-edged ignores it, we honour it (capped by the CA). */
const ServerCertificateRequest = z.object({ commonName: z.string().min(1), expiration: z.string().optional() });

const FORBIDDEN = appError('UNAUTHORIZED', 'forbidden');

export function createWorkloadHandler(deps: WorkloadDeps): (request: WorkloadRequest) => Promise<Result<WorkloadReply>> {
  return async (request) => {
    const routed = routeRequest(request.method, request.url);
    if (!routed.ok) return routed;
    const route: WorkloadRoute = routed.value.route;
    switch (route.kind) {
      case 'trust-bundle':
        return ok({ status: 200, body: { certificate: deps.ca.trustBundlePem() } });
      case 'manifest-trust-bundle':
        // Optional in edgelet: an empty string when no manifest trust bundle is configured (none is, here).
        return ok({ status: 200, body: { certificate: '' } });
      case 'sign':
        return sign(deps, request, route.moduleId);
      case 'server-certificate':
        return serverCertificate(deps, request, route.moduleId);
      default:
        return assertNever(route, 'workload route');
    }
  };
}

async function sign(deps: WorkloadDeps, request: WorkloadRequest, moduleId: string): Promise<Result<WorkloadReply>> {
  if (!authorized(request.caller, moduleId)) return err(FORBIDDEN);
  const body = parseBody(request, SignRequest, 'missing parameter: request body');
  if (!body.ok) return body;
  const data = decodeBase64Strict(body.value.data);
  if (data === undefined) return err(appError('BAD_REQUEST', 'invalid parameter: data is not valid base64'));
  const identity = await deps.identities.getModule(moduleId);
  if (!identity) return err(appError('INTERNAL', `failed to get module identity for ${moduleId}: not found`));
  return ok({ status: 200, body: { digest: hmacSha256Base64(identity.primaryKey, data) } });
}

async function serverCertificate(deps: WorkloadDeps, request: WorkloadRequest, moduleId: string): Promise<Result<WorkloadReply>> {
  if (!authorized(request.caller, moduleId)) return err(FORBIDDEN);
  const body = parseBody(request, ServerCertificateRequest, 'missing request body');
  if (!body.ok) return body;
  const { commonName, expiration } = body.value;
  const notAfter = expiration === undefined ? undefined : new Date(expiration);
  if (notAfter && Number.isNaN(notAfter.getTime())) return err(appError('BAD_REQUEST', 'invalid parameter: expiration is not an ISO 8601 date-time'));
  // SANs as edgelet: the common name (an IP SAN when it is an address) and the module id without its `$`.
  const hostnames = [commonName, trimDollar(moduleId)];
  const issued = await deps.ca.issueServerCertificate(notAfter ? { commonName, hostnames, notAfter } : { commonName, hostnames });
  if (!issued.ok) return issued;
  const { privateKeyPem, certificatePem, expiration: expires } = issued.value;
  return ok({ status: 201, body: { privateKey: { type: 'key', bytes: privateKeyPem }, certificate: certificatePem, expiration: rfc3339(expires) } });
}

function authorized(caller: WorkloadCaller, moduleId: string): boolean {
  switch (caller.kind) {
    case 'module-socket':
      return trimDollar(caller.moduleId) === trimDollar(moduleId);
    default:
      return assertNever(caller.kind, 'workload caller');
  }
}

/**
 * A body is read only when it is non-empty and its Content-Type is absent or application/json (otherwise edgelet
 * treats it as missing). JSON or schema errors are 422 in edgelet; they are BAD_REQUEST (400) here.
 */
function parseBody<T>(request: WorkloadRequest, schema: z.ZodType<T>, missing: string): Result<T> {
  const mediaType = request.contentType?.split(';')[0]?.trim().toLowerCase();
  if (request.body.length === 0 || (mediaType !== undefined && mediaType !== 'application/json')) return err(appError('BAD_REQUEST', missing));
  let json: unknown;
  try {
    json = JSON.parse(request.body.toString('utf8'));
  } catch (cause) {
    return err(appError('BAD_REQUEST', `invalid request body: ${String(cause)}`));
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return err(appError('BAD_REQUEST', `invalid request body: ${parsed.error.issues[0]?.message ?? 'schema'}`, { issues: parsed.error.issues }));
  return ok(parsed.data);
}

/** Standard alphabet, padding required, no whitespace, zero trailing bits: what edgelet's base64 STANDARD engine accepts. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function trimDollar(moduleId: string): string {
  return moduleId.replace(/^\$+/, '');
}

/** chrono's `to_rfc3339()` for a UTC time: `2025-01-31T12:00:00+00:00`. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
