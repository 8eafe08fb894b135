// A module on one past azure-iot-device release calling a method on another module through the edge hub
// (ModuleClient.invokeMethod: HTTPS POST to IOTEDGE_GATEWAYHOSTNAME:443 with the caller's SAS from the workload API).
// Used by sdk-releases.test.ts beside the release's node_modules; callback API only, as 1.7 has no promises. Prints
// one line of JSON and exits. No open(): invokeMethod does not use the MQTT connection.
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS module program, as IoT Edge modules are written (the sample modules under resources have the same exemption) */
'use strict';

const device = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

const version = require('azure-iot-device/package.json').version;
const [targetModule, methodName] = String(process.env.CALL_TARGET || '').split('/');

device.ModuleClient.fromEnvironment(Mqtt, function (error, client) {
  if (error) {
    process.stdout.write(JSON.stringify({ version: version, error: 'fromEnvironment: ' + error.message }) + '\n');
    process.exit(1);
  }
  const params = { methodName: methodName, payload: { from: process.env.IOTEDGE_MODULEID, sdk: version }, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 0 };
  client.invokeMethod(process.env.IOTEDGE_DEVICEID, targetModule, params, function (callError, result) {
    const failure = callError && { message: callError.message, type: callError.constructor && callError.constructor.name, status: callError.response && callError.response.statusCode };
    process.stdout.write(JSON.stringify({ version: version, error: failure || undefined, result: result }) + '\n');
    process.exit(0);
  });
});
