import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appProtocolHandler } from './app-protocol';

const root = mkdtempSync(join(tmpdir(), 'gh-app-protocol-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Gatehouse</title>');
writeFileSync(join(root, 'assets', 'main.js'), 'export {};');
afterAll(() => rmSync(root, { recursive: true, force: true }));
const handle = appProtocolHandler(root);

describe('app:// protocol handler', () => {
  it('serves the renderer with the CSP, and index.html for client routes', async () => {
    const page = await handle(new Request('app://gatehouse/runtime'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>Gatehouse</title>');
    expect((await handle(new Request('app://gatehouse/assets/main.js'))).headers.get('content-type')).toMatch(/javascript/);
  });

  it.each([
    ['a malformed percent-escape', 'app://gatehouse/%E0%A4%A', 400],
    ['a lone percent sign', 'app://gatehouse/%', 400],
    ['a NUL byte', 'app://gatehouse/index.html%00.js', 400],
    ['another origin', 'app://evil/index.html', 404],
    ['a missing file', 'app://gatehouse/assets/none.js', 404],
  ])('answers %s (%s) with %s and never throws', async (_what, url, status) => {
    expect((await handle(new Request(url))).status).toBe(status);
  });

  it.each(['app://gatehouse/%2e%2e/%2e%2e/etc/passwd', 'app://gatehouse/%2e%2e%2f%2e%2e%2fetc%2fpasswd', 'app://gatehouse/..%5c..%5cetc%5cpasswd'])(
    'keeps the traversal %s inside the renderer folder',
    async (url) => {
      const res = await handle(new Request(url));
      expect(await res.text()).not.toContain('root:');
    },
  );
});
