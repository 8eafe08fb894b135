import { validateManifest } from '../manifest/validate-manifest';
import { defineCheck, listWords, notGathered, plural, verdict } from './check-def';
import { deploymentParts, type DeploymentParts } from './deployment-parts';
import type { Facts } from './facts';
import { riskyDeploymentOptions } from './risky-options';
import { KIND_WORDS, scanDeploymentSecrets } from './secret-scan';

const APPLY_FIX = 'Apply a deployment: from the Manifests area, or `gatehouse runtime apply <deployment.json>`.';

/** The deployment's text, or undefined when there is none to read. */
export function textOf(f: Pick<Facts, 'deployment'>): string | undefined {
  return f.deployment.available ? f.deployment.deployment?.text : undefined;
}

/** The deployment's parts, or undefined when there is none (or it is not JSON). */
export function partsOf(f: Pick<Facts, 'deployment'>): DeploymentParts | undefined {
  const text = textOf(f);
  return text === undefined ? undefined : deploymentParts(text);
}

export const deploymentPresent = defineCheck({
  id: 'config.deployment',
  title: 'A deployment is applied',
  group: 'configuration',
  facts: ['deployment', 'target'],
  verdict: (f) => {
    if (!f.deployment.available) return verdict('error', `Could not read the deployment: ${f.deployment.reason}`, 'Check that the hub answers and the device exists (see Connectivity and identity).');
    const d = f.deployment.deployment;
    if (!d) {
      return f.target.runtime === 'local'
        ? verdict('error', 'No deployment is applied to the local runtime.', APPLY_FIX)
        : verdict('error', `Device ${f.target.deviceId} has no $edgeAgent desired properties: nothing is deployed to it.`, 'Deploy to it: Fleet › the device › Set modules, or a deployment at scale that targets it.');
    }
    const from = d.source === 'local-runtime' ? 'applied to the local runtime' : "the device's $edgeAgent desired properties";
    return verdict('ok', `Deployment version ${d.version}, ${from}.`, undefined, { version: d.version, source: d.source });
  },
});

export const manifestValid = defineCheck({
  id: 'config.manifest-valid',
  title: 'The manifest is valid',
  group: 'configuration',
  dependsOn: ['config.deployment'],
  facts: ['deployment'],
  verdict: (f) => {
    const text = textOf(f);
    if (text === undefined) return verdict('skipped', 'No deployment to validate.');
    const report = validateManifest(text, { kind: 'deployment' });
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    const warnings = report.diagnostics.filter((d) => d.severity === 'warning');
    const first = (list: typeof errors) => list.slice(0, 3).map((d) => `${d.code} at line ${d.line}, ${d.pointer || '/'}: ${d.message}`);
    if (errors.length > 0) {
      return verdict('error', `${plural(errors.length, 'error')} IoT Edge would refuse: ${first(errors).join('; ')}.`, 'Open the deployment in the Manifests area: each error is marked where it is, most with a quick fix.', {
        errors: errors.length,
        warnings: warnings.length,
      });
    }
    if (warnings.length > 0) {
      return verdict('warning', `IoT Edge accepts it, with ${plural(warnings.length, 'warning')}: ${first(warnings).join('; ')}.`, 'Review the warnings in the Manifests area.', { errors: 0, warnings: warnings.length });
    }
    return verdict('ok', 'No errors or warnings (the same verdicts as the editor and `gatehouse validate`).', undefined, { errors: 0, warnings: 0 });
  },
});

export const secretFree = defineCheck({
  id: 'config.secret-free',
  title: 'No secrets written in the manifest',
  group: 'configuration',
  dependsOn: ['config.deployment'],
  facts: ['deployment'],
  verdict: (f) => {
    if (textOf(f) === undefined) return verdict('skipped', 'No deployment to read.');
    const parts = partsOf(f);
    if (!parts) return verdict('skipped', 'The deployment is not JSON (see "The manifest is valid").');
    const findings = scanDeploymentSecrets(parts.document);
    if (findings.length === 0) return verdict('ok', 'No registry password, connection string, SAS key or token, or private key is written inline.');
    const places = findings.map((s) => `${KIND_WORDS[s.kind]} at ${s.where} (${s.pointer})`);
    return verdict(
      'error',
      `${plural(findings.length, 'secret')} written inline: ${listWords(places, 3)}.`,
      'Keep secrets out of the deployment: use a template placeholder ($NAME from .env) for registry passwords, and give modules their credentials through the workload API or a mounted secret, not env values.',
      { places: findings.map((s) => ({ kind: s.kind, pointer: s.pointer })) },
    );
  },
});

