import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const script = path.join(root, 'scripts/gen-manifest-validators.mjs');

describe('generated standalone validators', () => {
  it('are up to date with resources/schemas (run node scripts/gen-manifest-validators.mjs)', async () => {
    const generator = (await import(pathToFileURL(script).href)) as { generateValidatorSources: () => { js: string; dts: string } };
    const { js, dts } = generator.generateValidatorSources();
    expect(readFileSync(path.join(__dirname, 'generated/edge-validators.js'), 'utf8')).toBe(js);
    expect(readFileSync(path.join(__dirname, 'generated/edge-validators.d.ts'), 'utf8')).toBe(dts);
  });

  it('contain no run-time code generation', () => {
    const js = readFileSync(path.join(__dirname, 'generated/edge-validators.js'), 'utf8');
    expect(js).not.toMatch(/new Function|\beval\(|require\(/);
  });

  it('shared code imports only the generated validators, never ajv itself', () => {
    for (const file of ['check-schema.ts', 'validate-manifest.ts', 'index.ts']) {
      expect(readFileSync(path.join(__dirname, file), 'utf8')).not.toMatch(/from 'ajv/);
    }
  });
});

describe('documentation', () => {
  it('lists every diagnostic code in README.md', async () => {
    const { DIAGNOSTIC_CODES } = await import('./diagnostic-codes.js');
    const readme = readFileSync(path.join(__dirname, 'README.md'), 'utf8');
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) expect(readme, code).toMatch(new RegExp(`\\| ${code} \\| ${info.severity} \\|`));
  });
});
