import { describe, expect, it } from 'vitest';
import { appError } from '../../../shared/errors';
import type { Step } from './steps';
import { describeFailure, neverPullFailure, pullFailure, pullFailureReason } from './step-failure';

describe('step failures in words', () => {
  it.each([
    ['Get "https://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused', 'cannot be reached (offline?)'],
    ['Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: server misbehaving', 'cannot be reached (offline?)'],
    ['Head "https://r.example/v2/x/manifests/1": unauthorized: authentication required', 'refused the credentials'],
    ['pull access denied for nothere, repository does not exist or may require \'docker login\': denied: requested access to the resource is denied', 'refused access'],
    ['manifest for r.example/x:9 not found: manifest unknown: manifest unknown', 'has no such image or tag'],
    ['received unexpected HTTP status: 500 Internal Server Error', 'answered with an error'],
  ])('reads %s', (engineText, words) => expect(pullFailureReason(engineText, 'r.example')).toContain(words));

  it('puts the sentence first and the engine text behind it', () => {
    const failure = pullFailure('r.example/x:1', 'sensor', 'Get "https://r.example/v2/": dial tcp: connect: connection refused');
    expect(failure.summary).toBe(
      'The image r.example/x:1 for sensor is not on this machine and could not be pulled: the registry r.example cannot be reached (offline?). Sideload it: Runtime → Sideload image…, or `gatehouse runtime sideload <image.tar>`.',
    );
    expect(failure.detail).toContain('connection refused');
    expect(neverPullFailure('x:1', 'm').summary).toMatch(/^The image x:1 for m is not on this machine, and its imagePullPolicy \(never\) forbids pulling it\. Sideload it/);
  });

  it.each([
    [{ kind: 'start', module: 'm' }, appError('BAD_REQUEST', 'create container m: invalid mount config'), 'm could not be started: the engine refused its settings (createOptions).'],
    [{ kind: 'start', module: 'm' }, appError('ENGINE_UNAVAILABLE', 'Docker engine at unix:///var/run/docker.sock does not answer'), 'm could not be started: the container engine stopped answering.'],
    [{ kind: 'stop', module: 'm', containerId: 'c' }, appError('INTERNAL', 'stop container c: boom'), 'm could not be stopped.'],
  ] as [Step, ReturnType<typeof appError>, string][])('engine errors of %j get a sentence and keep the text as detail', (step, error, summary) => {
    expect(describeFailure(step, error)).toEqual({ summary, detail: error.message });
  });

  it('keeps a sentence the executor already made', () => {
    const failure = describeFailure({ kind: 'ensureImage', module: 'm', image: 'x', pullPolicy: 'on-create' }, appError('NOT_FOUND', 'The image x …', { summary: 'The image x …', engineMessage: 'raw' }));
    expect(failure).toEqual({ summary: 'The image x …', detail: 'raw' });
  });
});
