/**
 * The published-manifest corpus (`manifests/` of the team's corpus, `../shared/fixtures`; a corpus run, skipped
 * with one line when the corpus is absent, see shared/testing/corpus.test-util.ts): every file gets a verdict, the
 * known-broken files get the right error at the right line, the Azure deployments are accepted, and the
 * templates expand (with testdata/.env and module data derived from their placeholders) into deployments
 * that validate. Every error on a fixture is listed in TRUE_ERRORS with the reason IoT Edge refuses it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { corpus, describeCorpus } from '../testing/corpus.test-util.js';
import { countDiagnostics } from './diagnostic.js';
import { parseDotEnv } from './dot-env.js';
import { expandTemplate } from './template-expand.js';
import type { ModuleImageInfo } from './template-images.js';
import { validateManifest, type ManifestReport } from './validate-manifest.js';

const dir = path.join(corpus.dir, 'manifests');
/** The corpus' files, read when a corpus run first asks (never when the corpus is absent). */
let listing: { sources: Map<string, { repo: string; path: string }>; files: string[]; manifests: string[] } | undefined;
function corpusListing(): NonNullable<typeof listing> {
  if (!listing) {
    const sources = new Map(
      readFileSync(path.join(dir, 'SOURCES.tsv'), 'utf8')
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((line) => {
          const [file = '', repo = '', original = ''] = line.split('\t');
          return [file, { repo, path: original }] as const;
        }),
    );
    const files = readdirSync(dir).sort();
    listing = { sources, files, manifests: files.filter((f) => sources.has(f)) };
  }
  return listing;
}
const env = parseDotEnv(readFileSync(path.join(__dirname, 'testdata/.env'), 'utf8'));

/** Files with errors, by number, with the codes and why IoT Edge (or IoT Hub, or the tools) refuses them. */
const TRUE_ERRORS: Record<string, { codes: string[]; why: string }> = {
  '047': { codes: ['GH2004'], why: 'no $edgeHub: edgeHub gets no desired properties and rejects them ("missing SchemaVersion")' },
  '049': { codes: ['GH2004'], why: 'no $edgeHub (as 047)' },
  '051': { codes: ['GH2004'], why: 'no $edgeHub (as 047)' },
  '171': { codes: ['GH1006'], why: 'a full module twin, not a manifest' },
  '173': { codes: ['GH3023', 'GH3050'], why: 'sample to fill in: image "<module-image>" and blank registry address/username/password (RegistryCredentials.CheckNonWhiteSpace, code 400)' },
  '174': { codes: ['GH3050'], why: 'blank registry address' },
  '175': { codes: ['GH3050'], why: 'blank registry address' },
  '176': { codes: ['GH3020', 'GH3050'], why: 'sample to fill in: blank image and blank registry credentials' },
  '177': { codes: ['GH3020', 'GH3050'], why: 'test asset: blank image and blank registry credentials' },
  '208': { codes: ['GH1001'], why: 'a closing brace is missing (README: strict parsing fails at the last line)' },
  '237': { codes: ['GH2020', 'GH2022'], why: 'schemaVersion 1.4: edgeAgent accepts up to 1.1.0 (412), edgeHub up to 1.3' },
  '242': { codes: ['GH2011'], why: 'env "RuntimeLogLevel": "debug" is not { "value": … }; EnvVal cannot be read from a string (400)' },
  '243': { codes: ['GH2011'], why: 'as 242' },
  '244': { codes: ['GH2011'], why: 'as 242' },
  '287': { codes: ['GH2011'], why: 'registryCredentials holds username/password/address directly instead of named entries' },
  '305': { codes: ['GH3050'], why: 'blank registry password' },
  '306': { codes: ['GH3050'], why: 'blank registry password' },
  '313': { codes: ['GH1003'], why: 'trailing comma after the last route (README)' },
  '330': { codes: ['GH2011'], why: 'env "_comment_…": "text" is not { "value": … } (400)' },
  '331': { codes: ['GH2011', 'GH3021'], why: 'env string (as 242); images dolittle/edge-Historian, edge-Simulator are not lower-case, Docker refuses them' },
  '332': { codes: ['GH2011', 'GH3021'], why: 'as 331' },
  '363': { codes: ['GH2020', 'GH2022'], why: 'schemaVersion 1.4 (as 237)' },
  '364': { codes: ['GH2020', 'GH2022'], why: 'schemaVersion 1.4' },
  '365': { codes: ['GH2020', 'GH2022'], why: 'schemaVersion 1.4' },
  '366': { codes: ['GH2020', 'GH2022'], why: 'schemaVersion 1.4 (README)' },
  // Images as the VS Code tools / iotedgedev write them into the deployment: placeholders of other tools stay.
  '048': { codes: ['GH3023'], why: 'layered template: images "#MODULES.sqledge#" (replace-tokens style), which neither tool replaces' },
  '050': { codes: ['GH3023'], why: 'as 048 ("#MODULES.opcpublisher#")' },
  '083': { codes: ['GH3023'], why: 'sample to fill in: image "<registry_name>.azurecr.io/edgemlsample:1"' },
  '084': { codes: ['GH3023'], why: 'as 083' },
  '102': { codes: ['GH3023'], why: 'Azure ML template: image "__AML_REGISTRY_IMAGE_LOCATION", filled in by a script, not by the tools' },
  ...Object.fromEntries(
    Array.from({ length: 164 - 124 + 1 }, (_, i) => [String(124 + i), { codes: ['GH3023'], why: 'Azure/iotedge e2e_deployment_files: images "<Container_Registry>/…:<Build.BuildNumber>-linux-<Architecture>", filled in by that repository\'s test pipeline, not by the tools' }]),
  ),
  '172': { codes: ['GH3023'], why: 'Azure/iotedge platform validation: images "<edgeAgentImage>", "<edgeHubImage>", "<tempSensorImage>" (as 124)' },
  '238': { codes: ['GH3023'], why: 'image "<ACR_CONTAINER_ADDRESS_VERSION>" to fill in by hand' },
};

