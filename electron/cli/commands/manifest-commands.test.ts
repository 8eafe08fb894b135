import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../main';

/** The CLI tests' own manifests (a template and a deployment that misses its last brace). */
const FIXTURES = resolve(__dirname, 'testdata');
const TEMPLATE = join(FIXTURES, 'deployment.template.json');
const work = mkdtempSync(join(tmpdir(), 'gh-cli-manifest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: work, env: { GATEHOUSE_HOME: join(work, 'home') } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('gatehouse validate', () => {
  it('prints one JSON array with a verdict per file, and exits 1 when any has errors', async () => {
    const good = TEMPLATE;
    const broken = join(FIXTURES, 'missing-brace.deployment.json');
    const { code, stdout } = await cli('validate', good, broken, '--json');
    expect(code).toBe(1);
    const verdicts = JSON.parse(stdout) as { file: string; ok: boolean; kind: string; diagnostics: { code: string; severity: string; line: number; column: number; pointer: string; message: string }[] }[];
    expect(verdicts.map((v) => v.file)).toEqual([good, broken]);
    expect(verdicts[0]).toMatchObject({ ok: true, kind: 'template' });
    expect(verdicts[1]?.ok).toBe(false);
    const error = verdicts[1]?.diagnostics.find((d) => d.severity === 'error');
    expect(error).toEqual({ code: expect.any(String), severity: 'error', message: expect.any(String), line: expect.any(Number), column: expect.any(Number), pointer: expect.any(String) });
    expect(Object.keys(verdicts[1] ?? {}).sort()).toEqual(['diagnostics', 'file', 'kind', 'ok']);
  });

  it('says so for a file that cannot be read', async () => {
    const { code, stdout } = await cli('validate', 'missing.json', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)[0]).toMatchObject({ file: 'missing.json', ok: false, diagnostics: [{ severity: 'error', message: expect.stringContaining('Cannot read') }] });
  });
});

describe('gatehouse routes', () => {
  it('checks one route, with the column of an error', async () => {
    expect(JSON.parse((await cli('routes', 'check', 'FROM /messages/* INTO $upstream', '--json')).stdout)).toEqual({ route: 'FROM /messages/* INTO $upstream', ok: true });
    const bad = await cli('routes', 'check', 'FROM /messages/* WHERE INTO $upstream', '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { message: expect.any(String), column: expect.any(Number) } });
  });

  it('checks a file of routes, one per line, as an array', async () => {
    writeFileSync(join(work, 'routes.txt'), '# routes\nFROM /messages/* INTO $upstream\n\nFROM /messages/modules/a/* INTO BrokeredEndpoint("/modules/b/inputs/x")\nFROM nowhere\n');
    const { code, stdout } = await cli('routes', 'check', '--file', 'routes.txt', '--json');
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as { ok: boolean }[]).map((v) => v.ok)).toEqual([true, true, false]);
  });

  it('evaluates a route against a message file', async () => {
    writeFileSync(join(work, 'hot.json'), JSON.stringify({ body: { temperature: 41 }, source: '/messages/modules/sensor/outputs/temperatureOutput' }));
    writeFileSync(join(work, 'cold.json'), JSON.stringify({ body: { temperature: 12 }, source: '/messages/modules/sensor/outputs/temperatureOutput' }));
    const route = 'FROM /messages/modules/sensor/outputs/* WHERE $body.temperature > 30 INTO BrokeredEndpoint("/modules/filter/inputs/input1")';
    const hot = JSON.parse((await cli('routes', 'eval', route, '--message', 'hot.json', '--json')).stdout);
    const cold = JSON.parse((await cli('routes', 'eval', route, '--message', 'cold.json', '--json')).stdout);
    expect(hot).toMatchObject({ ok: true, matched: true, sink: { kind: 'moduleInput', module: 'filter', input: 'input1' } });
    expect(cold).toMatchObject({ ok: true, matched: false, sourceMatched: true, condition: false });
  });
});

describe('gatehouse expand', () => {
  it('expands ${VAR} from .env and ${MODULES.x} from module.json into config/deployment.<platform>.json', async () => {
    const solution = join(work, 'solution');
    mkdirSync(join(solution, 'modules', 'SampleModule'), { recursive: true });
    writeFileSync(join(solution, '.env'), 'ACR_USER=user\nACR_PASS=secret\nDEVOPS_IOTEDGE_REGISTRY_URL=localhost:5000\n');
    writeFileSync(join(solution, 'modules', 'SampleModule', 'module.json'), JSON.stringify({ image: { repository: 'localhost:5000/filter', tag: { version: '0.0.1', platforms: { amd64: './Dockerfile.amd64', arm32v7: './Dockerfile.arm32v7' } } } }));
    const template = readFileSync(TEMPLATE, 'utf8');
    writeFileSync(join(solution, 'deployment.template.json'), template);
    const { code, stdout } = await cli('expand', 'solution/deployment.template.json', '--platform', 'arm32v7', '--json');
    const result = JSON.parse(stdout) as { ok: boolean; output: string; diagnostics: unknown[] };
    expect(result.output).toBe(join(solution, 'config', 'deployment.arm32v7.json'));
    const written = readFileSync(result.output, 'utf8');
    expect(written).not.toMatch(/\$\{/);
    expect(written).toContain('"image": "localhost:5000/filter:0.0.1-arm32v7"');
    expect(written).toContain('"address": "localhost:5000"');
    expect(code).toBe(result.ok ? 0 : 1);
  });

  it('names an unresolved variable and where it is', async () => {
    const dir = join(work, 'unresolved');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'deployment.template.json'), readFileSync(TEMPLATE, 'utf8').replace('"modules": {', '"modules": {\n "x": {"version":"1.0","type":"docker","status":"running","restartPolicy":"always","settings":{"image":"${NOT_SET_ANYWHERE}"}},'));
    const { code, stdout } = await cli('expand', 'unresolved/deployment.template.json', '--json');
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as { diagnostics: { message: string; line: number }[] };
    expect(result.diagnostics.some((d) => d.message.includes('NOT_SET_ANYWHERE') && d.line > 1)).toBe(true);
  });
});
