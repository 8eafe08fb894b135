'use strict';

// Method responder, an IoT Edge module written with the official Azure IoT device SDK: answers the direct
// methods `echo` (returns the payload), `getTime`, and `callModule` ({ moduleId, methodName, payload }: calls
// that module's method on the same device through the edge hub and returns its status and payload); any
// other method gets 404 with a message. One log line per notable event; never logs keys or tokens.
const { ModuleClient, DeviceMethodRequest, DeviceMethodResponse } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const logic = require('./logic');

const log = (line) => console.log(`method-responder: ${line}`);
const METHODS = ['echo', 'getTime', 'callModule'];

let client;
let stopping = false;

function reply(response, methodName, status, payload) {
  response.send(status, payload, (e) => {
    if (e) log(`${methodName}: response not sent: ${e.message}`);
    else log(`${methodName}: answered ${status}`);
  });
}

function onMethod(request, response) {
  const { methodName, payload } = request;
  const immediate = logic.answer(methodName, payload, new Date());
  if (immediate) return reply(response, methodName, immediate.status, immediate.payload);
  const parsed = logic.parseCallModule(payload);
  if (!parsed.ok) return reply(response, methodName, parsed.status, parsed.payload);
  const deviceId = process.env.IOTEDGE_DEVICEID;
  const { moduleId, methodParams } = parsed.request;
  log(`callModule: invoking ${moduleId}.${methodParams.methodName}`);
  client.invokeMethod(deviceId, moduleId, methodParams, (error, result) => {
    const answer = logic.callModuleAnswer(error, result);
    reply(response, methodName, answer.status, answer.payload);
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
  for (const name of METHODS) client.onMethod(name, onMethod);
  if (!logic.catchAllMethods(client._transport, onMethod, { DeviceMethodRequest, DeviceMethodResponse })) {
    log('this SDK version hides its transport: unknown methods will time out instead of getting 404');
  }
  log('module client created; connecting to the edge hub');
  client.open((openError) => {
    if (openError) {
      log(`cannot connect to the edge hub: ${openError.message}`);
      process.exit(1);
    }
    log(`connected; answering ${METHODS.join(', ')}`);
  });
});
