'use strict';

// Pure logic of the filter module (no SDK), unit-tested on its own: which messages go on to output1, and
// how the TemperatureThreshold desired property is applied.

const DEFAULT_THRESHOLD = 25;

/**
 * Decides what to do with one message body (a Buffer or string of JSON in SimulatedTemperatureSensor's shape):
 * `{ forward: true, temperature }` when machine.temperature is above the threshold, otherwise
 * `{ forward: false, reason }` with reason `not-json`, `no-temperature` or `below-threshold`.
 */
function decide(bytes, threshold) {
  let body;
  try {
    body = JSON.parse(Buffer.isBuffer(bytes) ? bytes.toString('utf8') : String(bytes));
  } catch {
    return { forward: false, reason: 'not-json' };
  }
  const temperature = body && typeof body === 'object' && body.machine && typeof body.machine === 'object' ? body.machine.temperature : undefined;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature)) return { forward: false, reason: 'no-temperature' };
  if (temperature <= threshold) return { forward: false, reason: 'below-threshold', temperature };
  return { forward: true, temperature };
}

/**
 * Applies a desired-properties document (or patch): returns the threshold in force, whether it changed,
 * a warning for an invalid value (the old threshold is kept), and the reported patch (only when the patch
 * mentioned TemperatureThreshold).
 */
function applyDesired(threshold, desired) {
  if (!desired || typeof desired !== 'object' || !('TemperatureThreshold' in desired)) {
    return { threshold, changed: false, warning: undefined, reported: {} };
  }
  const value = desired.TemperatureThreshold;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { threshold, changed: false, warning: `TemperatureThreshold must be a number; kept ${threshold}`, reported: { TemperatureThreshold: threshold } };
  }
  return { threshold: value, changed: value !== threshold, warning: undefined, reported: { TemperatureThreshold: value } };
}

module.exports = { DEFAULT_THRESHOLD, decide, applyDesired };
