/**
 * The few platform globals that shared/ may use: present in every browser and in Node, but declared neither by
 * the ES library (shared has no DOM lib) nor by Node's types (shared has none).
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
