import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseSasToken } from '../../protocol/sas-token';
import type { SharedAccessPolicy } from './hub-model';
import { describeAuthFailure, type ServiceAuthFailure } from './service-auth';

/**
 * SAS tokens on the local hub's Event Hubs-compatible endpoint, as the Event Hubs client makes them
 * (`SharedAccessSignature sr=<audience>&sig=…&se=…&skn=<policy>`, audience `sb://<host>[:port]/<entity>[/…]`):
 * the policy named by `skn` must exist and have ServiceConnect (iothubowner, service — as on IoT Hub), `se` must not
 * be past, and the HMAC must be made with its primary or secondary key — used, as Event Hubs does (core-amqp's
 * `signString`), as the UTF-8 bytes of the key text, not base64-decoded as IoT Hub's own tokens are. The verified audience path (after the host)
 * is the claim: it authorizes links whose address is that path or lies under it.
 */

export interface EventHubsAudience {
  /** Host names the endpoint answers to (`localhost`, `127.0.0.1`, …). */
  readonly hostNames: readonly string[];
  /** Ports a token's audience may name (the AMQP port; an audience without a port is accepted too). */
  readonly ports: readonly number[];
}

export type EventHubsTokenCheck =
  | { readonly ok: true; readonly path: string; readonly expiry: number; readonly keyName: string }
  | { readonly ok: false; readonly reason: ServiceAuthFailure; readonly description: string };

export function checkEventHubsToken(token: string, audience: EventHubsAudience, policies: readonly SharedAccessPolicy[], nowSeconds: number): EventHubsTokenCheck {
  const parsed = parseSasToken(token);
  if (!parsed.ok) return refuse('malformed');
  const resource = parsed.value.resource.toLowerCase();
  const prefix = prefixesOf(audience).find((p) => resource === p || resource.startsWith(`${p}/`));
  if (!prefix) return { ok: false, reason: 'resource', description: `the token's audience "${parsed.value.resource}" is not this Event Hubs-compatible endpoint` };
  const { keyName, rawResource, signature, expiry } = parsed.value;
  const policy = policies.find((candidate) => candidate.keyName === keyName);
  if (!policy) return refuse('unknown-policy');
  if (expiry < nowSeconds) return refuse('expired');
  const presented = Buffer.from(signature, 'base64');
  const signed = [policy.primaryKey, policy.secondaryKey].some((key) => {
    const expected = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${rawResource}\n${expiry}`).digest();
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  });
  if (!signed) return refuse('signature');
  if (!policy.rights.includes('ServiceConnect')) return refuse('rights');
  return { ok: true, path: parsed.value.resource.slice(prefix.length + 1).replace(/\/+$/, ''), expiry, keyName: policy.keyName };
}

/** Whether a claim on `claimPath` covers a link or node at `address` (case-insensitive, as Event Hubs entity names are). */
export function claimCovers(claimPath: string, address: string): boolean {
  const claim = claimPath.toLowerCase();
  const target = address.replace(/^\/+/, '').toLowerCase();
  return claim === '' || target === claim || target.startsWith(`${claim}/`);
}

function prefixesOf(audience: EventHubsAudience): string[] {
  const out: string[] = [];
  for (const host of audience.hostNames) {
    const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    for (const scheme of ['sb', 'amqps']) {
      out.push(`${scheme}://${name}`.toLowerCase());
      for (const port of audience.ports) out.push(`${scheme}://${name}:${port}`.toLowerCase());
    }
  }
  return out;
}

function refuse(reason: ServiceAuthFailure): EventHubsTokenCheck {
  const description = reason === 'rights' ? 'the shared access policy has no ServiceConnect right (use iothubowner or service)' : describeAuthFailure(reason);
  return { ok: false, reason, description };
}
