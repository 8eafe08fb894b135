/**
 * The CLI under hostile input (issue 9, part 8): every file gets a verdict, a failure of Gatehouse itself
 * exits 2 with one line (never 1, never a stack trace), stdout going away is handled, and `-` is standard
 * input for every command that reads a file. The shapes are generated, not stored.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { manifest, type Json } from '../../../shared/manifest/manifest.test-util';
import { runCli } from '../main';

// A stand-in for a bug in the core: the real validator, except on a file that holds the marker.
vi.mock('../../../shared/manifest', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../shared/manifest')>();
  return {
    ...actual,
    validateManifest: (text: string, options?: Parameters<typeof actual.validateManifest>[1]) => {
      if (text.includes('__crash_the_validator__')) throw new RangeError('Maximum call stack size exceeded\n    at somewhere (file.js:1:1)');
      return actual.validateManifest(text, options);
    },
  };
});

// A valid template of the suite's own (the team's corpus is not beside a user's clone).
const GOOD = resolve(__dirname, 'testdata/deployment.template.json');
const BIN = join(__dirname, '..', '..', '..', 'bin', 'gatehouse.mjs');
const work = mkdtempSync(join(tmpdir(), 'gh-cli-robust-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(argv: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: work,
    env: { GATEHOUSE_HOME: join(work, 'home') },
    ...(stdin !== undefined ? { stdin: async () => stdin } : {}),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

type Verdict = { file: string; ok: boolean; kind: string; diagnostics: { code: string; severity: string; line: number; column: number; message: string }[] };

/** The manifest core's valid skeleton with no modules (tests splice hostile shapes in at `"modules": {}`). */
function deployment(extra: { modules?: Json; routes?: Record<string, string> } = {}): string {
  return JSON.stringify(manifest({ modules: extra.modules ?? {}, routes: extra.routes ?? {} }), null, 2);
}

function undeployedRoutes(count: number): Record<string, string> {
  const routes: Record<string, string> = {};
  for (let i = 0; i < count; i++) routes[`r${i}`] = `FROM /messages/modules/ghost${i}/outputs/* INTO BrokeredEndpoint("/modules/phantom${i}/inputs/in")`;
  return routes;
}

/** 1-based line of the first occurrence of `needle`. */
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

function write(name: string, text: string): string {
  writeFileSync(join(work, name), text);
  return name;
}

