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

/**
 * The SDK has no catch-all for direct methods: a request for a method without a handler is dropped and the
 * caller times out. This routes the requests the MQTT transport would emit to no listener (`method_<name>`)
 * to `handler`, as the SDK's own request and response objects (`sdk`: DeviceMethodRequest,
 * DeviceMethodResponse), so that an unknown method gets its 404 at once. A request whose payload is not JSON is
 * answered 400 here. The transport is private to the SDK: returns false when it does not look as expected.
 */
function catchAllMethods(transport, handler, sdk) {
  if (!transport || typeof transport.emit !== 'function' || typeof transport.listenerCount !== 'function') return false;
  const emit = transport.emit.bind(transport);
  transport.emit = (event, ...args) => {
    const message = args[0];
    const unhandled = typeof event === 'string' && event.startsWith('method_') && transport.listenerCount(event) === 0;
    if (!unhandled || !message || typeof message.requestId !== 'string' || !message.methods) return emit(event, ...args);
    const response = new sdk.DeviceMethodResponse(message.requestId, transport);
    let request;
    try {
      request = new sdk.DeviceMethodRequest(message.requestId, message.methods.methodName, message.body);
    } catch (error) {
      response.send(400, { message: `invalid request: ${error.message}` }, () => undefined);
      return true;
    }
    handler(request, response);
    return true;
  };
  return true;
}

module.exports = { DEFAULT_RESPONSE_TIMEOUT, answer, parseCallModule, callModuleAnswer, catchAllMethods };
