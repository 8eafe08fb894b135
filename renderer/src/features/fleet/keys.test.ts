import { describe, expect, it } from 'vitest';
import { keyChoiceLabel, moduleKeyless, regenerateBlocked, regenerateConsequence } from './keys';

describe('regenerating keys', () => {
  it('is offered for SAS devices only, and says why not for X.509', () => {
    expect(regenerateBlocked('sas')).toBeUndefined();
    expect(regenerateBlocked('selfSigned')).toMatch(/X\.509 certificate: it has no keys/);
    expect(regenerateBlocked('certificateAuthority')).toMatch(/X\.509 certificate/);
    expect(regenerateBlocked(undefined)).toMatch(/no symmetric keys/);
  });

  it('names the device, the key and what happens to connected devices', () => {
    const primary = regenerateConsequence('gw-1', 'primary');
    expect(primary).toMatch(/^gw-1 gets new key: its primary key is replaced\./);
    expect(primary).toContain('connected with the primary key are disconnected');
    expect(primary).toContain('new connection string');
    const both = regenerateConsequence('gw-1', 'both');
    expect(both).toContain('its primary and secondary keys are replaced');
    expect(both).toContain('connected with either key');
    expect(keyChoiceLabel('secondary')).toBe('Secondary key');
  });
});

describe('module connection strings', () => {
  it('say so for modules without a key of their own', () => {
    expect(moduleKeyless('sas')).toBeUndefined();
    expect(moduleKeyless('none')).toMatch(/type none/);
    expect(moduleKeyless('selfSigned')).toMatch(/X\.509/);
  });
});