describe('gatehouse validate: every file gets a verdict', () => {
  it('pathological nesting next to a good file: located verdicts for both, exit 1', async () => {
    const arrays = write('arrays.json', deployment().replace('"modules": {}', `"modules": ${'['.repeat(1600)}${']'.repeat(1600)}`));
    const objects = write('objects.json', deployment().replace('"modules": {}', `"modules": ${'{"a":'.repeat(2800)}1${'}'.repeat(2800)}`));
    const createOptions = write('create-options.json', deployment({ modules: { m: { version: '1.0', type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'x/m:1', createOptions: `${'{"a":'.repeat(3600)}1${'}'.repeat(3600)}` } } } }));
    const { code, stdout } = await cli(['validate', GOOD, arrays, objects, createOptions, '--json']);
    expect(code).toBe(1);
    const verdicts = JSON.parse(stdout) as Verdict[];
    expect(verdicts.map((v) => [v.file, v.ok])).toEqual([[GOOD, true], [arrays, false], [objects, false], [createOptions, false]]);
    const line = lineOf(deployment(), '"modules": {}');
    expect(verdicts[1]?.diagnostics.find((d) => d.code === 'GH1007')).toMatchObject({ severity: 'error', line });
    expect(verdicts[2]?.diagnostics.find((d) => d.code === 'GH1007')).toMatchObject({ severity: 'error', line });
    expect(verdicts[3]?.diagnostics.find((d) => d.code === 'GH3040')?.message).toMatch(/nested more than 64 levels/i);
  });

  it('a crash on one file: the other verdicts stand, one line on stderr, exit 2', async () => {
    const crash = write('crash.json', deployment().replace('"modules": {}', '"modules": {}, "note": "__crash_the_validator__"'));
    const broken = resolve(__dirname, 'testdata/missing-brace.deployment.json');
    const json = await cli(['validate', GOOD, crash, broken, '--json']);
    expect(json.code).toBe(2);
    const verdicts = JSON.parse(json.stdout) as Verdict[];
    expect(verdicts.map((v) => v.ok)).toEqual([true, false, false]);
    expect(verdicts[1]).toMatchObject({ file: crash, kind: 'unknown', diagnostics: [{ code: 'GH0002', severity: 'error', message: expect.stringContaining('internal error: Maximum call stack size exceeded') }] });
    expect(verdicts[2]?.diagnostics.some((d) => d.code.startsWith('GH') && d.code !== 'GH0002')).toBe(true);
    expect(json.stderr.split('\n')).toEqual([expect.stringMatching(/^gatehouse validate: internal error on 1 file\(s\) .*crash\.json: Maximum call stack size exceeded$/)]);
    const text = await cli(['validate', crash, GOOD]);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/FAIL {2}crash\.json \(unknown\)[\s\S]*ok {4}.*deployment\.template\.json/);
  });

  it('any other internal failure of a command exits 2 with one line, not 1', async () => {
    const dir = join(work, 'expand-crash');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'deployment.template.json'), deployment().replace('"modules": {}', '"modules": {}, "note": "__crash_the_validator__"'));
    const { code, stderr } = await cli(['expand', 'expand-crash/deployment.template.json']);
    expect(code).toBe(2);
    expect(stderr).toBe('gatehouse expand: internal error: Maximum call stack size exceeded');
  });

  it('16,000 routes naming undeployed modules: capped at 1000 with a note, exit 1', async () => {
    const big = write('routes-16000.json', deployment({ routes: undeployedRoutes(16_000) }));
    const { code, stdout } = await cli(['validate', big, '--json']);
    expect(code).toBe(1);
    const [verdict] = JSON.parse(stdout) as Verdict[];
    expect(verdict?.diagnostics).toHaveLength(1001);
    expect(verdict?.diagnostics[1000]).toMatchObject({ code: 'GH1008', severity: 'info' });
  });

  it('the --json output is written a diagnostic at a time, never built as one string', async () => {
    // One JSON.stringify of every verdict failed with "Invalid string length" past 512 MB.
    const big = write('out-4000.json', deployment({ routes: undeployedRoutes(4000) }));
    const writes: string[] = [];
    const code = await runCli(['validate', big, big, big, '--json'], { stdout: (t) => writes.push(t), stderr: () => undefined, cwd: work, env: {} });
    expect(code).toBe(1);
    expect(Math.max(...writes.map((w) => w.length))).toBeLessThan(1000);
    const verdicts = JSON.parse(writes.join('\n')) as Verdict[];
    expect(verdicts.map((v) => v.diagnostics.length)).toEqual([1001, 1001, 1001]);
  });
});

