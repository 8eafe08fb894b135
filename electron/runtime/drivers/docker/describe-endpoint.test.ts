import Dockerode from 'dockerode';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultUnixSocket, describeEndpoint } from './docker-driver';

describe('describeEndpoint: where the engine is, as Settings and messages say it', () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('names the default socket, not "http://localhost", when nothing is configured', () => {
    delete process.env.DOCKER_HOST;
    const endpoint = describeEndpoint(new Dockerode());
    expect(endpoint).toBe(`unix://${defaultUnixSocket()}`);
    expect(endpoint).not.toContain('localhost');
  });

  it.each([
    [{ socketPath: '/run/other.sock' }, 'unix:///run/other.sock'],
    [{ host: '127.0.0.1', port: 2375, protocol: 'http' as const }, 'http://127.0.0.1:2375'],
  ])('names a configured endpoint %j', (options, expected) => expect(describeEndpoint(new Dockerode(options))).toBe(expected));

  it("prefers Docker Desktop's per-user socket when it exists, as docker-modem does", () => {
    const home = mkdtempSync(join(tmpdir(), 'gh-home-'));
    try {
      expect(defaultUnixSocket(home)).toBe('/var/run/docker.sock');
      mkdirSync(join(home, '.docker', 'run'), { recursive: true });
      writeFileSync(join(home, '.docker', 'run', 'docker.sock'), '');
      expect(defaultUnixSocket(home)).toBe(join(home, '.docker', 'run', 'docker.sock'));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
