/**
 * Reads MQTT fixed headers as bytes stream past, so that a packet announcing more than `maxPacketBytes` is refused
 * before the broker's parser buffers it (aedes has no packet size limit of its own). Pure: feed it chunks, it says
 * when the limit is crossed. MQTT 3.1.1 §2.2: one type byte, then the remaining length as 1–4 bytes of 7-bit groups.
 */
export class MqttFrameMeter {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;
  private first = true;

  constructor(private readonly maxPacketBytes: number) {}

  /**
   * The announced remaining length of the first packet in `chunk` that exceeds the limit, or -1 when the stream is not
   * MQTT: a remaining length over four bytes, or a first packet that is not CONNECT (MQTT-3.1.0-1).
   */
  feed(chunk: Uint8Array): number | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++] ?? 0;
      if (this.state === 'type') {
        if (this.first && byte !== 0x10) return -1;
        this.first = false;
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes >= 4) return -1;
        continue;
      }
      if (this.length > this.maxPacketBytes) return this.length;
      this.remaining = this.length;
      this.state = this.length === 0 ? 'type' : 'body';
    }
    return undefined;
  }
}
