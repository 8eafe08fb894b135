#!/usr/bin/env node
// `npm test`: the whole suite on a fresh clone. Installs what it needs (Debian packages as root, npm
// dependencies), builds, then type-checks, lints, runs the unit tests (Vitest) and the user flows (Playwright in
// Debian's Chromium against the served console), and ends with one summary line.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, ensureDependencies, ROOT, run } from './ensure.mjs';
import { ensureDockerEngine, ensurePackages } from './system-deps.mjs';

const started = Date.now();
try {
  ensurePackages();
  await ensureDockerEngine();
} catch (error) {
  console.error(`gatehouse test: ${error.message}`);
  process.exit(1);
}
ensureDependencies();
ensureBuilt({ force: true });

const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const results = join(ROOT, '.gatehouse-test');
rmSync(results, { recursive: true, force: true });
rmSync(join(ROOT, 'e2e', 'results', 'report.json'), { force: true });
mkdirSync(results, { recursive: true });

// Each group's steps run side by side (tsc and eslint are one thread each: on 2 cores they overlap); groups run in
// order, and the first failing group stops the run. A side-by-side step's output is printed whole when it ends.
const groups = [
  [
    ['typecheck', bin('tsc'), ['-b']],
    ['lint', bin('eslint'), ['.', '--max-warnings=0']],
  ],
  [['unit', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, 'vitest.json')}`]]],
  [['e2e', bin('playwright'), ['test', '-c', 'e2e/playwright.config.ts']]],
];
const only = process.argv.slice(2);
let failedStep;

/** Runs a step with its output kept, then prints it under its heading. */
function runBuffered(name, command, args) {
  return new Promise((resolve) => {
    const t = Date.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    const done = (code) => {
      console.log(`\n=== ${name} ===`);
      process.stdout.write(Buffer.concat(out));
      console.log(`=== ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      resolve(code);
    };
    child.on('error', (error) => {
      out.push(Buffer.from(`${error.message}\n`));
      done(1);
    });
    child.on('close', (code) => done(code ?? 1));
  });
}

for (const group of groups) {
  const steps = group.filter(([name]) => !only.length || only.includes(name));
  if (steps.length === 0) continue;
  let codes;
  if (steps.length === 1) {
    const [name, command, args] = steps[0];
    console.log(`\n=== ${name} ===`);
    const t = Date.now();
    const code = run(command, args);
    console.log(`=== ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    codes = [code];
  } else {
    codes = await Promise.all(steps.map(([name, command, args]) => runBuffered(name, command, args)));
  }
  const failed = steps.findIndex((_, i) => codes[i] !== 0);
  if (failed >= 0) {
    failedStep = steps[failed][0];
    break;
  }
}

const counts = { passed: 0, failed: 0, skipped: 0 };
const vitest = join(results, 'vitest.json');
if (existsSync(vitest)) {
  const v = JSON.parse(readFileSync(vitest, 'utf8'));
  counts.passed += v.numPassedTests ?? 0;
  counts.failed += v.numFailedTests ?? 0;
  counts.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
}
const pw = join(ROOT, 'e2e', 'results', 'report.json');
if (existsSync(pw) && (!only.length || only.includes('e2e'))) {
  const s = JSON.parse(readFileSync(pw, 'utf8')).stats ?? {};
  counts.passed += s.expected ?? 0;
  counts.failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
  counts.skipped += s.skipped ?? 0;
}
console.log(`\ngatehouse test: ${failedStep ? `FAILED at ${failedStep}` : 'all steps ok'} in ${((Date.now() - started) / 60000).toFixed(1)} min`);
console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failedStep ? 1 : 0);
