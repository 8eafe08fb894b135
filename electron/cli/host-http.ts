import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { ServeDiscovery } from '../host/serve';

/** The running console of a data folder, as its `serve.json` describes it; undefined when none runs. */
export async function readDiscovery(dataDir: string): Promise<ServeDiscovery | undefined> {
  try {
    const discovery = JSON.parse(await readFile(join(dataDir, 'serve.json'), 'utf8')) as ServeDiscovery;
    if (typeof discovery.origin !== 'string' || typeof discovery.token !== 'string' || !Number.isInteger(discovery.pid)) return undefined;
    process.kill(discovery.pid, 0);
    return discovery;
  } catch {
    return undefined;
  }
}

export interface HostResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * One request to the running console with its bearer token. An HTTPS console (remote mode) is verified against the
 * local edge CA named in the discovery file, never with verification turned off.
 */
export function hostRequest(discovery: ServeDiscovery, path: string, method: 'GET' | 'POST', body?: string): Promise<HostResponse> {
  const url = new URL(path, discovery.origin);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
        headers: { authorization: `Bearer ${discovery.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(discovery.ca ? { ca: discovery.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
