'use strict';

// Simulated temperature sensor, an IoT Edge module written with the official Azure IoT device SDK: sends a
// reading in the shape of Microsoft's SimulatedTemperatureSensor on output `temperatureOutput` every
// SendInterval seconds (desired property, 5 by default) while SendData (desired, true by default), up to
// MessageCount messages (env, 500 by default, negative for no limit). Direct method `reset` starts the
// machine temperature over. One log line per notable event; never logs keys or tokens.
const { ModuleClient, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const logic = require('./logic');

const log = (line) => console.log(`temperature-sensor: ${line}`);
const messageCount = logic.parseMessageCount(process.env.MessageCount);

let client;
let timer;
let stopping = false;
let settings = { ...logic.DEFAULT_SETTINGS };
let machineTemperature = logic.SIMULATION.machineTempMin;
let sent = 0;

function schedule() {
  clearTimeout(timer);
  if (!stopping) timer = setTimeout(sendReading, settings.sendInterval * 1000);
}

function sendReading() {
  if (sent >= messageCount) return;
  if (settings.sendData) {
    const body = logic.reading(machineTemperature, Math.random, new Date());
    machineTemperature = logic.nextMachineTemperature(machineTemperature, Math.random);
    const message = new Message(JSON.stringify(body));
    message.contentType = 'application/json';
    message.contentEncoding = 'utf-8';
    sent += 1;
    const number = sent;
    client.sendOutputEvent('temperatureOutput', message, (error) => {
      if (error) log(`message ${number} not sent: ${error.message}`);
      else log(`sent message ${number}: machine temperature ${body.machine.temperature.toFixed(2)}`);
    });
    if (sent >= messageCount) {
      log(`sent MessageCount=${messageCount} messages; no more readings (staying connected)`);
      return;
    }
  }
  schedule();
}

function onDesired(twin, desired) {
  const applied = logic.applyDesired(settings, desired);
  for (const warning of applied.warnings) log(`desired properties: ${warning}`);
  const intervalChanged = applied.changed.includes('SendInterval');
  settings = applied.settings;
  for (const key of applied.changed) log(`${key} is now ${key === 'SendInterval' ? `${settings.sendInterval} s` : settings.sendData}`);
  if (intervalChanged) schedule();
  twin.properties.reported.update({ SendInterval: settings.sendInterval, SendData: settings.sendData }, (error) => {
    if (error) log(`reported properties not updated: ${error.message}`);
  });
}

function shutDown(signal) {
  if (stopping) return;
  stopping = true;
  clearTimeout(timer);
  log(`${signal}: closing the module client`);
  // The SDK may wait for the network; exit anyway after 5 s.
  setTimeout(() => process.exit(0), 5000).unref();
  if (!client) process.exit(0);
  client.close(() => {
    log('closed');
    process.exit(0);
  });
}
process.on('SIGTERM', () => shutDown('SIGTERM'));
process.on('SIGINT', () => shutDown('SIGINT'));
log(`starting (node ${process.version}, pid ${process.pid})`);

ModuleClient.fromEnvironment(Mqtt, (error, created) => {
  if (error) {
    log(`cannot create the module client: ${error.message}`);
    process.exit(1);
  }
  if (stopping) process.exit(0);
  client = created;
  client.on('error', (e) => log(`module client error: ${e.message}`));
  client.on('disconnect', () => {
    if (stopping) return;
    log('disconnected and the SDK gave up reconnecting; exiting so that the runtime restarts the module');
    process.exit(1);
  });
  client.onMethod('reset', (request, response) => {
    machineTemperature = logic.SIMULATION.machineTempMin;
    log(`reset: machine temperature back to ${machineTemperature}`);
    response.send(200, { machineTemperature }, (e) => e && log(`reset response not sent: ${e.message}`));
  });
  log('module client created; connecting to the edge hub');
  client.open((openError) => {
    if (openError) {
      log(`cannot connect to the edge hub: ${openError.message}`);
      process.exit(1);
    }
    log(`connected; MessageCount=${Number.isFinite(messageCount) ? messageCount : 'unlimited'}, SendInterval=${settings.sendInterval} s`);
    client.getTwin((twinError, twin) => {
      if (twinError) {
        log(`cannot read the module twin (defaults stay): ${twinError.message}`);
        return;
      }
      twin.on('properties.desired', (desired) => onDesired(twin, desired));
    });
    schedule();
  });
});
