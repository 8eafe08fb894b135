import type { PersistedDeployment } from './agent-state.store';

/**
 * Who drives the agent's desired state (issue 12, "Upstream"): a local apply, the cloud's `$edgeAgent` desired
 * properties, or a local apply that explicitly overrides the cloud.
 *
 *   local ──cloud desired applied──▶ cloud ──local apply with overrideCloud──▶ localOverride
 *     ▲                                ▲                                           │
 *     └── (no cloud deployment)        └──────── a new cloud desired version ──────┘
 *
 * `connected`: the cloud link is up and the cloud has a deployment for this device; while it is, a local apply
 * without `overrideCloud` is refused (CONFLICT, reason `cloud-drives`).
 */
export type DesiredSource =
  | { readonly driver: 'local' }
  | { readonly driver: 'cloud'; readonly version: number; readonly since: string; readonly connected: boolean }
  | { readonly driver: 'localOverride'; readonly cloudVersion: number; readonly since: string; readonly connected: boolean };

/** The source of a persisted deployment (pure). */
export function desiredSourceOf(persisted: PersistedDeployment | undefined, connected: boolean): DesiredSource {
  if (persisted?.cloudVersion !== undefined) return { driver: 'cloud', version: persisted.cloudVersion, since: persisted.appliedAt, connected };
  if (persisted?.overridesCloudVersion !== undefined) return { driver: 'localOverride', cloudVersion: persisted.overridesCloudVersion, since: persisted.appliedAt, connected };
  return { driver: 'local' };
}

/** The cloud version a new local apply overrides (it stays overridden until the cloud sends another version). */
export function overriddenCloudVersion(persisted: PersistedDeployment | undefined): number | undefined {
  return persisted?.cloudVersion ?? persisted?.overridesCloudVersion;
}
