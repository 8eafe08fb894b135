'use strict';

// Pure logic of the simulated temperature sensor (no SDK, no timers), unit-tested on its own.
// The readings follow Microsoft's SimulatedTemperatureSensor: the machine temperature starts at 21 °C and
// drifts upward by -0.25…+1.25 per reading, the machine pressure follows it linearly (1…10), the ambient
// temperature wobbles around 21 °C and the humidity is 24…26 %. Unlike the original, the machine
// temperature starts over at the minimum once it passes the maximum, so a threshold filter keeps having
// readings on both sides of its threshold.

const SIMULATION = Object.freeze({
  machineTempMin: 21,
  machineTempMax: 100,
  machinePressureMin: 1,
  machinePressureMax: 10,
  ambientTemp: 21,
  humidityPercent: 25,
});

const DEFAULT_SETTINGS = Object.freeze({ sendInterval: 5, sendData: true });
const DEFAULT_MESSAGE_COUNT = 500;
/** SendInterval bounds in seconds: at least 100 ms, at most one day. */
const MIN_SEND_INTERVAL = 0.1;
const MAX_SEND_INTERVAL = 86400;

/** The machine temperature after one more reading; `random` returns [0, 1). */
function nextMachineTemperature(current, random) {
  if (current > SIMULATION.machineTempMax) return SIMULATION.machineTempMin;
  return current - 0.25 + random() * 1.5;
}

/** The message body for a machine temperature, in SimulatedTemperatureSensor's shape. */
function reading(machineTemperature, random, now) {
  const normal = (SIMULATION.machinePressureMax - SIMULATION.machinePressureMin) / (SIMULATION.machineTempMax - SIMULATION.machineTempMin);
  return {
    machine: {
      temperature: machineTemperature,
      pressure: SIMULATION.machinePressureMin + (machineTemperature - SIMULATION.machineTempMin) * normal,
    },
    ambient: {
      temperature: SIMULATION.ambientTemp + random() - 0.5,
      humidity: SIMULATION.humidityPercent - 1 + Math.floor(random() * 3),
    },
    timeCreated: now.toISOString(),
  };
}

/**
 * Applies a desired-properties document (or patch) to the settings. Unknown keys are ignored, invalid values
 * are refused with a warning and leave the setting as it was. Returns the new settings, which keys changed,
 * the warnings, and the reported patch (the values in force for every key the patch mentioned).
 */
function applyDesired(settings, desired) {
  const next = { ...settings };
  const changed = [];
  const warnings = [];
  const reported = {};
  if (!desired || typeof desired !== 'object') return { settings: next, changed, warnings, reported };
  if ('SendInterval' in desired) {
    const value = desired.SendInterval;
    if (typeof value === 'number' && Number.isFinite(value) && value >= MIN_SEND_INTERVAL && value <= MAX_SEND_INTERVAL) {
      if (value !== next.sendInterval) changed.push('SendInterval');
      next.sendInterval = value;
    } else {
      warnings.push(`SendInterval must be a number of seconds from ${MIN_SEND_INTERVAL} to ${MAX_SEND_INTERVAL}; kept ${next.sendInterval}`);
    }
    reported.SendInterval = next.sendInterval;
  }
  if ('SendData' in desired) {
    const value = desired.SendData;
    if (typeof value === 'boolean') {
      if (value !== next.sendData) changed.push('SendData');
      next.sendData = value;
    } else {
      warnings.push(`SendData must be true or false; kept ${next.sendData}`);
    }
    reported.SendData = next.sendData;
  }
  return { settings: next, changed, warnings, reported };
}

/** The MessageCount variable: how many messages to send, Infinity for a negative count; 500 by default. */
function parseMessageCount(value) {
  if (value === undefined || value === null || String(value).trim() === '') return DEFAULT_MESSAGE_COUNT;
  const count = Number(String(value).trim());
  if (!Number.isInteger(count)) return DEFAULT_MESSAGE_COUNT;
  return count < 0 ? Infinity : count;
}

module.exports = {
  SIMULATION,
  DEFAULT_SETTINGS,
  DEFAULT_MESSAGE_COUNT,
  nextMachineTemperature,
  reading,
  applyDesired,
  parseMessageCount,
};
