import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { decodePath, SECURITY_HEADERS } from '../host/security';

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

/**
 * Serves the built renderer on app://gatehouse with the same CSP and headers as the served console. A request that
 * does not parse (a malformed escape, a NUL) is answered 400; nothing throws out of the handler.
 */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return new Response('Bad request', { status: 400 });
    }
    // Compared by parts: Node (tests) gives non-special schemes an opaque origin, Electron a standard one.
    if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return new Response('Not found', { status: 404 });
    const path = decodePath(url.pathname);
    if (path === undefined) return new Response('Bad path', { status: 400 });
    const relative = normalize(path).replace(/^([/\\])+/, '') || 'index.html';
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
