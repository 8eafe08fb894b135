import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { labelFilters, labelsMatch, toContainerDetails, toContainerSummary, toEngineInfo, toRunState, trimName } from './docker-mappers';

describe('docker mappers', () => {
  it.each([
    ['running', 'running'],
    ['exited', 'exited'],
    ['dead', 'dead'],
    ['removing', 'removing'],
    ['hibernating', 'unknown'],
    [undefined, 'unknown'],
  ])('run state %s → %s', (input, state) => {
    expect(toRunState(input)).toBe(state);
  });

  it('trims the leading slash of container names', () => {
    expect(trimName('/edgeHub')).toBe('edgeHub');
    expect(trimName('edgeHub')).toBe('edgeHub');
    expect(trimName(undefined)).toBe('');
  });

  it('maps a container summary', () => {
    const info = {
      Id: 'c1',
      Names: ['/tempSensor'],
      Image: 'gatehouse/busybox-module:test',
      ImageID: 'sha256:i1',
      State: 'exited',
      Status: 'Exited (3) 2 seconds ago',
      Labels: { 'net.azure-devices.edge.owner': 'Microsoft.Azure.Devices.Edge.Agent' },
      Created: 1_700_000_000,
    } as unknown as Dockerode.ContainerInfo;
    expect(toContainerSummary(info)).toEqual({
      id: 'c1',
      name: 'tempSensor',
      image: 'gatehouse/busybox-module:test',
      imageId: 'sha256:i1',
      state: 'exited',
      status: 'Exited (3) 2 seconds ago',
      labels: { 'net.azure-devices.edge.owner': 'Microsoft.Azure.Devices.Edge.Agent' },
      createdAt: 1_700_000_000_000,
    });
  });

  it('maps details: zero times are "never", exit code only once the container has run', () => {
    const base = {
      Id: 'c1',
      Name: '/m',
      Image: 'sha256:i1',
      Created: '2026-11-27T10:00:00.000000000Z',
      RestartCount: 0,
      Config: { Image: 'img:1', Env: ['A=1'], Cmd: ['run'], Entrypoint: ['/bin/sh', '/module.sh'], Labels: null, Tty: false },
    };
    const created = toContainerDetails({
      ...base,
      State: { Status: 'created', Running: false, ExitCode: 0, OOMKilled: false, Error: '', Pid: 0, StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z' },
    } as unknown as Dockerode.ContainerInspectInfo);
    expect(created).toMatchObject({ state: 'created', running: false, pid: undefined, startedAt: undefined, finishedAt: undefined, labels: {} });
    const exited = toContainerDetails({
      ...base,
      State: { Status: 'exited', Running: false, ExitCode: 3, OOMKilled: false, Error: '', Pid: 0, StartedAt: '2026-11-27T10:00:01Z', FinishedAt: '2026-11-27T10:00:02Z' },
    } as unknown as Dockerode.ContainerInspectInfo);
    expect(exited).toMatchObject({ state: 'exited', exitCode: 3, finishedAt: '2026-11-27T10:00:02Z', env: ['A=1'], cmd: ['run'], entrypoint: ['/bin/sh', '/module.sh'] });
    const running = toContainerDetails({
      ...base,
      State: { Status: 'running', Running: true, ExitCode: 0, OOMKilled: false, Error: '', Pid: 42, StartedAt: '2026-11-27T10:00:01Z', FinishedAt: '0001-01-01T00:00:00Z' },
    } as unknown as Dockerode.ContainerInspectInfo);
    expect(running).toMatchObject({ running: true, exitCode: undefined, pid: 42 });
  });

  it('reads /info defensively', () => {
    expect(toEngineInfo({ Name: 'host', NCPU: 2, ContainersRunning: 1, Driver: 'overlay2', SystemTime: 'T', Bogus: 1 })).toMatchObject({
      name: 'host',
      cpus: 2,
      containers: { total: 0, running: 1, paused: 0, stopped: 0 },
      storageDriver: 'overlay2',
      memoryBytes: 0,
      systemTime: 'T',
    });
  });

  it('builds label filters and matches labels', () => {
    expect(labelFilters({ a: 'b', c: true })).toEqual(['a=b', 'c']);
    expect(labelFilters(undefined)).toEqual([]);
    expect(labelsMatch({ a: 'b', c: '' }, { a: 'b', c: true })).toBe(true);
    expect(labelsMatch({ a: 'b' }, { a: 'x' })).toBe(false);
    expect(labelsMatch({}, undefined)).toBe(true);
  });
});
