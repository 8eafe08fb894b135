import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { SECURITY_HEADERS } from '../host/security';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://gatehouse';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
};

/** Serves the built renderer on app://gatehouse with the same CSP and headers as the served console. */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.origin !== APP_ORIGIN) return new Response('Not found', { status: 404 });
    const relative = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '') || 'index.html';
    if (relative.split(sep).includes('..')) return new Response('Bad path', { status: 400 });
    const file = join(root, extname(relative) ? relative : 'index.html');
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { ...SECURITY_HEADERS, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  };
}
