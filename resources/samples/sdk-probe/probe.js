// A module written with the official Azure IoT device SDK, run unmodified under Gatehouse's runtime:
// ModuleClient.fromEnvironment reads the IOTEDGE_* variables the agent injected, fetches the trust bundle from the
// workload API on the socket bound into this container, and signs a SAS token through it. It prints what it got
// and exits; it opens no connection (the hub is a later feature).
'use strict';
const { ModuleClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

async function main() {
  const client = await ModuleClient.fromEnvironment(Mqtt);
  const provider = client._transport._authenticationProvider;
  const credentials = await provider.getDeviceCredentials();
  if (typeof provider.stop === 'function') provider.stop();
  const ca = client._transport._mqtt._options && client._transport._mqtt._options.ca;
  console.log(JSON.stringify({ ok: true, moduleId: credentials.moduleId, deviceId: credentials.deviceId, sas: credentials.sharedAccessSignature, ca }));
  process.exit(0);
}

main().catch((error) => {
  console.log(JSON.stringify({ ok: false, error: String(error && error.message ? error.message : error) }));
  process.exit(1);
});
