/**
 * `gatehouse validate` reads a template as `gatehouse expand` and iotedgedev do: with the `.env` beside it over
 * the environment. The templates are the manifest core's own fixtures (placeholders outside quotes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../main';

const VERDICTS = resolve(__dirname, '../../../shared/manifest/testdata/verdicts');
const work = mkdtempSync(join(tmpdir(), 'gh-cli-validate-env-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function validate(file: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const code = await runCli(['validate', file, '--json'], { stdout: (t) => out.push(t), stderr: () => undefined, cwd: work, env: { GATEHOUSE_HOME: join(work, 'home'), ...env } });
  const [verdict] = JSON.parse(out.join('')) as { ok: boolean; kind: string; diagnostics: { code: string; severity: string; line: number; message: string }[] }[];
  return { code, verdict };
}

describe('gatehouse validate with the .env beside a template', () => {
  it('expands placeholders outside quotes with it: the template is accepted', async () => {
    const { code, verdict } = await validate(join(VERDICTS, 'unquoted-set', 'deployment.template.json'));
    expect(verdict?.kind).toBe('template');
    expect(verdict?.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(verdict?.diagnostics.find((d) => d.code === 'GH6007' && d.line === 43)?.message).toContain('(here with "7200")');
    expect(code).toBe(0);
  });

  it('names a variable the .env does not set, on its line, and takes it from the environment when set there', async () => {
    const file = join(VERDICTS, 'unquoted-unset', 'deployment.template.json');
    const { code, verdict } = await validate(file);
    expect(code).toBe(1);
    expect(verdict?.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])).toEqual([['GH6001', 43]]);
    expect(verdict?.diagnostics.find((d) => d.code === 'GH6001')?.message).toContain('"TTL"');
    expect((await validate(file, { TTL: '3600' })).code).toBe(0);
  });
});
