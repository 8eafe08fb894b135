/** The Electron preload bridge: `window.gatehouse`. The renderer's Electron transport is built on it. */
export const BRIDGE_KEY = 'gatehouse';

export const CHANNELS = {
  invoke: 'gatehouse:invoke',
  subscribe: 'gatehouse:subscribe',
  unsubscribe: 'gatehouse:unsubscribe',
  event: 'gatehouse:event',
} as const;

export interface GatehouseBridge {
  /** Resolves with the wire Result of the call. */
  invoke(method: string, params: unknown): Promise<unknown>;
  /** Returns the unsubscribe function. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}
