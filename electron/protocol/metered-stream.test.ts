import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { meteredStream } from './mqtt-front-end';

/** A stand-in for the TLS socket: records each write call (single or gathered), acknowledges on the next turn. */
function recordingSocket() {
  const calls: Buffer[][] = [];
  const socket = new Duplex({
    read: () => undefined,
    write: (chunk: Buffer, _encoding, callback) => {
      calls.push([chunk]);
      setImmediate(callback);
    },
    writev: (chunks, callback) => {
      calls.push(chunks.map(({ chunk }) => chunk as Buffer));
      setImmediate(callback);
    },
  });
  return { socket, calls };
}

describe('the front end metered stream', () => {
  it('hands packets written while a write is under way to the socket together, corked, in order and intact', async () => {
    const { socket, calls } = recordingSocket();
    const metered = meteredStream(socket, 1024, () => undefined);
    const packets = Array.from({ length: 10 }, (_, i) => Buffer.from(`packet-${i}`));
    const written = packets.map((packet) => new Promise<void>((resolve, reject) => metered.write(packet, (error) => (error ? reject(error) : resolve()))));
    await Promise.all(written);
    // The first goes at once; the nine written meanwhile reach the socket in one gathered write.
    expect(calls.map((call) => call.length)).toEqual([1, 9]);
    expect(Buffer.concat(calls.flat()).toString()).toBe(packets.map(String).join(''));
  });
});
