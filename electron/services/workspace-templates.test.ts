import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDotEnv } from '../../shared/manifest/dot-env';
import { validateManifest } from '../../shared/manifest';
import { expandTemplate } from '../../shared/manifest/template-expand';
import { moduleImageInfoFromModuleJson, type ModuleImageInfo } from '../../shared/manifest/template-images';
import { copyTemplate, defaultTemplatesDir, listTemplates, TEMPLATE_META_FILE } from './workspace-templates';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const TEMPLATES = defaultTemplatesDir();

describe('solution templates', () => {
  it('are found in resources/templates, in their order', async () => {
    expect(TEMPLATES.endsWith(join('resources', 'templates'))).toBe(true);
    expect((await listTemplates(TEMPLATES)).map((t) => [t.id, t.mainFile])).toEqual([
      ['sensor-filter-upstream', 'deployment.template.json'],
      ['empty', 'deployment.template.json'],
    ]);
    expect(await listTemplates(join(TEMPLATES, 'missing'))).toEqual([]);
  });

  it.each(['sensor-filter-upstream', 'empty'])('%s: the template is valid and expands (with .env and module.json) into a valid deployment', async (id) => {
    const dir = join(TEMPLATES, id);
    const text = readFileSync(join(dir, 'deployment.template.json'), 'utf8');
    expect(validateManifest(text, { fileName: 'deployment.template.json' })).toMatchObject({ kind: 'template', ok: true, diagnostics: [] });

    const modules: Record<string, ModuleImageInfo> = {};
    const modulesDir = join(dir, 'modules');
    for (const name of existsSync(modulesDir) ? readdirSync(modulesDir) : []) {
      const info = moduleImageInfoFromModuleJson(JSON.parse(readFileSync(join(modulesDir, name, 'module.json'), 'utf8')));
      if (info) modules[name] = info;
    }
    const expanded = expandTemplate(text, { env: parseDotEnv(readFileSync(join(dir, '.env'), 'utf8')), modules });
    expect(expanded.ok).toBe(true);
    if (!expanded.ok) return;
    const report = validateManifest(expanded.value.text, { fileName: 'deployment.amd64.json' });
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(report.kind).toBe('deployment');
    if (id === 'sensor-filter-upstream') {
      // Runs as it is on the local runtime: the sample images are built on this machine (resources/images/sample-*).
      expect(expanded.value.text).toContain('"image": "gatehouse/sample-filter:1.0"');
      expect(expanded.value.text).toContain('"image": "gatehouse/sample-temperature-sensor:1.0"');
    }
  });

  it('copies a template without its description file, and only into a new or empty folder', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'gh-templates-'));
    dirs.push(parent);
    expect(await copyTemplate(TEMPLATES, 'empty', join(parent, 'a'))).toMatchObject({ ok: true, value: { id: 'empty' } });
    expect(readdirSync(join(parent, 'a'))).not.toContain(TEMPLATE_META_FILE);
    expect(await copyTemplate(TEMPLATES, 'empty', join(parent, 'a'))).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});
