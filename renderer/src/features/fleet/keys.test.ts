import { describe, expect, it } from 'vitest';
import { keyChoiceLabel, regenerateAction, regeneratedTitle, moduleKeyless, regenerateBlocked, regenerateConsequence } from './keys';

describe('regenerating keys', () => {
  it('is offered for SAS devices only, and says why not for X.509', () => {
    expect(regenerateBlocked('sas')).toBeUndefined();
    expect(regenerateBlocked('selfSigned')).toMatch(/X\.509 certificate: it has no keys/);
    expect(regenerateBlocked('certificateAuthority')).toMatch(/X\.509 certificate/);
    expect(regenerateBlocked(undefined)).toMatch(/no symmetric keys/);
  });

  it('names the device, the key and what happens to connected devices', () => {
    const primary = regenerateConsequence('gw-1', 'primary');
    expect(primary).toMatch(/^gw-1 gets a new primary key\./);
    expect(primary).toContain('connected with the primary key are disconnected');
    expect(primary).toContain('new connection string');
    const both = regenerateConsequence('gw-1', 'both');
    expect(both).toMatch(/^gw-1 gets new primary and secondary keys\./);
    expect(regenerateAction('both')).toBe('Regenerate both keys');
    expect(regenerateAction('primary')).toBe('Regenerate primary key');
    expect(both).toContain('connected with either key');
    expect(keyChoiceLabel('secondary')).toBe('Secondary key');
    expect(regeneratedTitle('primary')).toBe('New primary key');
    expect(regeneratedTitle('both')).toBe('New primary and secondary keys');
  });
});

describe('module connection strings', () => {
  it('say so for modules without a key of their own', () => {
    expect(moduleKeyless('sas')).toBeUndefined();
    expect(moduleKeyless('none')).toMatch(/type none/);
    expect(moduleKeyless('selfSigned')).toMatch(/X\.509/);
  });
});
