import { generate } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { MqttFrameMeter } from './mqtt-frame-meter';

const connect = generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'd1', clean: false, keepalive: 180 });
const publish = (bytes: number) => generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes), qos: 0, dup: false, retain: false });

describe('MqttFrameMeter', () => {
  it('lets packets under the limit through, whatever the chunking', () => {
    const stream = Buffer.concat([connect, publish(10), generate({ cmd: 'pingreq' }), publish(300), publish(20_000)]);
    for (const size of [1, 3, 7, 1000, stream.length]) {
      const meter = new MqttFrameMeter(20_010);
      for (let at = 0; at < stream.length; at += size) expect(meter.feed(stream.subarray(at, at + size))).toBeUndefined();
    }
  });

  it('reports the first packet that announces more than the limit, before its body arrives', () => {
    const meter = new MqttFrameMeter(1000);
    expect(meter.feed(Buffer.concat([connect, publish(100)]))).toBeUndefined();
    const big = publish(5000);
    expect(meter.feed(big.subarray(0, 4))).toBe(5000 + 3); // topic length (2) + 't'
  });

  it('reports a remaining length longer than four bytes as malformed', () => {
    expect(new MqttFrameMeter(1000).feed(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]))).toBe(-1);
  });

  it('reports a stream whose first packet is not CONNECT as malformed', () => {
    expect(new MqttFrameMeter(1000).feed(Buffer.from('GET / HTTP/1.1\r\n'))).toBe(-1);
    expect(new MqttFrameMeter(1000).feed(publish(1))).toBe(-1);
  });
});
