'use strict';

// Pure logic of the method responder (no SDK), unit-tested on its own: the answer to each direct method, and
// the validation of a callModule request.

const DEFAULT_RESPONSE_TIMEOUT = 30;

/**
 * The answer to a direct method that needs no I/O: `echo` returns its payload, `getTime` the time, anything
 * else except `callModule` 404 with a message. Returns undefined for `callModule` (the caller invokes it).
 */
function answer(methodName, payload, now) {
  switch (methodName) {
    case 'echo':
      return { status: 200, payload: payload === undefined ? null : payload };
    case 'getTime':
      return { status: 200, payload: { time: now.toISOString(), epochMs: now.getTime() } };
    case 'callModule':
      return undefined;
    default:
      return { status: 404, payload: { message: `method ${methodName} is not implemented by this module; try echo, getTime or callModule` } };
  }
}

/**
 * Validates a callModule payload `{ moduleId, methodName, payload?, responseTimeoutInSeconds? }`:
 * `{ ok: true, request }` or `{ ok: false, status: 400, payload: { message } }`.
 */
function parseCallModule(body) {
  const bad = (message) => ({ ok: false, status: 400, payload: { message } });
  if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('callModule needs a JSON object { moduleId, methodName, payload }');
  if (typeof body.moduleId !== 'string' || body.moduleId.length === 0) return bad('callModule needs moduleId (a string)');
  if (typeof body.methodName !== 'string' || body.methodName.length === 0) return bad('callModule needs methodName (a string)');
  let timeout = DEFAULT_RESPONSE_TIMEOUT;
  if (body.responseTimeoutInSeconds !== undefined) {
    const value = body.responseTimeoutInSeconds;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 5 || value > 300) return bad('responseTimeoutInSeconds must be an integer from 5 to 300');
    timeout = value;
  }
  return {
    ok: true,
    request: { moduleId: body.moduleId, methodParams: { methodName: body.methodName, payload: body.payload === undefined ? null : body.payload, responseTimeoutInSeconds: timeout } },
  };
}

/** The answer to callModule once the call is done: the callee's status and payload, or 504/502 on an error. */
function callModuleAnswer(error, result) {
  if (error) {
    const timedOut = /timeout|timed out/i.test(String(error.message || error));
    return { status: timedOut ? 504 : 502, payload: { message: `the call failed: ${error.message || String(error)}` } };
  }
  return { status: 200, payload: { status: result && result.status, payload: result ? result.payload : null } };
}

module.exports = { DEFAULT_RESPONSE_TIMEOUT, answer, parseCallModule, callModuleAnswer };