describe('- is standard input', () => {
  it('validate -, also among files', async () => {
    const text = deployment({ routes: { r: 'FROM nowhere INTO $upstream' } });
    const { code, stdout } = await cli(['validate', GOOD, '-', '--json'], text);
    expect(code).toBe(1);
    const verdicts = JSON.parse(stdout) as Verdict[];
    expect(verdicts.map((v) => [v.file, v.ok])).toEqual([[GOOD, true], ['-', false]]);
    expect(verdicts[1]?.diagnostics.find((d) => d.code === 'GH4001')).toMatchObject({ line: lineOf(text, '"r": ') });
  });

  it('runtime apply - reads the deployment from standard input (an invalid one is refused with its line)', async () => {
    const text = deployment({ routes: { r: 'FROM nowhere INTO $upstream' } });
    const { code, stdout } = await cli(['runtime', 'apply', '-', '--dry-run', '--json'], text);
    expect(code).toBe(1);
    expect(stdout).not.toContain('Cannot read');
    expect(stdout).toContain('GH4001');
  });

  it('validate - without a standard input to read says so in the verdict', async () => {
    const { code, stdout } = await cli(['validate', '-', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ file: '-', ok: false, diagnostics: [expect.objectContaining({ code: 'GH0001', message: expect.stringContaining('standard input') })] })]);
  });

  it('routes check --file - and routes eval --message -', async () => {
    const check = await cli(['routes', 'check', '--file', '-', '--json'], 'FROM /messages/* INTO $upstream\n# comment\nFROM x\n');
    expect(check.code).toBe(1);
    expect((JSON.parse(check.stdout) as { ok: boolean }[]).map((v) => v.ok)).toEqual([true, false]);
    const evaluated = await cli(['routes', 'eval', 'FROM /messages/* WHERE $body.t > 30 INTO $upstream', '--message', '-', '--json'], JSON.stringify({ body: { t: 41 } }));
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ ok: true, matched: true });
  });

  it('routes eval refuses a message nested past 256 levels with one line, exit 2', async () => {
    const message = `{"body": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const { code, stderr } = await cli(['routes', 'eval', 'FROM /messages/* WHERE $body.a = 1 INTO $upstream', '--message', '-'], message);
    expect(code).toBe(2);
    expect(stderr).toBe('gatehouse routes eval: cannot read -: nested more than 256 levels deep at character 265');
  });

  it('expand -: the template from standard input, .env and config/ in the current folder', async () => {
    const dir = join(work, 'stdin-expand');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.env'), 'TAG=1.5\n');
    const template = deployment().replace('azureiotedge-hub:1.5', 'azureiotedge-hub:${TAG}');
    const out: string[] = [];
    const code = await runCli(['expand', '-', '--json'], { stdout: (t) => out.push(t), stderr: () => undefined, cwd: dir, env: {}, stdin: async () => template });
    const result = JSON.parse(out.join('\n')) as { ok: boolean; output: string };
    expect(code).toBe(0);
    expect(result.output).toBe(join(dir, 'config', 'deployment.amd64.json'));
    expect(readFileSync(result.output, 'utf8')).toContain('"image": "mcr.microsoft.com/azureiotedge-hub:1.5"');
  });
});

describe('the gatehouse process', () => {
  const devFull = existsSync('/dev/full');
  if (!devFull) console.log('skipped: the ENOSPC test needs /dev/full (Linux), which this machine lacks');

  function run(args: string[], options: { input?: string; stdout?: number } = {}) {
    return spawnSync(process.execPath, [BIN, ...args], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, GATEHOUSE_HOME: join(work, 'home') },
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.stdout !== undefined ? { stdio: ['pipe', options.stdout, 'pipe'] } : {}),
      maxBuffer: 256 * 1024 * 1024,
    });
  }

  it('validate - reads the real standard input', () => {
    const result = run(['validate', '-', '--json'], { input: readFileSync(GOOD, 'utf8') });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ file: '-', ok: true, kind: 'template' })]);
  });

  it('a reader that goes away (| head -c 10): no stack trace, the normal exit code', async () => {
    const big = write('pipe-4000.json', deployment({ routes: undeployedRoutes(4000) }));
    const child = spawn(process.execPath, [BIN, 'validate', big, big, big, '--json'], { cwd: work, env: { ...process.env, GATEHOUSE_HOME: join(work, 'home') } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });

  it.runIf(devFull)('a full disk (ENOSPC) on stdout: one line on stderr, exit 2', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const result = run(['validate', GOOD, '--json'], { stdout: full });
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^gatehouse: cannot write to standard output: ENOSPC/)]);
      expect(result.status).toBe(2);
    } finally {
      closeSync(full);
    }
  });
});
