'use strict';

// Filter module: receives the simulated sensor's messages on input1 and forwards to output1 only those whose
// machine temperature is above the TemperatureThreshold desired property (25 by default). Forwarded messages get
// the application property MessageType=Alert, so routes can pick them out.
const { ModuleClient, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

let temperatureThreshold = 25;

function readThreshold(desired) {
  if (desired && typeof desired.TemperatureThreshold === 'number') {
    temperatureThreshold = desired.TemperatureThreshold;
    console.log(`TemperatureThreshold is now ${temperatureThreshold}`);
  }
}

function filter(client, message) {
  let body;
  try {
    body = JSON.parse(message.getBytes().toString('utf8'));
  } catch {
    console.warn('Dropped a message that is not JSON');
    return;
  }
  const temperature = body && body.machine && body.machine.temperature;
  if (typeof temperature !== 'number' || temperature <= temperatureThreshold) return;
  const out = new Message(JSON.stringify(body));
  for (const { key, value } of message.properties.propertyList) out.properties.add(key, value);
  out.properties.add('MessageType', 'Alert');
  client.sendOutputEvent('output1', out, (error) => {
    if (error) console.error(`Could not forward a message: ${error.message}`);
  });
}

ModuleClient.fromEnvironment(Mqtt, (error, client) => {
  if (error) {
    console.error(`Could not create the module client: ${error.message}`);
    process.exit(1);
  }
  client.on('error', (e) => console.error(`Module client error: ${e.message}`));
  client.open((openError) => {
    if (openError) {
      console.error(`Could not connect to edgeHub: ${openError.message}`);
      process.exit(1);
    }
    console.log('filtermodule connected');
    client.getTwin((twinError, twin) => {
      if (twinError) return console.error(`Could not read the module twin: ${twinError.message}`);
      readThreshold(twin.properties.desired);
      twin.on('properties.desired', readThreshold);
    });
    client.on('inputMessage', (inputName, message) => {
      client.complete(message, () => undefined);
      if (inputName === 'input1') filter(client, message);
    });
  });
});
