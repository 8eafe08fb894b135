import { describe, expect, it } from 'vitest';
import { MASK, Redactor } from './redact';

const KEY = 'm5Cw3b0XgKq2VvJ3Yc9yK8n7R2b1fJ6l0rQ2QKp1c0A=';

describe('Redactor', () => {
  it.each([
    [`HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=${KEY}`, `HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=${MASK}`],
    ['Authorization: SharedAccessSignature sr=h%2Fdevices%2Fd&sig=abc%3D&se=1', `Authorization: SharedAccessSignature ${MASK}`],
    ['GET /x?sv=1&sig=abcdef%3D&se=2', `GET /x?sv=1&sig=${MASK}&se=2`],
    ['-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\nxyz\n-----END EC PRIVATE KEY-----', `-----BEGIN EC PRIVATE KEY-----\n${MASK}\n-----END EC PRIVATE KEY-----`],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', `Authorization: Bearer ${MASK}`],
    [`key ${KEY} in a log line`, `key ${MASK} in a log line`],
    ['DB_PASSWORD=x password=hunter22 token: abcdef', `DB_PASSWORD=x password=${MASK} token: ${MASK}`],
    ['sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
    ['SendInterval=5 TOKEN_TTL=3600', 'SendInterval=5 TOKEN_TTL=3600'],
  ])('by pattern: %s', (input, expected) => {
    expect(new Redactor().text(input)).toBe(expected);
  });

  it('masks a known value wherever it appears, also URL-encoded and JSON-escaped, longest first', () => {
    const r = new Redactor(['my reg pass/word+1', 'short', 'abc']);
    expect(r.text('login with my reg pass/word+1 or my%20reg%20pass%2Fword%2B1')).toBe(`login with ${MASK} or ${MASK}`);
    expect(r.text(JSON.stringify({ note: 'a "my reg pass/word+1" b' }))).not.toContain('pass/word');
    // Values too short to be secrets are not registered (masking "abc" would wreck the text).
    expect(r.text('abc')).toBe('abc');
  });

  it('masks secret fields in JSON by name, and redacts every string', () => {
    const r = new Redactor(['planted-value-1']);
    const out = r.json({ registry: { username: 'u', password: 'p' }, Env: ['X=planted-value-1', 'Y=2'], auth: { symmetricKey: { primaryKey: 'k1', secondaryKey: '' } }, count: 3 });
    expect(out).toEqual({ registry: { username: 'u', password: MASK }, Env: [`X=${MASK}`, 'Y=2'], auth: { symmetricKey: { primaryKey: MASK, secondaryKey: '' } }, count: 3 });
  });
});
