#!/usr/bin/env node
// The `gatehouse` command. From a checkout it builds dist/ first when it is missing (scripts/ensure.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  const ensure = fileURLToPath(new URL('../scripts/ensure.mjs', import.meta.url));
  const built = spawnSync(process.execPath, [ensure], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await import(cli.href);
