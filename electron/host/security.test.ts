import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { allowedHosts, checkAccess, isLoopback, type AccessPolicy } from './security';

const policy: AccessPolicy = { token: 'secret-token', hosts: allowedHosts('127.0.0.1', 4780), cookieName: 'gatehouse_token_4780' };
const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const check = (headers: Record<string, string>, path = '/') => checkAccess(req(headers), policy, new URL(path, 'http://x'));

describe('served console access policy', () => {
  it.each([
    ['bearer token', { host: '127.0.0.1:4780', authorization: 'Bearer secret-token' }, '/'],
    ['cookie', { host: 'localhost:4780', cookie: 'a=b; gatehouse_token_4780=secret-token' }, '/'],
    ['query token', { host: '[::1]:4780' }, '/?token=secret-token'],
    ['same origin', { host: '127.0.0.1:4780', origin: 'http://127.0.0.1:4780', authorization: 'Bearer secret-token' }, '/'],
  ])('lets in a request with the %s', (_what, headers, path) => {
    expect(check(headers, path)).toEqual({ ok: true });
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
  ])('refuses a request with %s', (_what, headers, status) => {
    expect(check(headers)).toMatchObject({ ok: false, status });
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.10', 'example.com'].some(isLoopback)).toBe(false);
  });

  it('allows the explicitly bound address as a Host', () => {
    expect(allowedHosts('10.0.0.5', 80).has('10.0.0.5:80')).toBe(true);
    expect(allowedHosts('0.0.0.0', 80).has('0.0.0.0:80')).toBe(false);
  });
});
