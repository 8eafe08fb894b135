import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elfInterpreter, parseLdd, sharedLibraries, which } from './host-binaries';

describe('parseLdd', () => {
  it('reads glibc ldd output: libraries, the loader, no vdso', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd6b1f2000)',
      '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f2a51878000)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f2a51600000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2a5133e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f2a51891000)',
      '',
    ].join('\n');
    expect(parseLdd(output)).toEqual({
      libraries: [
        { name: 'libdl.so.2', path: '/lib/x86_64-linux-gnu/libdl.so.2' },
        { name: 'libstdc++.so.6', path: '/lib/x86_64-linux-gnu/libstdc++.so.6' },
        { name: 'libc.so.6', path: '/lib/x86_64-linux-gnu/libc.so.6' },
        { name: 'ld-linux-x86-64.so.2', path: '/lib64/ld-linux-x86-64.so.2' },
      ],
      missing: [],
    });
  });

  it('reports libraries that are not found', () => {
    expect(parseLdd('\tlibfoo.so.1 => not found\n\tlibc.so.6 => /lib/libc.so.6 (0x1)\n').missing).toEqual(['libfoo.so.1']);
  });

  it('reads aarch64 output', () => {
    expect(parseLdd('\tlinux-vdso.so.1 (0x0000ffff)\n\tlibc.so.6 => /lib/aarch64-linux-gnu/libc.so.6 (0x0000ffff8)\n\t/lib/ld-linux-aarch64.so.1 (0x0000ffff9)\n').libraries).toEqual([
      { name: 'libc.so.6', path: '/lib/aarch64-linux-gnu/libc.so.6' },
      { name: 'ld-linux-aarch64.so.1', path: '/lib/ld-linux-aarch64.so.1' },
    ]);
  });
});

describe('this machine (Linux, as CI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-bin-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds node on PATH, dynamically linked, with libc among its libraries', async () => {
    const node = await which('node');
    expect(node.ok).toBe(true);
    if (!node.ok) return;
    const interpreter = await elfInterpreter(node.value);
    expect(interpreter).toMatchObject({ ok: true, value: expect.stringMatching(/^\/lib.*\/ld-linux/) });
    const libraries = await sharedLibraries(node.value);
    expect(libraries.ok && libraries.value.map((l) => l.name)).toEqual(expect.arrayContaining(['libc.so.6']));
  });

  it('knows a static binary (the busybox the test image needs) from a dynamic one', async () => {
    expect(await elfInterpreter('/bin/busybox')).toEqual({ ok: true, value: undefined });
  });

  it('answers NOT_FOUND for a missing program and BAD_REQUEST for a file that is not ELF', async () => {
    expect(await which('gatehouse-no-such-program')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await elfInterpreter(path.join(dir, 'absent'))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const script = path.join(dir, 'script.sh');
    await writeFile(script, '#!/bin/sh\necho hi\n'.repeat(10));
    expect(await elfInterpreter(script)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
