// A module as field modules were written since azure-iot-device 1.7 (2018), run unmodified against Gatehouse's edge
// hub by sdk-releases.test.ts with one SDK release on NODE_PATH. It uses only the callback API that every release
// from 1.7 to 1.18 has (1.7 has no promises): ModuleClient.fromEnvironment(Mqtt or MqttWs, cb), open, the `inputMessage`
// event, complete, onMethod, getTwin, twin.properties.reported.update, the twin's `properties.desired` event and
// sendOutputEvent. Every step reports on its own line of JSON on stdout ({"event": ...}), so one failing step does
// not hide the others. It runs until its parent ends it.
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS module program, as IoT Edge modules are written (the sample modules under resources have the same exemption) */
'use strict';

const device = require('azure-iot-device');
// Mqtt (8883, or the port in IOTEDGE_GATEWAYHOSTNAME) unless SDK_RELEASE_TRANSPORT=MqttWs (wss on 443).
const transport = process.env.SDK_RELEASE_TRANSPORT === 'MqttWs' ? 'MqttWs' : 'Mqtt';
const Transport = require('azure-iot-device-mqtt')[transport];

function emit(event, fields) {
  process.stdout.write(JSON.stringify(Object.assign({ event: event }, fields || {})) + '\n');
}

function failed(step, error) {
  emit('step-error', { step: step, message: String((error && (error.message || error.name)) || error), type: error && error.constructor && error.constructor.name });
}

const version = require('azure-iot-device/package.json').version;
emit('loaded', { version: version, mqttVersion: require('azure-iot-device-mqtt/package.json').version, transport: transport, resolved: require.resolve('azure-iot-device') });

const moduleId = process.env.IOTEDGE_MODULEID;

device.ModuleClient.fromEnvironment(Transport, function (error, client) {
  if (error) return failed('fromEnvironment', error);
  client.on('error', function (e) {
    failed('client', e);
  });
  client.open(function (openError) {
    if (openError) return failed('open', openError);
    emit('open');

    client.on('inputMessage', function (inputName, message) {
      const properties = {};
      message.properties.propertyList.forEach(function (p) {
        properties[p.key] = p.value;
      });
      emit('input', { input: inputName, body: message.getBytes().toString(), properties: properties });
      client.complete(message, function (e) {
        if (e) failed('complete', e);
      });
    });

    client.onMethod('describe', function (request, response) {
      emit('method', { methodName: request.methodName, payload: request.payload });
      response.send(200, { moduleId: moduleId, sdk: version, asked: request.payload }, function (e) {
        if (e) failed('method-response', e);
        else emit('method-answered');
      });
    });

    client.getTwin(function (twinError, twin) {
      if (twinError) return failed('getTwin', twinError);
      emit('twin', { desired: twin.properties.desired });
      twin.on('properties.desired', function (patch) {
        emit('desired', { patch: patch });
      });
      twin.properties.reported.update({ sdk: version, greeting: 'hello from ' + moduleId }, function (e) {
        if (e) failed('reported', e);
        else emit('reported');
      });
    });

    const message = new device.Message(JSON.stringify({ from: moduleId, sdk: version }));
    message.properties.add('release', version);
    client.sendOutputEvent('out1', message, function (e) {
      if (e) failed('sendOutputEvent', e);
      else emit('sent');
    });
  });
});
