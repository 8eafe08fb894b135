import { describe, expect, it } from 'vitest';
import type { PersistedDeployment } from './agent-state.store';
import { desiredSourceOf, overriddenCloudVersion } from './desired-source';

const base: PersistedDeployment = { version: 3, appliedAt: '2026-12-03T10:00:00.000Z', deployment: '{}' };

describe('desiredSourceOf', () => {
  const cases: { name: string; persisted: PersistedDeployment | undefined; connected: boolean; source: unknown; overrides: number | undefined }[] = [
    { name: 'nothing applied', persisted: undefined, connected: true, source: { driver: 'local' }, overrides: undefined },
    { name: 'a local apply', persisted: base, connected: false, source: { driver: 'local' }, overrides: undefined },
    { name: 'applied from the cloud', persisted: { ...base, cloudVersion: 7 }, connected: true, source: { driver: 'cloud', version: 7, since: base.appliedAt, connected: true }, overrides: 7 },
    {
      name: "a local override of the cloud's version",
      persisted: { ...base, overridesCloudVersion: 7 },
      connected: false,
      source: { driver: 'localOverride', cloudVersion: 7, since: base.appliedAt, connected: false },
      overrides: 7,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(desiredSourceOf(c.persisted, c.connected)).toEqual(c.source);
      // A further local apply keeps overriding the same cloud version (the cloud takes over with its next one).
      expect(overriddenCloudVersion(c.persisted)).toBe(c.overrides);
    });
  }
});