const reports = new Map<string, ManifestReport>();
function reportOf(file: string): ManifestReport {
  let report = reports.get(file);
  if (!report) {
    report = validateManifest(readFileSync(path.join(dir, file), 'utf8'), { fileName: corpusListing().sources.get(file)?.path ?? file });
    reports.set(file, report);
  }
  return report;
}

const errorCodes = (report: ManifestReport) => [...new Set(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))].sort();
const numberOf = (file: string) => file.slice(0, 3);

describeCorpus('fixture corpus', () => {
  const { sources, files, manifests } = corpusListing();

  it('gives every file in the folder a verdict without crashing', () => {
    for (const file of files) {
      const report = validateManifest(readFileSync(path.join(dir, file), 'utf8'), { fileName: file });
      expect(['deployment', 'template', 'layered', 'unknown']).toContain(report.kind);
      expect(report.ok).toBe(!report.diagnostics.some((d) => d.severity === 'error'));
    }
    expect(manifests.length).toBeGreaterThan(380);
  });

  it('reports errors only where IoT Edge would refuse the file (every error is a listed true error)', () => {
    const actual: Record<string, string[]> = {};
    for (const file of manifests) {
      const codes = errorCodes(reportOf(file));
      if (codes.length > 0) actual[numberOf(file)] = codes;
    }
    expect(actual).toEqual(Object.fromEntries(Object.entries(TRUE_ERRORS).map(([n, e]) => [n, e.codes])));
  });

  it('locates 208 (missing brace) at the last line and 313 (trailing comma) at the comma in routes', () => {
    const f208 = manifests.find((f) => f.startsWith('208'))!;
    const text208 = readFileSync(path.join(dir, f208), 'utf8');
    const d208 = reportOf(f208).diagnostics.find((d) => d.code === 'GH1001');
    expect(d208?.line).toBe(text208.split(/\r\n|\r|\n/).length);

    const f313 = manifests.find((f) => f.startsWith('313'))!;
    const lines313 = readFileSync(path.join(dir, f313), 'utf8').split(/\r\n|\r|\n/);
    const d313 = reportOf(f313).diagnostics.find((d) => d.code === 'GH1003');
    const line = lines313[(d313?.line ?? 1) - 1] ?? '';
    expect(line).toContain('CaptureModuleToIoTHub');
    expect(line[(d313?.column ?? 1) - 1]).toBe(',');
    expect(d313?.pointer).toBe('/modulesContent/$edgeHub/properties.desired/routes/CaptureModuleToIoTHub');
  });

  it('locates the unsupported schemaVersion 1.4 on the schemaVersion lines', () => {
    for (const n of ['237', '363', '364', '365', '366']) {
      const file = manifests.find((f) => f.startsWith(n))!;
      const lines = readFileSync(path.join(dir, file), 'utf8').split(/\r\n|\r|\n/);
      for (const d of reportOf(file).diagnostics.filter((x) => x.code === 'GH2020' || x.code === 'GH2022')) {
        expect(lines[d.line - 1]).toMatch(/"schemaVersion":\s*"1\.4"/);
        expect(d.fix?.edits[0]).toMatchObject({ op: 'replace', value: d.code === 'GH2020' ? '1.1' : '1.3' });
      }
    }
  });

  it('accepts the deployment files from Azure/iotedge and the Azure samples', () => {
    const azure = manifests.filter((f) => /^(Azure|Azure-Samples)\//.test(sources.get(f)?.repo ?? '') && reportOf(f).kind === 'deployment' && !TRUE_ERRORS[numberOf(f)]);
    expect(azure.length).toBeGreaterThan(20);
    for (const file of azure) expect(errorCodes(reportOf(file)), file).toEqual([]);
  });

  it('expands every template with testdata/.env and validates the result', () => {
    const expected: Record<string, string[]> = {};
    const actual: Record<string, string[]> = {};
    let expanded = 0;
    for (const file of manifests) {
      const report = reportOf(file);
      if (report.kind !== 'template' && !(report.kind === 'layered' && /\$\{/.test(readFileSync(path.join(dir, file), 'utf8')))) continue;
      const text = readFileSync(path.join(dir, file), 'utf8');
      const result = expandTemplate(text, { env, ...moduleDataFor(text) });
      const codes = result.ok ? errorCodes(validateManifest(result.value.text, { fileName: 'deployment.json' })) : [...new Set(result.error.map((d) => d.code))].sort();
      if (result.ok) expanded++;
      if (codes.length > 0) actual[numberOf(file)] = codes;
      const known = TRUE_ERRORS[numberOf(file)];
      if (known) expected[numberOf(file)] = known.codes;
    }
    expect(actual).toEqual(expected);
    expect(expanded).toBeGreaterThan(280);
  });

  it('prints summary figures', () => {
    const byVerdict: Record<string, number> = {};
    const byCode: Record<string, number> = {};
    for (const file of manifests) {
      const report = reportOf(file);
      const counts = countDiagnostics(report.diagnostics);
      const verdict = counts.error > 0 ? 'errors' : counts.warning > 0 ? 'warnings' : 'ok';
      byVerdict[`${report.kind}: ${verdict}`] = (byVerdict[`${report.kind}: ${verdict}`] ?? 0) + 1;
      byVerdict[`all: ${verdict}`] = (byVerdict[`all: ${verdict}`] ?? 0) + 1;
      for (const d of report.diagnostics) byCode[`${d.code} ${d.severity}`] = (byCode[`${d.code} ${d.severity}`] ?? 0) + 1;
    }
    console.log(`manifest fixtures: ${manifests.length} files`);
    console.table(byVerdict);
    console.table(Object.fromEntries(Object.entries(byCode).sort()));
    expect((byVerdict['all: ok'] ?? 0) + (byVerdict['all: warnings'] ?? 0) + (byVerdict['all: errors'] ?? 0)).toBe(manifests.length);
  });
});

const PLATFORMS = ['amd64', 'amd64.debug', 'arm32v7', 'arm32v7.debug', 'arm64v8', 'arm64v8.debug', 'windows-amd64'];

/** Module data for every `${MODULES.x…}` / `${MODULEDIR<…>}` a template uses (the tests have no module.json files). */
function moduleDataFor(text: string): { modules: Record<string, ModuleImageInfo>; moduleDirs: Record<string, ModuleImageInfo> } {
  const modules: Record<string, ModuleImageInfo> = {};
  const moduleDirs: Record<string, ModuleImageInfo> = {};
  for (const m of text.matchAll(/\$\{MODULES\.([^}.]+)(?:\.([^}]+))?\}/g)) {
    const name = m[1] ?? '';
    const extra = m[2] && m[2] !== 'debug' ? [m[2]] : [];
    const known = modules[name]?.platforms as string[] | undefined;
    modules[name] = { repository: `\${CONTAINER_REGISTRY_SERVER}/${name}`, version: '0.0.1', platforms: [...new Set([...PLATFORMS, ...(known ?? []), ...extra])] };
  }
  for (const m of text.matchAll(/\$\{MODULEDIR<([^>]+)>(?:\.([^}]+))?\}/g)) {
    const folder = (m[1] ?? '').trim();
    moduleDirs[folder] = { repository: `localhost:5000/${path.basename(folder).toLowerCase()}`, version: '0.0.1', platforms: [...PLATFORMS, ...(m[2] ? [m[2].replace(/^\./, '')] : [])] };
  }
  return { modules, moduleDirs };
}
