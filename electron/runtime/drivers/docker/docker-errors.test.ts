import { describe, expect, it } from 'vitest';
import { codeForStatus, createInvoke, engineMessage, toAppError } from './docker-errors';

const context = { operation: 'start container m1', endpoint: 'unix:///var/run/docker.sock' };

/** What docker-modem rejects with when the engine answers with an error status. */
function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message }, reason: 'x' });
}

/** What Node rejects with when the socket is not there. */
function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code, syscall: 'connect' });
}

describe('codeForStatus', () => {
  it.each([
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [400, 'BAD_REQUEST'],
    [403, 'CONFLICT'],
    [408, 'TIMEOUT'],
    [500, 'IO'],
    [503, 'IO'],
    [302, 'INTERNAL'],
  ])('%i → %s', (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });
});

describe('toAppError', () => {
  it('maps an HTTP error with the engine message', () => {
    expect(toAppError(httpError(404, 'No such container: m1'), context)).toEqual({
      code: 'NOT_FOUND',
      message: 'start container m1: No such container: m1',
      details: { operation: 'start container m1', status: 404, engineMessage: 'No such container: m1' },
    });
  });

  it.each(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EACCES'])('maps %s to ENGINE_UNAVAILABLE', (code) => {
    const error = toAppError(socketError(code), context);
    expect(error.code).toBe('ENGINE_UNAVAILABLE');
    expect(error.message).toBe(`Docker engine at unix:///var/run/docker.sock does not answer (${code}): is Docker running?`);
    expect(error.details).toMatchObject({ errno: code, operation: 'start container m1' });
  });

  it('maps "socket hang up" to ENGINE_UNAVAILABLE', () => {
    expect(toAppError(new Error('socket hang up'), context).code).toBe('ENGINE_UNAVAILABLE');
  });

  it('maps an abort by a timeout to TIMEOUT and any other abort to a cancelled IO', () => {
    const abortError = Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
    const timedOut = new AbortController();
    timedOut.abort(new Error('timed out'));
    expect(toAppError(abortError, context, timedOut.signal).code).toBe('TIMEOUT');
    const cancelled = new AbortController();
    cancelled.abort();
    expect(toAppError(abortError, context, cancelled.signal)).toMatchObject({ code: 'IO', details: { cancelled: true } });
    expect(toAppError(Object.assign(new Error('t'), { name: 'TimeoutError' }), context).code).toBe('TIMEOUT');
  });

  it('maps anything else to INTERNAL', () => {
    expect(toAppError(new TypeError('x is not a function'), context)).toMatchObject({ code: 'INTERNAL', message: 'start container m1: x is not a function' });
    expect(toAppError(undefined, context).code).toBe('INTERNAL');
  });
});

describe('engineMessage', () => {
  it('prefers the JSON body, then a text body, then the formatted message', () => {
    expect(engineMessage(httpError(500, 'boom'))).toBe('boom');
    expect(engineMessage(Object.assign(new Error('(HTTP code 500) server error - raw '), { json: Buffer.from('raw text\n') }))).toBe('raw text');
    expect(engineMessage(new Error('(HTTP code 500) server error - the cause '))).toBe('the cause');
  });
});

describe('createInvoke', () => {
  it('returns ok values, maps failures, and reports engine-down failures', async () => {
    let reported = 0;
    const invoke = createInvoke('unix:///x.sock', () => (reported += 1));
    expect(await invoke('op', async () => 42)).toEqual({ ok: true, value: 42 });
    expect(await invoke('op', () => Promise.reject(httpError(409, 'name taken')))).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(reported).toBe(0);
    expect(await invoke('op', () => Promise.reject(socketError('ENOENT')))).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });
    expect(reported).toBe(1);
  });
});
