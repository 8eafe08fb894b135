'use strict';

// Filter, an IoT Edge module written with the official Azure IoT device SDK: receives readings on input
// `input1` and forwards to output `output1` only those whose machine.temperature is above the
// TemperatureThreshold desired property (25 by default, reported back), with the application property
// MessageType=Alert added. One log line per notable event; never logs keys or tokens.
const { ModuleClient, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const logic = require('./logic');

const log = (line) => console.log(`filter: ${line}`);

let client;
let stopping = false;
let threshold = logic.DEFAULT_THRESHOLD;

function onInput(inputName, message) {
  // The SDK needs every received message settled; MQTT has nothing to settle, so complete() is quick.
  client.complete(message, (e) => e && log(`message not completed: ${e.message}`));
  if (inputName !== 'input1') {
    log(`ignored a message on input ${inputName}`);
    return;
  }
  const decision = logic.decide(message.getBytes(), threshold);
  if (!decision.forward) {
    if (decision.reason !== 'below-threshold') log(`dropped a message: ${decision.reason}`);
    return;
  }
  const out = new Message(message.getBytes());
  out.contentType = message.contentType || 'application/json';
  out.contentEncoding = message.contentEncoding || 'utf-8';
  for (const { key, value } of message.properties.propertyList) out.properties.add(key, value);
  out.properties.add('MessageType', 'Alert');
  client.sendOutputEvent('output1', out, (error) => {
    if (error) log(`alert not forwarded: ${error.message}`);
    else log(`forwarded an alert: machine temperature ${decision.temperature.toFixed(2)} > ${threshold}`);
  });
}

function onDesired(twin, desired) {
  const applied = logic.applyDesired(threshold, desired);
  if (applied.warning) log(`desired properties: ${applied.warning}`);
  if (applied.changed) log(`TemperatureThreshold is now ${applied.threshold}`);
  threshold = applied.threshold;
  twin.properties.reported.update({ TemperatureThreshold: threshold }, (error) => {
    if (error) log(`reported properties not updated: ${error.message}`);
  });
}

function shutDown(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: closing the module client`);
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
  log('module client created; connecting to the edge hub');
  client.open((openError) => {
    if (openError) {
      log(`cannot connect to the edge hub: ${openError.message}`);
      process.exit(1);
    }
    log(`connected; TemperatureThreshold=${threshold}`);
    client.on('inputMessage', onInput);
    client.getTwin((twinError, twin) => {
      if (twinError) {
        log(`cannot read the module twin (threshold stays ${threshold}): ${twinError.message}`);
        return;
      }
      twin.on('properties.desired', (desired) => onDesired(twin, desired));
    });
  });
});
