import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { allowedHosts, checkAccess, decodePath, isLoopback, parseTarget, type AccessPolicy } from './security';

const policy: AccessPolicy = { token: () => 'secret-token', hosts: allowedHosts('127.0.0.1', 4780), cookieName: 'gatehouse_token_4780', secure: false };
const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const check = (headers: Record<string, string>) => checkAccess(req(headers), policy);

describe('served console access policy', () => {
  it.each([
    ['bearer token', { host: '127.0.0.1:4780', authorization: 'Bearer secret-token' }],
    ['cookie', { host: 'localhost:4780', cookie: 'a=b; gatehouse_token_4780=secret-token' }],
    ['cookie over IPv6 loopback', { host: '[::1]:4780', cookie: 'gatehouse_token_4780=secret-token' }],
    ['same origin', { host: '127.0.0.1:4780', origin: 'http://127.0.0.1:4780', authorization: 'Bearer secret-token' }],
  ])('lets in a request with the %s', (_what, headers) => {
    expect(check(headers)).toEqual({ ok: true });
  });

  it.each([
    ['no token', { host: '127.0.0.1:4780' }, 401],
    ['a wrong token', { host: '127.0.0.1:4780', authorization: 'Bearer secret-tokeN' }, 401],
    ['a token of another length', { host: '127.0.0.1:4780', authorization: 'Bearer s' }, 401],
    ["another port's cookie", { host: '127.0.0.1:4780', cookie: 'gatehouse_token_4781=secret-token' }, 401],
    ['a rebinding Host', { host: 'evil.example:4780', authorization: 'Bearer secret-token' }, 403],
    ['a Host on another port', { host: '127.0.0.1:80', authorization: 'Bearer secret-token' }, 403],
    ['a foreign Origin', { host: '127.0.0.1:4780', origin: 'http://evil.example', authorization: 'Bearer secret-token' }, 403],
    ['a file:// Origin', { host: '127.0.0.1:4780', origin: 'file://', authorization: 'Bearer secret-token' }, 403],
    ['an opaque Origin', { host: '127.0.0.1:4780', origin: 'null', authorization: 'Bearer secret-token' }, 403],
    ['an https Origin on a plain-HTTP console', { host: '127.0.0.1:4780', origin: 'https://127.0.0.1:4780', authorization: 'Bearer secret-token' }, 403],
    ['a cookie with a bad percent-escape', { host: '127.0.0.1:4780', cookie: 'gatehouse_token_4780=%' }, 400],
  ])('refuses a request with %s', (_what, headers, status) => {
    expect(check(headers)).toMatchObject({ ok: false, status });
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.10', 'example.com'].some(isLoopback)).toBe(false);
  });

  it('allows the explicitly bound address and the configured names as a Host, nothing else', () => {
    expect(allowedHosts('10.0.0.5', 80).has('10.0.0.5:80')).toBe(true);
    expect(allowedHosts('0.0.0.0', 80).has('0.0.0.0:80')).toBe(false);
    const hosts = allowedHosts('0.0.0.0', 443, ['Gateway-7.local', '192.0.2.7', 'fd00::7']);
    expect([...hosts].sort()).toEqual(['127.0.0.1:443', '192.0.2.7:443', '[::1]:443', '[fd00::7]:443', 'gateway-7.local:443', 'localhost:443']);
  });

  it('accepts only the token query on no request: checkAccess counts bearer and cookie only', () => {
    expect(checkAccess({ headers: { host: '127.0.0.1:4780' }, url: '/?token=secret-token' } as unknown as IncomingMessage, policy)).toMatchObject({ ok: false, status: 401 });
  });

  it('checks the Origin scheme of an HTTPS console', () => {
    const secure: AccessPolicy = { ...policy, hosts: allowedHosts('192.0.2.7', 4780), cookieName: '__Host-gatehouse_4780', secure: true };
    const headers = { host: '192.0.2.7:4780', cookie: '__Host-gatehouse_4780=secret-token' };
    expect(checkAccess(req({ ...headers, origin: 'https://192.0.2.7:4780' }), secure)).toEqual({ ok: true });
    expect(checkAccess(req({ ...headers, origin: 'http://192.0.2.7:4780' }), secure)).toMatchObject({ ok: false, status: 403 });
  });

  it.each([
    ['//x:99999/', '//x:99999/'],
    ['/a?b=%', '/a'],
    ['/%E0%A4%A', '/%E0%A4%A'],
  ])('parses the origin-form target %s as a path, never a host', (raw, path) => {
    expect(parseTarget(raw)?.pathname).toBe(path);
  });

  it.each(['http://evil.example/', '*', 'x', '', undefined])('refuses the target %s', (raw) => {
    expect(parseTarget(raw)).toBeUndefined();
  });

  it('refuses malformed percent-escapes and NUL in paths', () => {
    expect(decodePath('/%E0%A4%A')).toBeUndefined();
    expect(decodePath('/a%00b')).toBeUndefined();
    expect(decodePath('/a%20b')).toBe('/a b');
  });
});