export const routesCompile = defineCheck({
  id: 'config.routes',
  title: 'Routes compile and name deployed modules',
  group: 'configuration',
  dependsOn: ['config.deployment'],
  facts: ['deployment'],
  verdict: (f) => {
    const parts = partsOf(f);
    if (!parts) return verdict('skipped', 'No deployment to read.');
    const bad = parts.routes.filter((r) => !r.ok);
    if (bad.length > 0) {
      return verdict('error', `${plural(bad.length, 'route')} do not compile: ${bad.map((r) => `${r.name}: ${r.ok ? '' : r.error}`).join('; ')}.`, 'Fix the route text in $edgeHub (the Routes view marks the place); edgeHub refuses the whole route set.');
    }
    const deployed = new Set(parts.modules.map((m) => m.name));
    const dangling: string[] = [];
    for (const r of parts.routes) {
      if (!r.ok || r.spec.kind !== 'route') continue;
      for (const module of r.spec.route.references.modules) if (!deployed.has(module)) dangling.push(`${r.name} names ${module}`);
    }
    if (dangling.length > 0) {
      return verdict('error', `Routes name modules that are not deployed: ${listWords(dangling)}. Their messages go nowhere.`, 'Deploy the module, or fix the module name in the route (names are case-sensitive).');
    }
    return verdict('ok', parts.routes.length === 0 ? 'No routes: modules send nowhere.' : `${plural(parts.routes.length, 'route')}, each compiles and names deployed modules.`);
  },
});

export const imagesAvailable = defineCheck({
  id: 'config.images',
  title: 'Every image is here or can be pulled',
  group: 'configuration',
  dependsOn: ['config.deployment'],
  facts: ['images'],
  verdict: (f) => {
    if (!f.images.available) return notGathered('the images', f.images);
    const missing = f.images.images.filter((i) => !i.present);
    if (f.images.images.length === 0) return verdict('ok', 'The deployment names no images.');
    if (missing.length === 0) return verdict('ok', `All ${plural(f.images.images.length, 'image')} are on this machine.`);
    const unreachable = missing.filter((i) => i.pullPolicy === 'never' || i.registry === 'unreachable');
    if (unreachable.length > 0) {
      const words = unreachable.map((i) => `${i.image} (${i.pullPolicy === 'never' ? 'imagePullPolicy never' : `${i.registryAddress} does not answer`})`);
      return verdict('error', `Missing here and cannot be pulled: ${listWords(words)}.`, 'Sideload the image (Runtime › Sideload…, or `gatehouse runtime sideload <image.tar>`), or restore the registry connection.', {
        missing: missing.map((i) => i.image),
      });
    }
    return verdict('warning', `Missing here, pulled on apply: ${listWords(missing.map((i) => i.image))}.`, 'Pull or sideload them before you leave the site: without a network the next restart fails.', {
      missing: missing.map((i) => i.image),
    });
  },
});

export const createOptionsSafe = defineCheck({
  id: 'config.create-options',
  title: 'No risky createOptions',
  group: 'configuration',
  dependsOn: ['config.deployment'],
  facts: ['deployment'],
  verdict: (f) => {
    const parts = partsOf(f);
    if (!parts) return verdict('skipped', 'No deployment to read.');
    const risky = riskyDeploymentOptions(parts.document);
    if (risky.length === 0) return verdict('ok', 'No module runs privileged, shares host namespaces or mounts host paths read-write.');
    return verdict(
      'warning',
      `${listWords(risky.map((r) => `${r.module} ${r.words} (${r.field})`), 5)}.`,
      'Keep each only where the module needs it: mount host paths read-only (":ro"), add single capabilities instead of privileged mode, use the azure-iot-edge network.',
      { options: risky.map((r) => ({ module: r.module, field: r.field })) },
    );
  },
});

export const CONFIGURATION_CHECKS = [deploymentPresent, manifestValid, secretFree, routesCompile, imagesAvailable, createOptionsSafe];
